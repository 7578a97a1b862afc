/**
 * Personio's per-IP limit holds across worker processes: an in-process worker and a worker
 * process (`src/worker.ts`), each configured with the full per-IP limit, sync four tenants on one
 * task queue against one Personio sandbox whose per-IP token bucket is the binding limit. Each
 * takes its share (by the pollers Temporal reports), so the sandbox — the oracle, counting on its
 * own — sees no 429 and never more requests in a second than its bucket admits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { startIpShare, type IpShare } from '../../src/activities/ip-share.js';
import { PersonioLimits } from '../../src/clients/rate-limiter.js';
import { dataConverterFromEnv } from '../../src/codec/index.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { createTestWorker } from '../helpers/temporal.js';
import { waitUntil } from '../helpers/wait.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CODEC_KEY = Buffer.alloc(32, 11).toString('base64');
// The sandbox's bucket per IP: 10 a second, 10 at once. Each worker is configured with all of it.
const IP_RATE = 10;
const IDENTITY = `ip-limit-in-process-${process.pid}@test`;

describe('per-IP limit across worker processes', () => {
  let fx: SyncFixture;
  let worker: Worker;
  let running: Promise<void>;
  let share: IpShare;
  let limits: PersonioLimits;
  let child: ChildProcess;
  let childOut = '';
  let childExit: Promise<number | null>;

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 23, tenants: 4, employees: 4, days: 7 }), { inProcessWorker: false, codecKey: CODEC_KEY });
    await fx.control.personioSettings({ rateLimitAlgorithm: 'token-bucket', rateLimitPerIp: IP_RATE * 60, rateLimitPerClient: 6000, rateLimitBurstSeconds: 1 });
    limits = new PersonioLimits({ perIp: { ratePerSecond: IP_RATE, burst: IP_RATE }, perClient: { ratePerSecond: 100, burst: 100 } });
    worker = await createTestWorker(fx.env, {
      taskQueue: fx.taskQueue,
      identity: IDENTITY,
      activities: createActivities({ ...fx.deps, personioLimits: limits }),
      dataConverter: await dataConverterFromEnv({ TIMR_SYNC_CODEC_KEY: CODEC_KEY }),
    });
    running = worker.run();
    share = await startIpShare({ connection: fx.env.nativeConnection, namespace: inject('temporalNamespace'), taskQueue: fx.taskQueue, identity: IDENTITY, limits, intervalMs: 300 });
    child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/worker.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TIMR_SYNC_TASK_QUEUE: fx.taskQueue,
        TIMR_SYNC_WORKER_VERSIONING: 'off',
        TIMR_SYNC_LOG_LEVEL: 'info',
        TIMR_SYNC_CODEC_KEY: CODEC_KEY,
        TIMR_SYNC_SECRETS_DIR: fx.secretsDir,
        TIMR_BASE_URL: fx.sandbox.timrBaseUrl,
        TIMR_TOKEN_URL: fx.sandbox.timrTokenUrl,
        PERSONIO_BASE_URL: fx.sandbox.personioBaseUrl,
        PERSONIO_RATE_PER_SECOND: String(IP_RATE),
        PERSONIO_RATE_BURST: String(IP_RATE),
        PERSONIO_CLIENT_RATE_PER_SECOND: '100',
        PERSONIO_CLIENT_RATE_BURST: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (childOut += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (childOut += d.toString('utf8')));
    childExit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // Both have counted each other before any tenant starts.
    await waitUntil('both workers count two processes', async () => {
      if (child.exitCode !== null) throw new Error(`worker process exited with ${child.exitCode}: ${childOut.slice(0, 2000)}`);
      return share.processes === 2 && /shared by 2 worker process/.test(childOut);
    }, 90_000, 200);
  }, 120_000);

  afterAll(async () => {
    share?.stop();
    child?.kill('SIGTERM');
    worker?.shutdown();
    await running;
    await childExit;
    await fx?.teardown();
  });

  it('each process takes half; four tenants sync with no 429 and at most the bucket per second at the IP', async () => {
    expect(limits.ip.ratePerSecond).toBe(IP_RATE / 2);
    expect(childOut).toMatch(/shared by 2 worker process\(es\): 5\.00\/s here/);
    const tenants = fx.seed.tenants.map((t) => t.id);
    for (const id of tenants) await fx.start(id, { concurrency: 4 });
    for (const id of tenants) expect((await fx.waitForCycles(id, 1, 150_000)).recentRuns[0]?.outcome).toBe('succeeded');

    const ip = (await fx.control.personioRateStats()).ip['127.0.0.1']!;
    expect(ip.requests).toBeGreaterThan(100);
    expect(ip.limited).toBe(0);
    // A token bucket admits its burst plus a second's refill within any one second.
    expect(ip.maxPerSecond).toBeLessThanOrEqual(2 * IP_RATE);
    // Both processes did the runs' work.
    const identities = new Set<string>();
    for (const id of tenants) {
      const run = (await fx.status(id)).recentRuns[0]!;
      const history = await fx.env.client.workflow.getHandle(run.workflowId).fetchHistory();
      for (const e of history.events ?? []) if (e.activityTaskStartedEventAttributes?.identity) identities.add(e.activityTaskStartedEventAttributes.identity);
    }
    expect(identities).toContain(IDENTITY);
    expect(identities).toContain(`${child.pid}@${os.hostname()}`);
    for (const id of tenants) await expectSyncInvariants(fx, id);
  }, 200_000);
});
