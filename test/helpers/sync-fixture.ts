/**
 * A real sync stack for one test file: sandbox timr + Personio over real HTTP, a file secret
 * store in a temp dir (0600 files), a worker on the shared dev server with the real workflows
 * and activities, on a task queue and tenant ids unique to the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import { dataConverterFromEnv } from '../../src/codec/index.js';
import { demoTenantSettings } from '../../src/devstack/demo-tenants.js';
import type { ActivityDeps } from '../../src/activities/deps.js';
import { PersonioLimits } from '../../src/clients/rate-limiter.js';
import { startTenant, tenantStatus } from '../../src/control/tenants.js';
import type { TenantSettingsInput } from '../../src/domain/tenant-settings.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { Seed } from '../../src/sandbox/seed.js';
import { auditSync, auditTenantFromStatus, type AuditTenant, type SyncAudit } from '../../src/sandbox/sync-audit.js';
import { FileSecretStore } from '../../src/secrets/index.js';
import type { TenantStatusView } from '../../src/workflows/types.js';
import { connectTestEnv, createTestWorker, uniqueTaskQueue } from './temporal.js';

export interface SyncFixture {
  env: TestWorkflowEnvironment;
  /** The client the fixture uses: env.client, or one with the payload codec (opts.codecKey). */
  client: Client;
  /** Environment for runCli against this fixture (address, namespace, codec key). */
  cliEnv: NodeJS.ProcessEnv;
  sandbox: RunningSandbox;
  control: SandboxControl;
  secrets: FileSecretStore;
  secretsDir: string;
  taskQueue: string;
  seed: Seed;
  deps: ActivityDeps;
  worker: Worker;
  /** Settings for a seeded tenant with test-friendly defaults. */
  settings(tenantId: string, overrides?: Partial<TenantSettingsInput>): TenantSettingsInput;
  start(tenantId: string, overrides?: Partial<TenantSettingsInput>, opts?: { continueAsNewAfterCycles?: number }): Promise<void>;
  status(tenantId: string): Promise<TenantStatusView>;
  /** Waits until the tenant completed at least `cycles` cycles and no run is in flight. */
  waitForCycles(tenantId: string, cycles: number, timeoutMs?: number): Promise<TenantStatusView>;
  waitForStatus(tenantId: string, predicate: (s: TenantStatusView) => boolean, timeoutMs?: number, what?: string): Promise<TenantStatusView>;
  audit(tenantIds?: string[]): Promise<SyncAudit>;
  restartWorker(): Promise<void>;
  teardown(): Promise<void>;
}

/** Suffixes tenant ids so test files sharing the dev server never share a workflow id. */
export function uniqueTenants(seed: Seed): Seed {
  const suffix = Math.random().toString(36).slice(2, 7);
  return { tenants: seed.tenants.map((t) => ({ ...t, id: `${t.id}-${suffix}` })) };
}

