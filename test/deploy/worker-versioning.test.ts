/**
 * Worker Versioning on the real dev server, the way a release rolls out in production:
 *
 *   0. tenants run on an unversioned worker (how every release before versioning ran);
 *   1. a versioned worker v1 starts and is made current: the tenants move to v1 at their next
 *      task and are pinned there;
 *   2. one tenant has a slow run in flight when v2 starts and is made current: that run finishes on
 *      v1 (every workflow task of it completed by v1), its tenant moves right after it; every other
 *      tenant — the paused one included — moves to v2 within one interval by continuing as new,
 *      with its state carried;
 *   3. nothing runs on v1 any more (visibility), v1 stops, and a new entry is transferred on v2.
 *
 * All workers run the same bundle: what is tested is the routing, told apart by the version that
 * completed each workflow task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { inject } from 'vitest';
import { pauseTenant, syncTenantNow } from '../../src/control/tenants.js';
import { setCurrentVersion } from '../../src/deploy/deployments.js';
import type { WorkerVersion } from '../../src/deploy/worker-version.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { tenantWorkflowId } from '../../src/workflows/ids.js';
import { createSyncWorker } from '../../src/worker.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture, recordMatchedEntry } from '../helpers/sync-fixture.js';
import { workflowBundle } from '../helpers/temporal.js';

const INTERVAL_SECONDS = 6;
const PINNED = temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

describe('worker versioning: pinned runs, tenants move to a new version at a cycle boundary', () => {
  let fx: SyncFixture;
  let tenants: string[];
  const workers: RunningWorker[] = [];
  const deploymentName = `timr-sync-test-${Math.random().toString(36).slice(2, 8)}`;
  const v1: WorkerVersion = { deploymentName, buildId: '0.1.0-v1' };
  const v2: WorkerVersion = { deploymentName, buildId: '0.2.0-v2' };
  let nextDay = 2;

  const startWorker = async (version?: WorkerVersion): Promise<RunningWorker> => {
    const worker = await createSyncWorker({
      connection: fx.env.nativeConnection,
      namespace: inject('temporalNamespace'),
      taskQueue: fx.taskQueue,
      deps: fx.deps,
      workflowBundle: workflowBundle(),
      ...(version && { version }),
    });
    const running = worker.run();
    const handle = {
      worker,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
    workers.push(handle);
    return handle;
  };

  /** Where the latest run of a workflow is: its version, behaviour and run. */
  const placement = async (workflowId: string) => {
    const d = await fx.env.client.workflow.getHandle(workflowId).describe();
    const vi = d.raw.workflowExecutionInfo?.versioningInfo;
    return { buildId: vi?.deploymentVersion?.buildId ?? null, behavior: vi?.behavior ?? null, runId: d.runId, status: d.status.name, startTime: d.startTime, closeTime: d.closeTime };
  };
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (err) {
        last = err;
      }
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
  };
  const waitOnVersion = (workflowId: string, buildId: string, timeoutMs: number) =>
    waitFor(`${workflowId} on ${buildId}`, async () => {
      const p = await placement(workflowId);
      return p.buildId === buildId && p.status === 'RUNNING' ? p : undefined;
    }, timeoutMs);
  /** The version that completed each workflow task of a run. */
  const taskVersions = async (workflowId: string, runId?: string): Promise<string[]> => {
    const history = await fx.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    return (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes ? [e.workflowTaskCompletedEventAttributes.deploymentVersion?.buildId || '(unversioned)'] : []));
  };
  const recordEntry = (tenantId: string) => recordMatchedEntry(fx, tenantId, `2026-11-${String(nextDay++).padStart(2, '0')}`);

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 11, tenants: 4, employees: 4, days: 7 }), { inProcessWorker: false });
    tenants = fx.seed.tenants.map((t) => t.id);
  });
  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    await fx?.teardown();
  });

  it('unversioned → v1 → v2: runs in flight finish on v1, every tenant moves to v2 within one interval', { timeout: 180_000 }, async () => {
    const [slow, idle1, idle2, paused] = tenants as [string, string, string, string];

    // 0. Today's deploy: one unversioned worker.
    const w0 = await startWorker();
    for (const t of tenants) await fx.start(t, { intervalSeconds: INTERVAL_SECONDS });
    for (const t of tenants) await fx.waitForCycles(t, 1, 60_000);
    await pauseTenant(fx.env.client, paused);
    for (const t of tenants) expect((await placement(tenantWorkflowId(t))).buildId).toBeNull();
    const unversioned = `TaskQueue = '${fx.taskQueue}' AND ExecutionStatus = 'Running' AND TemporalWorkerDeploymentVersion IS NULL`;
    expect((await fx.env.client.workflow.count(unversioned)).count).toBe(tenants.length);

    // 1. The first versioned release: unversioned workflows move to the current version at their next task.
    await startWorker(v1);
    await setCurrentVersion(fx.env.nativeConnection, inject('temporalNamespace'), v1);
    for (const t of tenants) {
      const p = await waitOnVersion(tenantWorkflowId(t), v1.buildId, (INTERVAL_SECONDS + 15) * 1000);
      expect(p.behavior, t).toBe(PINNED);
    }
    // The README's drain check for the unversioned workers: nothing left to them.
    await waitFor('no unversioned workflow left', async () => ((await fx.env.client.workflow.count(unversioned)).count === 0 ? true : undefined), 10_000);
    await w0.stop();

    // 2. A slow run in flight on v1 …
    for (let i = 0; i < 3; i++) await recordEntry(slow);
    const latency = await fx.control.addFault('personio', { tenantId: slow, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 700 } });
    const syncing = syncTenantNow(fx.env.client, slow);
    const inFlight = await fx.waitForStatus(slow, (s) => s.runInFlight !== null, 30_000, 'a run in flight');
    const runId = inFlight.runInFlight!;
    expect(await placement(runId)).toMatchObject({ buildId: v1.buildId, behavior: PINNED });
    const before = Object.fromEntries(await Promise.all(tenants.map(async (t) => [t, await fx.status(t)] as const)));
    const chainRunIds = Object.fromEntries(await Promise.all(tenants.map(async (t) => [t, (await placement(tenantWorkflowId(t))).runId] as const)));

    // … when v2 starts and becomes current.
    await startWorker(v2);
    await setCurrentVersion(fx.env.nativeConnection, inject('temporalNamespace'), v2);
    const switchedAt = Date.now();
    // Cycles ended by the switch: a tenant that moves at its first cycle boundary ends at most one more on v1.
    const atSwitch = Object.fromEntries(await Promise.all([idle1, idle2, paused].map(async (t) => [t, (await fx.status(t)).cycles] as const)));

    // Idle and paused tenants: on v2 within one interval (plus the cycle and the start of the new run).
    const moved = await Promise.all(
      [idle1, idle2, paused].map(async (t) => {
        const p = await waitOnVersion(tenantWorkflowId(t), v2.buildId, (INTERVAL_SECONDS + 15) * 1000);
        // Read at once: the new run's own next cycle is an interval away.
        return { t, p, cycles: (await fx.status(t)).cycles };
      }),
    );
    for (const { t, p, cycles } of moved) {
      expect(p.behavior, t).toBe(PINNED);
      expect(p.runId, `${t} continued as new`).not.toBe(chainRunIds[t]);
      // At its first cycle boundary after the switch, not a later one: counted in cycles, which a
      // loaded machine cannot blur (the time to it is one interval plus one cycle and the new run's start).
      expect(cycles - atSwitch[t]!, `${t} moved at its first cycle boundary`).toBeLessThanOrEqual(1);
      expect(p.startTime.getTime() - switchedAt, `${t} moved within about one interval`).toBeLessThan((2 * INTERVAL_SECONDS + 3) * 1000);
      // The run it left (started unversioned in step 0) continued as new from v1; no task of it ran on v2.
      const left = await fx.env.client.workflow.getHandle(tenantWorkflowId(t), chainRunIds[t]).describe();
      expect(left.status.name).toBe('CONTINUED_AS_NEW');
      const leftTasks = await taskVersions(tenantWorkflowId(t), chainRunIds[t]);
      expect(leftTasks.at(-1)).toBe(v1.buildId);
      expect(leftTasks).not.toContain(v2.buildId);
      // State carried across: cycles and runs counted on, the paused tenant still paused.
      const now = await fx.status(t);
      expect(now.cycles).toBeGreaterThanOrEqual(before[t]!.cycles);
      expect(now.runCount).toBe(before[t]!.runCount);
      expect(now.status).toBe(t === paused ? 'paused' : 'active');
    }

    // The run in flight finished on v1 — every one of its workflow tasks — and transferred its entries.
    const summary = await syncing;
    await fx.control.removeFault('personio', latency.id);
    expect(summary?.counts).toMatchObject({ transferred: 3, failed: 0 });
    const run = await placement(runId);
    expect(run.status).toBe('COMPLETED');
    expect(run.buildId).toBe(v1.buildId);
    expect(new Set(await taskVersions(runId))).toEqual(new Set([v1.buildId]));
    // Its tenant moved at the end of that cycle, not during it.
    const slowMoved = await waitOnVersion(tenantWorkflowId(slow), v2.buildId, (INTERVAL_SECONDS + 15) * 1000);
    expect(slowMoved.startTime.getTime()).toBeGreaterThanOrEqual(run.closeTime!.getTime() - 1_000);
    expect((await fx.status(slow)).recentRuns[0]?.workflowId).toBe(runId);

    // 3. v1 has drained: nothing of this deployment runs there any more.
    // (The README's drain check; the server's DrainageStatus follows on its own refresh interval.)
    const onV1 = await fx.env.client.workflow.count(`TemporalWorkerDeploymentVersion = '${deploymentName}:${v1.buildId}' AND ExecutionStatus = 'Running'`);
    expect(onV1.count).toBe(0);
    const onV2 = await fx.env.client.workflow.count(`TemporalWorkerDeploymentVersion = '${deploymentName}:${v2.buildId}' AND ExecutionStatus = 'Running'`);
    expect(onV2.count).toBe(tenants.length);
    await workers[1]!.stop();

    // New work runs on v2 alone.
    await recordEntry(idle1);
    const next = await syncTenantNow(fx.env.client, idle1);
    expect(next?.counts).toMatchObject({ transferred: 1, failed: 0 });
    expect(new Set(await taskVersions(next!.workflowId))).toEqual(new Set([v2.buildId]));
    for (const t of [slow, idle1]) await expectSyncInvariants(fx, t);
  });
});
