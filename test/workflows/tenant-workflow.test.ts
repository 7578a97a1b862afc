/**
 * The tenant workflow's lifecycle rules on the real dev server, with stub activities whose
 * timing the test controls (a gate holds an activity until the test releases it). Each case
 * uses its own tenant; no sandbox, no HTTP: only the workflow's handling of updates, cycles,
 * auth failures and continue-as-new is under test.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../../src/clients/failure-types.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { pauseUpdate, resumeUpdate, statusQuery, stopUpdate, syncNowUpdate, updateConfigUpdate } from '../../src/workflows/messages.js';
import type { tenantSyncWorkflow } from '../../src/workflows/tenant-sync.js';
import { connectTestEnv, createTestWorker, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

type Handle = WorkflowHandle<typeof tenantSyncWorkflow>;

interface Gate {
  open(): void;
  wait: Promise<void>;
}
function gate(): Gate {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { open, wait };
}

/** Per tenant: what the stub activities do. */
interface Script {
  checks: number;
  /** Held until opened, per check call number (1-based). */
  checkGates: Map<number, Gate>;
  checkEntered: Map<number, Gate>;
  hasWork: boolean;
  /** Thrown by the n-th check. */
  checkFails?: { call: number; error: () => Error };
  planGate?: Gate;
  planEntered?: Gate;
  planFails?: () => Error;
  /** The plan has one entry to transfer and always says there is more (an endless backfill). */
  endlessBackfill?: boolean;
  /** Checks answer as the real one does: a full pass when no watermark came in, then change checks. */
  watermarks?: boolean;
  /** Per check call: did it run as a local activity, and did it get a change watermark. */
  checkCalls?: { local: boolean; changeWatermark: string | null }[];
}