export async function startSyncFixture(
  seedInput: Seed,
  /** `codecKey`: worker and client encrypt payloads as in production (needed for CLI updates). */
  opts: { unique?: boolean; inProcessWorker?: boolean; codecKey?: string } = {},
): Promise<SyncFixture> {
  const seed = opts.unique === false ? seedInput : uniqueTenants(seedInput);
  const sandbox = await startSandbox({ seed });
  const control = new SandboxControl(sandbox);
  const secretsDir = mkdtempSync(path.join(os.tmpdir(), 'timr-sync-secrets-'));
  const secrets = new FileSecretStore(secretsDir);
  for (const t of seed.tenants) {
    await secrets.put(t.id, {
      timr: { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret },
      personio: { clientId: t.personio.clientId, clientSecret: t.personio.clientSecret },
    });
  }
  const env = await connectTestEnv();
  const taskQueue = uniqueTaskQueue('sync');
  const deps: ActivityDeps = {
    endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
    secrets,
    personioLimits: new PersonioLimits({ perIp: { ratePerSecond: 200, burst: 50 }, perClient: { ratePerSecond: 200, burst: 50 } }),
    httpTimeoutMs: 3_000,
  };
  const codecEnv = opts.codecKey ? { TIMR_SYNC_CODEC_KEY: opts.codecKey } : undefined;
  const dataConverter = codecEnv ? await dataConverterFromEnv(codecEnv) : undefined;
  const client = dataConverter ? new Client({ connection: env.connection, namespace: inject('temporalNamespace'), dataConverter }) : env.client;
  const makeWorker = () => createTestWorker(env, { taskQueue, activities: createActivities(deps), ...(dataConverter && { dataConverter }) });
  // Without an in-process worker the test brings its own (e.g. a child process it can kill).
  let worker: Worker | undefined = opts.inProcessWorker === false ? undefined : await makeWorker();
  let running: Promise<void> = worker ? worker.run() : Promise.resolve();

  const fixture: SyncFixture = {
    env,
    client,
    cliEnv: { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace'), ...codecEnv },
    sandbox,
    control,
    secrets,
    secretsDir,
    taskQueue,
    seed,
    deps,
    get worker() {
      if (!worker) throw new Error('this fixture runs without an in-process worker');
      return worker;
    },
    settings: (tenantId, overrides = {}) => {
      const tenant = seed.tenants.find((t) => t.id === tenantId);
      if (!tenant) throw new Error(`no tenant ${tenantId} in the seed`);
      return demoTenantSettings(tenant, { intervalSeconds: 3600, activityTimeoutSeconds: 10, ...overrides });
    },
    async start(tenantId, overrides, opts = {}) {
      await startTenant(client, fixture.settings(tenantId, overrides), { taskQueue, ...(opts.continueAsNewAfterCycles !== undefined && { continueAsNewAfterCycles: opts.continueAsNewAfterCycles }) });
    },
    status: (tenantId) => tenantStatus(client, tenantId),
    waitForStatus: async (tenantId, predicate, timeoutMs = 60_000, what = 'condition') => {
      const deadline = Date.now() + timeoutMs;
      let last: TenantStatusView | undefined;
      while (Date.now() < deadline) {
        try {
          last = await tenantStatus(client, tenantId);
          if (predicate(last)) return last;
        } catch {
          /* workflow not yet started or between runs */
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`tenant ${tenantId}: timed out waiting for ${what}; last status: ${JSON.stringify(last, null, 1)?.slice(0, 3000)}`);
    },
    waitForCycles: (tenantId, cycles, timeoutMs) =>
      fixture.waitForStatus(tenantId, (s) => s.cycles >= cycles && s.runInFlight === null, timeoutMs, `${cycles} cycle(s)`),
    async audit(tenantIds = seed.tenants.map((t) => t.id)) {
      const [timr, personio] = await Promise.all([control.state('timr'), control.state('personio')]);
      const tenants: AuditTenant[] = [];
      // Zone, Zeitausgleich setting, quarantine and look-back window as the tenant workflow has them.
      for (const tenantId of tenantIds) tenants.push(auditTenantFromStatus(await tenantStatus(client, tenantId)));
      return auditSync(timr, personio, tenants);
    },
    async restartWorker() {
      worker?.shutdown();
      await running;
      worker = await makeWorker();
      running = worker.run();
    },
    async teardown() {
      worker?.shutdown();
      await running.catch(() => undefined);
      await sandbox.stop();
      await env.teardown();
      rmSync(secretsDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/**
 * The payroll invariants, read back from both sandboxes by the independent audit: nothing lost,
 * duplicated, orphaned, stale or claimed twice — and, unless `complete: false` (mid-run checks),
 * nothing waiting: every eligible entry transferred with timr's hours, or quarantined.
 */
export async function expectSyncInvariants(fx: SyncFixture, tenantId: string, opts: { complete?: boolean } = {}): Promise<SyncAudit> {
  const audit = await fx.audit([tenantId]);
  const { lost, duplicated, orphaned, stale, doubleClaimed, samples } = audit;
  expect({ lost, duplicated, orphaned, stale, doubleClaimed }, `audit of ${tenantId}; samples ${JSON.stringify(samples)}`).toEqual({
    lost: 0,
    duplicated: 0,
    orphaned: 0,
    stale: 0,
    doubleClaimed: 0,
  });
  if (opts.complete !== false) expect(audit.waiting, `audit of ${tenantId}: waiting entries; samples ${JSON.stringify(samples)}`).toBe(0);
  return audit;
}

/**
 * Records a finished entry of an employee Personio knows (08:00–16:00 with a 30-minute break and
 * a note unless `content` says otherwise) on `day`; tests pass a fresh day each time so it can
 * never overlap an earlier entry. Returns its id.
 */
export async function recordMatchedEntry(fx: Pick<SyncFixture, 'seed' | 'control'>, tenantId: string, day: string, content: Record<string, unknown> = {}): Promise<string> {
  const tenant = fx.seed.tenants.find((t) => t.id === tenantId)!;
  const emails = new Set(tenant.personio.persons.map((p) => (p.email ?? '').trim().toLowerCase()));
  const user = tenant.timr.users.find((u) => emails.has((u.email ?? '').trim().toLowerCase()))!;
  const work = tenant.timr.workingTimeTypes.find((t) => t.category === 'attendance_time' && !t.archived)!;
  const created = (await fx.control.createWorkingTime(tenantId, {
    user_id: user.id,
    working_time_type_id: work.id,
    start: `${day}T08:00:00+01:00`,
    end: `${day}T16:00:00+01:00`,
    break_times: [{ type: 'manual', start: `${day}T12:00:00+01:00`, end: `${day}T12:30:00+01:00` }],
    notes: 'nachgereicht',
    ...content,
  })) as { id: string };
  return created.id;
}
