/**
 * The worker process is killed (SIGKILL) in the middle of a run and a new one is started:
 * the run completes from its recorded history, with no duplicate period and nothing lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../src/devstack/temporal-cli.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';

function startWorkerProcess(fx: SyncFixture): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/helpers/worker-process.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      WORKER_TASK_QUEUE: fx.taskQueue,
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      TIMR_BASE_URL: fx.sandbox.timrBaseUrl,
      TIMR_TOKEN_URL: fx.sandbox.timrTokenUrl,
      PERSONIO_BASE_URL: fx.sandbox.personioBaseUrl,
      TIMR_SYNC_SECRETS_DIR: fx.secretsDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      if (String(d).includes('READY')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code}): ${stderr.slice(-2000)}`)));
  });
}


describe('worker killed mid-run', () => {
  let fx: SyncFixture;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 5, tenants: 1, employees: 5, days: 7 }), { inProcessWorker: false });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await fx?.teardown();
  });

  it('completes after a restart with no duplicate and nothing lost', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    // Slow Personio down so the kill lands in the middle of the run.
    await fx.control.addFault('personio', { tenantId, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 60, maxMs: 120 } });
    const first = await startWorkerProcess(fx);
    worker = first;
    await fx.start(tenantId, { activityTimeoutSeconds: 4 });

    const posts = async () => (await fx.control.requests('personio', tenantId)).filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods').length;
    await waitUntil('some Personio posts', async () => (await posts()) >= 12);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const postsAtKill = await posts();
    const locksAtKill = (await fx.control.requests('timr', tenantId)).filter((r) => r.method === 'PATCH').length;

    // Mid-run: the kill left entries not yet locked (no worker can answer a query now).
    const timrAtKill = (await fx.control.state<Record<string, { workingTimes: { status: string }[] }>>('timr', tenantId))[tenantId]!;
    const changeableAtKill = timrAtKill.workingTimes.filter((w) => w.status === 'changeable').length;

    worker = await startWorkerProcess(fx);
    const done = await fx.waitForCycles(tenantId, 1, 120_000);
    expect(done.recentRuns[0]?.outcome).toBe('succeeded');
    expect(await posts()).toBeGreaterThan(postsAtKill);
    console.log(`killed after ${postsAtKill} Personio posts and ${locksAtKill} timr locks (${changeableAtKill} entries still changeable); finished with ${await posts()} posts`);

    const audit = await expectSyncInvariants(fx, tenantId);
    expect(changeableAtKill).toBeGreaterThan(audit.quarantined);
  });
});
