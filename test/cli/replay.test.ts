/**
 * `timr-sync replay`, as an operator runs it before a deploy: histories from a file and from the
 * server, against this checkout's workflows (bundled by the command), a prebuilt bundle, and a
 * deliberately changed one. Deterministic → exit 0; a changed workflow or a tampered history →
 * exit 1 with the nondeterminism named.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../src/cli/timr-sync.js';
import { bundleWorkflows } from '../../src/worker.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { HISTORIES_DIR } from '../helpers/history-fixtures.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = path.join(HISTORIES_DIR, 'v0.1.0', 'tenant.json');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env });
  return { code, stdout, stderr };
}

describe('timr-sync replay', () => {
  const dir = path.join(ROOT, '.data', 'test', `replay-cli-${process.pid}-${randomBytes(3).toString('hex')}`);
  const currentBundle = inject('workflowBundlePath');
  let changedBundle: string;
  // No codec key configured: the fixtures are not encrypted.
  const fileEnv: NodeJS.ProcessEnv = { TIMR_SYNC_CODEC_KEYS_FILE: path.join(dir, 'no-such-keys.json') };

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    // The next release, as a careless change would write it: a new timer before the first check.
    const wrapper = path.join(dir, 'changed-workflows.ts');
    writeFileSync(
      wrapper,
      [
        "import { sleep } from '@temporalio/workflow';",
        `import { tenantSyncWorkflow as released } from ${JSON.stringify(path.join(ROOT, 'src/workflows/tenant-sync.js'))};`,
        `export { syncRunWorkflow, healthCheckWorkflow } from ${JSON.stringify(path.join(ROOT, 'src/workflows/index.js'))};`,
        'export async function tenantSyncWorkflow(input: Parameters<typeof released>[0]) {',
        "  await sleep('1s');",
        '  return released(input);',
        '}',
      ].join('\n'),
    );
    const bundle = await bundleWorkflows({ workflowsPath: wrapper, logger: new DefaultLogger('ERROR') });
    changedBundle = path.join(dir, 'changed-bundle.js');
    writeFileSync(changedBundle, bundle.code);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a history from a file', () => {
    it('replays on the current code: exit 0, "deterministic", the workflow named', async () => {
      const r = await cli(fileEnv, 'replay', '--file', FIXTURE, '--bundle', currentBundle);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^deterministic +tenant\/demo-acme \(run [0-9a-f-]+, tenantSyncWorkflow, \d+ events\)$/m);
      expect(r.stdout).toContain('the history replays deterministically on this code');
    });

    it('a deliberately changed workflow bundle: exit 1 with the nondeterminism', async () => {
      const r = await cli(fileEnv, 'replay', '--file', FIXTURE, '--bundle', changedBundle);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^NOT DETERMINISTIC +tenant\/demo-acme/m);
      expect(r.stdout).toMatch(/\[TMPRL1100\] Nondeterminism error: Timer machine does not handle this event/);
      expect(r.stdout).toContain('1 of 1 history does not replay on this code');
    });

    it('a tampered history (another activity recorded): exit 1 naming both activities; --json says the same', async () => {
      const history = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] };
      const first = history.events.find((e) => e.activityTaskScheduledEventAttributes)!;
      expect(first.activityTaskScheduledEventAttributes!.activityType.name).toBe('checkForWork');
      first.activityTaskScheduledEventAttributes!.activityType.name = 'planSyncRun';
      const tampered = path.join(dir, 'tampered.json');
      writeFileSync(tampered, JSON.stringify(history));

      const r = await cli(fileEnv, 'replay', '--file', tampered, '--bundle', currentBundle);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("Nondeterminism error: Activity type of scheduled event 'planSyncRun' does not match activity type of activity command 'checkForWork'");

      const json = await cli(fileEnv, 'replay', '--file', tampered, '--bundle', currentBundle, '--json');
      expect(json.code).toBe(1);
      const out = JSON.parse(json.stdout) as { deterministic: boolean; histories: { deterministic: boolean; problem: string; reason: string }[] };
      expect(out.deterministic).toBe(false);
      expect(out.histories).toMatchObject([{ deterministic: false, problem: 'nondeterminism', reason: expect.stringContaining("'planSyncRun'") }]);
    });

    it('refuses what it cannot check: no history, encrypted payloads without a key, wrong arguments', async () => {
      const notJson = path.join(dir, 'not-json.json');
      writeFileSync(notJson, '{"events": [');
      const bad = await cli(fileEnv, 'replay', '--file', notJson);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--file .*not-json\.json is not JSON/);

      const encrypted = readFileSync(FIXTURE, 'utf8').replace(/"encoding":\s*"anNvbi9wbGFpbg=="/, `"encoding": "${Buffer.from('binary/encrypted').toString('base64')}"`);
      const encryptedFile = path.join(dir, 'encrypted.json');
      writeFileSync(encryptedFile, encrypted);
      const noKey = await cli(fileEnv, 'replay', '--file', encryptedFile, '--bundle', currentBundle);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toMatch(/holds encrypted payloads: set TIMR_SYNC_CODEC_KEY or TIMR_SYNC_CODEC_KEYS_FILE/);

      expect((await cli(fileEnv, 'replay')).code).toBe(2);
      const both = await cli(fileEnv, 'replay', 'tenant/x', '--file', FIXTURE);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give exactly one of <workflowId>, --file <history.json> or --query <query>');
    });
  });

  describe('histories from the server', () => {
    let fx: SyncFixture;
    let tenantId: string;
    let serverEnv: NodeJS.ProcessEnv;

    beforeAll(async () => {
      fx = await startSyncFixture(generateDemoData({ seed: 5, tenants: 1, employees: 4, days: 7 }));
      tenantId = fx.seed.tenants[0]!.id;
      await fx.start(tenantId);
      const s = await fx.waitForCycles(tenantId, 1, 60_000);
      expect(s.runCount).toBeGreaterThanOrEqual(1);
      serverEnv = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace'), TIMR_SYNC_CODEC_KEY: randomBytes(32).toString('base64') };
    }, 120_000);
    afterAll(async () => {
      await fx?.env.client.workflow.getHandle(`tenant/${tenantId}`).terminate('test cleanup').catch(() => undefined);
      await fx?.teardown();
    });

    it('a running tenant, against this checkout bundled by the command: exit 0', { timeout: 90_000 }, async () => {
      const r = await cli(serverEnv, 'replay', `tenant/${tenantId}`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^replaying against the workflows of this checkout \(src\/workflows\), default build id \d+\.\d+\.\d+-[0-9a-f]{12}$/m);
      expect(r.stdout).toMatch(new RegExp(`^deterministic +tenant/${tenantId} \\(run [0-9a-f-]+, tenantSyncWorkflow, \\d+ events\\)$`, 'm'));
    });

    it('every workflow of the tenant by query; the changed bundle breaks the tenant and not its runs', async () => {
      const query = `WorkflowId STARTS_WITH 'tenant/${tenantId}'`;
      const ok = await cli(serverEnv, 'replay', '--query', query, '--bundle', currentBundle);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(new RegExp(`^deterministic +tenant/${tenantId}/run/1 \\(run [0-9a-f-]+, syncRunWorkflow`, 'm'));
      expect(ok.stdout).toMatch(/all \d+ histories replay deterministically on this code/);

      const changed = await cli(serverEnv, 'replay', '--query', query, '--bundle', changedBundle);
      expect(changed.code).toBe(1);
      expect(changed.stdout).toMatch(new RegExp(`^NOT DETERMINISTIC +tenant/${tenantId} `, 'm'));
      expect(changed.stdout).toMatch(new RegExp(`^deterministic +tenant/${tenantId}/run/1 `, 'm'));
    });

    it('an unknown workflow or an empty query: exit 1, saying nothing was checked', async () => {
      const missing = await cli(serverEnv, 'replay', `tenant/${tenantId}-nope`, '--bundle', currentBundle);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`no workflow tenant/${tenantId}-nope on this server`);
      const none = await cli(serverEnv, 'replay', '--query', `WorkflowId = 'tenant/${tenantId}-nope'`, '--bundle', currentBundle);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('nothing was checked');
    });
  });
});