const authRejected = () =>
  ApplicationFailure.create({ message: 'Personio rejected the client credentials of tenant "x". Store new Personio credentials, then resume.', type: FailureType.AuthRejected, nonRetryable: true });

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('tenant workflow: lifecycle rules (stub activities, dev server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('tenant-wf');
  const suffix = Math.random().toString(36).slice(2, 7);
  const scripts = new Map<string, Script>();
  const started: Handle[] = [];

  const script = (tenantId: string): Script => scripts.get(tenantId)!;
  const newTenant = (name: string, over: Partial<Script> = {}): string => {
    const tenantId = `${name}-${suffix}`;
    scripts.set(tenantId, { checks: 0, checkGates: new Map(), checkEntered: new Map(), hasWork: false, ...over });
    return tenantId;
  };
  const start = async (tenantId: string, continueAsNewAfterCycles?: number, continueAsNewAfterEvents?: number): Promise<Handle> => {
    const settings = TenantSettings.parse({ tenantId, credentialsRef: tenantId, intervalSeconds: 3600, activityTimeoutSeconds: 30, activityMaxAttempts: 1 });
    const handle = await env.client.workflow.start<typeof tenantSyncWorkflow>('tenantSyncWorkflow', {
      taskQueue,
      workflowId: `tenant/${tenantId}`,
      args: [{ settings, ...(continueAsNewAfterCycles !== undefined && { continueAsNewAfterCycles }), ...(continueAsNewAfterEvents !== undefined && { continueAsNewAfterEvents }) }],
    });
    started.push(handle);
    return handle;
  };

  beforeAll(async () => {
    env = await connectTestEnv();
    worker = await createTestWorker(env, {
      taskQueue,
      activities: {
        async checkForWork(input: { tenantId: string; changeWatermark?: string | null }) {
          const s = script(input.tenantId);
          const call = ++s.checks;
          s.checkCalls?.push({ local: Context.current().info.isLocal, changeWatermark: input.changeWatermark ?? null });
          s.checkEntered.get(call)?.open();
          await s.checkGates.get(call)?.wait;
          if (s.checkFails?.call === call) throw s.checkFails.error();
          const watermark = s.watermarks ? { fullPass: !input.changeWatermark, changeWatermark: new Date().toISOString(), typesDigest: 't1' } : {};
          return { hasWork: s.hasWork, pendingEntries: s.hasWork ? 1 : 0, pendingDeletions: 0, releasedQuarantine: [], ...watermark };
        },
        async reportWorkerHealth(probe: string) {
          return `stub worker (${probe})`;
        },
        async planSyncRun(input: { tenantId: string }) {
          const s = script(input.tenantId);
          s.planEntered?.open();
          await s.planGate?.wait;
          if (s.planFails) throw s.planFails();
          if (s.endlessBackfill) {
            const n = ++s.checks;
            const entry = { entryId: `e${n}`, employee: 'Anna (timr user u1)', date: '2026-10-19', personId: 'p1', userId: 'u1', notOurs: [], periods: [{ type: 'WORK', start: '2026-10-19T08:00:00', end: '2026-10-19T12:00:00' }], fingerprint: `f${n}`, lastModified: 'x', kind: 'new', warnings: [] };
            return { entries: [entry], quarantined: [], deletions: [], deletionWatermark: null, more: true, releasedQuarantine: [], eligible: 1 };
          }
          return { entries: [], quarantined: [], deletions: [], deletionWatermark: null, more: false, releasedQuarantine: [], eligible: 0 };
        },
        async postPeriods(input: { entries: { entryId: string }[] }) {
          return { results: input.entries.map((e) => ({ ok: true, entryId: e.entryId, periodIds: [`${e.entryId}-p`], created: 1, adopted: 0, removed: 0 })) };
        },
        async lockEntries(input: { entries: { entryId: string }[] }) {
          return { results: input.entries.map((e) => ({ outcome: 'locked', entryId: e.entryId })) };
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    // A wedged tenant (the defects these tests guard against) must not outlive the file.
    for (const h of started) await h.terminate('test cleanup').catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
  });

  it('a sync-now sent during the cycle that continues as new is answered by the next cycle (was: deadlock)', async () => {
    const tenantId = newTenant('can-syncnow');
    const first = gate();
    const entered = gate();
    script(tenantId).checkGates.set(1, first);
    script(tenantId).checkEntered.set(1, entered);
    const handle = await start(tenantId, 1);
    const firstRunId = (await handle.describe()).runId;
    await within(20_000, 'first check', entered.wait);

    // Asked during cycle 1: it waits for cycle 2, which must not be lost to continue-as-new.
    const syncNow = await handle.startUpdate(syncNowUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
    first.open();
    const answer = await within(20_000, 'sync-now asked during the continue-as-new cycle', syncNow.result());
    expect(answer).toBeNull(); // nothing to do in the stub's timr

    const status = await handle.query(statusQuery);
    expect(status.cycles).toBeGreaterThanOrEqual(2);
    expect(script(tenantId).checks).toBeGreaterThanOrEqual(2);
    // The tenant still continues as new afterwards.
    await within(20_000, 'continue-as-new', (async () => {
      while ((await handle.describe()).runId === firstRunId) await new Promise((r) => setTimeout(r, 200));
    })());
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });

  it('stop while a sync-now waits for a later cycle: the workflow completes as stopped and the sync-now is answered', async () => {
    const tenantId = newTenant('can-stop');
    const first = gate();
    const entered = gate();
    script(tenantId).checkGates.set(1, first);
    script(tenantId).checkEntered.set(1, entered);
    const handle = await start(tenantId, 1);
    await within(20_000, 'first check', entered.wait);

    const syncNow = await handle.startUpdate(syncNowUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
    const stopping = await handle.executeUpdate(stopUpdate);
    expect(stopping.status).toBe('stopping');
    first.open();

    const final = await within(20_000, 'workflow result after stop', handle.result());
    expect(final.status).toBe('stopped');
    expect(await within(5_000, 'sync-now after stop', syncNow.result())).toBeNull();
    expect(script(tenantId).checks).toBe(1);
  });

  it('stop during a run that ends auth-failed: the workflow stops (was: auth-failed, waiting for a resume)', async () => {
    const planGate = gate();
    const planEntered = gate();
    const tenantId = newTenant('stop-auth-run', { hasWork: true, planGate, planEntered, planFails: authRejected });
    const handle = await start(tenantId);
    await within(20_000, 'the run planning', planEntered.wait);
    const stopping = await handle.executeUpdate(stopUpdate);
    expect(stopping.status).toBe('stopping');
    planGate.open();

    const final = await within(20_000, 'workflow result after stop', handle.result());
    expect(final.status).toBe('stopped');
    // The auth failure is still on record: the last run says so.
    expect(final.recentRuns[0]).toMatchObject({ outcome: 'auth-failed' });
  });

  it('stop during a check that fails auth-rejected: the workflow stops', async () => {
    const checkGate = gate();
    const checkEntered = gate();
    const tenantId = newTenant('stop-auth-check', { checkFails: { call: 1, error: authRejected } });
    script(tenantId).checkGates.set(1, checkGate);
    script(tenantId).checkEntered.set(1, checkEntered);
    const handle = await start(tenantId);
    await within(20_000, 'first check', checkEntered.wait);
    await handle.executeUpdate(stopUpdate);
    checkGate.open();

    const final = await within(20_000, 'workflow result after stop', handle.result());
    expect(final.status).toBe('stopped');
  });

  it('updateConfig on replay only assigns what was accepted: a value the current schema refuses does not break the history (was: the handler re-parsed and threw)', async () => {
    const tenantId = newTenant('config-replay');
    const handle = await start(tenantId);
    await within(20_000, 'first cycle', (async () => {
      while ((await handle.query(statusQuery)).cycles < 1) await new Promise((r) => setTimeout(r, 100));
    })());
    const before = await handle.query(statusQuery);
    // What `timr-sync config` sends: whole top-level settings, fully parsed.
    const accepted = await handle.executeUpdate(updateConfigUpdate, { args: [{ sync: { ...before.settings.sync, timezone: 'Europe/Berlin' } }] });
    expect(accepted.settings.sync.timezone).toBe('Europe/Berlin');
    await handle.terminate('recorded');

    // The history as an older worker (other ICU data, a laxer schema) recorded it: it accepted a
    // zone today's schema refuses. Validators do not run on replay; the handler does.
    const history = await handle.fetchHistory();
    const event = history.events!.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
    const payload = event.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!;
    const arg = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { sync: { timezone: string } };
    arg.sync.timezone = 'Mars/Olympus_Mons';
    payload.data = Buffer.from(JSON.stringify(arg), 'utf8');
    await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history as temporal.api.history.v1.IHistory, `tenant/${tenantId}`);
  });

  it('pause of a paused tenant and resume of an active one are no-ops the workflow names as such (NoChange)', async () => {
    const tenantId = newTenant('noop');
    const handle = await start(tenantId);
    await within(20_000, 'first cycle', (async () => {
      while ((await handle.query(statusQuery)).cycles < 1) await new Promise((r) => setTimeout(r, 100));
    })());
    const failureOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (err: unknown) => (err as { cause?: ApplicationFailure }).cause,
      );
    const resumeActive = await failureOf(handle.executeUpdate(resumeUpdate));
    expect(resumeActive).toMatchObject({ type: 'NoChange', message: `tenant ${tenantId} is already active; nothing to resume` });
    await handle.executeUpdate(pauseUpdate);
    const pauseAgain = await failureOf(handle.executeUpdate(pauseUpdate));
    expect(pauseAgain).toMatchObject({ type: 'NoChange', message: `tenant ${tenantId} is already paused` });
    await handle.executeUpdate(resumeUpdate);
    // A no-op leaves no trace in history (rejected in the validator), only the real changes do.
    const updates = (await handle.fetchHistory()).events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
    expect(updates).toBe(2);
    await handle.terminate('test done');
  });

  it('a run id already taken (a tenant started again without its earlier state) is never reused: the run gets the next free number', async () => {
    const tenantId = newTenant('run-ids', { hasWork: true });
    // What an earlier life of this tenant left behind: run 1 exists and is closed.
    await env.client.workflow.execute('healthCheckWorkflow', { taskQueue, workflowId: `tenant/${tenantId}/run/1`, args: ['earlier run'] });
    const handle = await start(tenantId);
    const view = await within(20_000, 'first run recorded', (async () => {
      for (;;) {
        const s = await handle.query(statusQuery);
        if (s.recentRuns.length > 0) return s;
        await new Promise((r) => setTimeout(r, 100));
      }
    })());
    expect(view.recentRuns[0]!.workflowId).not.toBe(`tenant/${tenantId}/run/1`);
    expect(view.recentRuns[0]).toMatchObject({ outcome: 'succeeded' });
    const runs: string[] = [];
    for await (const wf of env.client.workflow.list({ query: `WorkflowId STARTS_WITH 'tenant/${tenantId}/run/'` })) runs.push(wf.workflowId);
    expect(runs.filter((id) => id === `tenant/${tenantId}/run/1`)).toHaveLength(1);
    await handle.terminate('test done');
  });

  it('a backfill of many runs in one cycle continues as new between runs, and the next execution goes on at once', async () => {
    const tenantId = newTenant('long-backfill', { hasWork: true, endlessBackfill: true });
    const handle = await start(tenantId, undefined, 40);
    const firstRunId = (await handle.describe()).runId;
    const moved = await within(30_000, 'continue-as-new during the backfill', (async () => {
      for (;;) {
        const d = await handle.describe();
        if (d.runId !== firstRunId) return d;
        await new Promise((r) => setTimeout(r, 200));
      }
    })());
    expect(moved.status.name).toBe('RUNNING');
    // The first execution ended inside its first cycle (one cycle, several runs), and the backfill goes on.
    const before = (await handle.query(statusQuery)).runCount;
    await within(20_000, 'more runs after continue-as-new', (async () => {
      while ((await handle.query(statusQuery)).runCount < before + 2) await new Promise((r) => setTimeout(r, 200));
    })());
    const view = await handle.query(statusQuery);
    expect(view.cycles).toBeLessThan(view.runCount);
    await handle.terminate('test done');
  });

  it('after a full pass, a cycle\'s change check runs as a local activity (no activity task, one marker); its failure is recorded like any failed check', async () => {
    const tenantId = newTenant('local-check', {
      watermarks: true,
      checkCalls: [],
      checkFails: { call: 3, error: () => ApplicationFailure.create({ message: 'timr answered 503 for tenant x', nonRetryable: true }) },
    });
    const handle = await start(tenantId);
    const cycles = async (n: number) => {
      while ((await handle.query(statusQuery)).cycles < n) await new Promise((r) => setTimeout(r, 100));
    };
    await within(20_000, 'first cycle', cycles(1));
    await within(20_000, 'second cycle', handle.executeUpdate(syncNowUpdate));
    await within(20_000, 'third cycle', handle.executeUpdate(syncNowUpdate));
    await within(20_000, 'three cycles counted', cycles(3));

    const calls = script(tenantId).checkCalls!;
    expect(calls.map((c) => c.local)).toEqual([false, true, true]);
    expect(calls[0]!.changeWatermark).toBeNull();
    expect(calls[1]!.changeWatermark).not.toBeNull();
    const events = (await handle.fetchHistory()).events!;
    const scheduledChecks = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkForWork');
    const localMarkers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(scheduledChecks).toHaveLength(1);
    expect(localMarkers).toHaveLength(2);
    const view = await handle.query(statusQuery);
    expect(view.recentRuns[0]).toMatchObject({ runNumber: 0, outcome: 'failed' });
    expect(view.recentRuns[0]!.error).toContain('timr answered 503');
    await handle.terminate('test done');
    // The history with both kinds of check replays on today's code.
    await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, (await handle.fetchHistory()) as temporal.api.history.v1.IHistory, `tenant/${tenantId}`);
  });
});
