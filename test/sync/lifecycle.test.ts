/**
 * Operating a tenant workflow: pause (nothing runs, sync-now refused with the way out),
 * resume (syncs right away), stop (the run in flight finishes, then the workflow completes),
 * config updates (validated, applied live), continue-as-new (state carried over).
 * Each behaviour uses its own demo tenant so they cannot disturb one another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { pauseTenant, resumeTenant, retryQuarantined, stopTenant, syncTenantNow, tenantHandle, updateTenantConfig } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import { startSyncFixture, type SyncFixture, expectSyncInvariants, recordMatchedEntry } from '../helpers/sync-fixture.js';

type TimrTenant = TimrSandboxState[string];

/** The error and its causes as one text (update failures carry the validator's message as cause). */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error; e = (e as { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 300)}`);
    },
    (err: unknown) => messagesOf(err),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tenant sync: lifecycle of the tenant workflow', () => {
  let fx: SyncFixture;
  let tenants: string[];
  let nextDay = 2;

  const timrState = async (tenantId: string): Promise<TimrTenant> => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
  const personioPeriods = async (tenantId: string) => PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!.attendancePeriods;
  const entry = async (tenantId: string, id: string): Promise<WorkingTime> => {
    const found = (await timrState(tenantId)).workingTimes.find((e) => e.id === id);
    if (!found) throw new Error(`timr has no entry ${id} for tenant ${tenantId}`);
    return found;
  };
  /**
   * Records a finished entry (08:00–16:00, break 12:00–12:30) for an employee Personio knows,
   * each on a fresh November day so it can never overlap an earlier one.
   */
  const recordEntry = (tenantId: string) => recordMatchedEntry(fx, tenantId, `2026-11-${String(nextDay++).padStart(2, '0')}`);
  const expectTransferred = async (tenantId: string, entryId: string) => {
    const e = await entry(tenantId, entryId);
    expect(e.status, `entry ${entryId}`).toBe('locked');
    const ids = syncMetadataOf(e)?.periodIds ?? [];
    expect(ids).toHaveLength(3);
    const periods = await personioPeriods(tenantId);
    expect(ids.every((id) => periods.some((p) => p.id === id))).toBe(true);
  };
  const expectCleanAudit = (tenantId: string) => expectSyncInvariants(fx, tenantId);

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 3, tenants: 5, employees: 4, days: 7 }));
    tenants = fx.seed.tenants.map((t) => t.id);
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('pause: status paused, sync-now refused with the way out, nothing runs even with new work; resume syncs right away', async () => {
    const tenantId = tenants[0]!;
    await fx.start(tenantId, { intervalSeconds: 5 });
    await fx.waitForCycles(tenantId, 1, 60_000);

    const { view: paused } = await pauseTenant(fx.env.client, tenantId);
    expect(paused.status).toBe('paused');
    expect(paused.nextSyncAt).toBeNull();
    expect(await rejection(syncTenantNow(fx.env.client, tenantId))).toMatch(new RegExp(`tenant ${tenantId} is paused; resume it first`));
    // Pausing again is a no-op that says so (kubectl style), not a refusal.
    expect(await pauseTenant(fx.env.client, tenantId)).toMatchObject({ noChange: `tenant ${tenantId} is already paused`, view: { status: 'paused' } });
    expect(await rejection(retryQuarantined(fx.env.client, tenantId))).toMatch(new RegExp(`tenant ${tenantId} is paused; resume it before retrying`));

    const created = await recordEntry(tenantId);
    const before = await fx.status(tenantId);
    const timrRequests = (await fx.control.requests('timr', tenantId)).length;
    // Longer than the 5 s interval: an active tenant would have run at least once.
    await sleep(6_500);
    const during = await fx.status(tenantId);
    expect(during.status).toBe('paused');
    expect(during.cycles).toBe(before.cycles);
    expect(during.runCount).toBe(before.runCount);
    expect((await fx.control.requests('timr', tenantId)).length).toBe(timrRequests);
    expect((await entry(tenantId, created)).status).toBe('changeable');

    // A long interval from here on, so a cycle soon after resuming can only be the resume's own.
    await updateTenantConfig(fx.env.client, tenantId, { intervalSeconds: 120 });
    const resumedAt = Date.now();
    const { view: resumed } = await resumeTenant(fx.env.client, tenantId);
    expect(resumed.status).toBe('active');
    const after = await fx.waitForCycles(tenantId, before.cycles + 1, 30_000);
    expect(Date.now() - resumedAt).toBeLessThan(30_000);
    expect(after.runCount).toBe(before.runCount + 1);
    expect(after.recentRuns[0]?.counts).toMatchObject({ transferred: 1, failed: 0 });
    await expectTransferred(tenantId, created);
    await expectCleanAudit(tenantId);
  });

  it('stop: the run in flight finishes (its entries locked), then the workflow completes as stopped', async () => {
    const tenantId = tenants[1]!;
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
    const created = [await recordEntry(tenantId), await recordEntry(tenantId), await recordEntry(tenantId)];
    // Slow Personio writes keep the run in flight long enough to stop during it.
    await fx.control.addFault('personio', { tenantId, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 400 } });
    try {
      const syncing = syncTenantNow(fx.env.client, tenantId);
      const inFlight = await fx.waitForStatus(tenantId, (s) => s.runInFlight !== null, 20_000, 'a run in flight');
      const { view: stopping } = await stopTenant(fx.env.client, tenantId);
      expect(stopping?.status).toBe('stopping');
      expect(stopping?.statusReason).toBe(`finishing ${inFlight.runInFlight}`);
      expect(await stopTenant(fx.env.client, tenantId)).toMatchObject({ noChange: `tenant ${tenantId} is already stopping`, ended: false });

      const handle = tenantHandle(fx.env.client, tenantId);
      const final = await handle.result();
      expect(final.status).toBe('stopped');
      expect(final.runInFlight).toBeNull();
      expect(final.recentRuns[0]?.workflowId).toBe(inFlight.runInFlight);
      expect(final.recentRuns[0]?.counts).toMatchObject({ transferred: 3, failed: 0, notStarted: 0 });
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      // The caller of sync-now is answered, not left hanging.
      expect((await syncing)?.workflowId).toBe(inFlight.runInFlight);
    } finally {
      await fx.control.clearFaults('personio');
    }
    for (const id of created) await expectTransferred(tenantId, id);
    await expectCleanAudit(tenantId);
  });

  it('stop while paused: the workflow completes as stopped without another run', async () => {
    const tenantId = tenants[0]!;
    // The pause test's tenant, active again after its resume (starting it again is a no-op).
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
    await pauseTenant(fx.env.client, tenantId);
    const runs = (await fx.status(tenantId)).runCount;
    await stopTenant(fx.env.client, tenantId);
    const final = await tenantHandle(fx.env.client, tenantId).result();
    expect(final).toMatchObject({ status: 'stopped', statusReason: 'stopped by an operator', runCount: runs, runInFlight: null });
    // Stopping a stopped tenant is a no-op that says so.
    expect(await stopTenant(fx.env.client, tenantId)).toMatchObject({ noChange: `tenant ${tenantId} is already stopped`, ended: true, view: { status: 'stopped' } });
  });

  it('updateConfig: an invalid time zone or interval is refused with the field and the fix; a valid interval applies at once', async () => {
    const tenantId = tenants[2]!;
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
    const before = await fx.status(tenantId);

    const zone = await rejection(updateTenantConfig(fx.env.client, tenantId, { sync: { timezone: 'Mars/Olympus_Mons' } }));
    expect(zone).toContain(`invalid config for tenant ${tenantId}`);
    expect(zone).toMatch(/sync\.timezone: unknown IANA time zone \(use e\.g\. "Europe\/Vienna"\)/);
    const interval = await rejection(updateTenantConfig(fx.env.client, tenantId, { intervalSeconds: 1 }));
    expect(interval).toMatch(/intervalSeconds/);
    expect((await fx.status(tenantId)).settings).toEqual(before.settings);

    const view = await updateTenantConfig(fx.env.client, tenantId, { intervalSeconds: 120 });
    expect(view.settings.intervalSeconds).toBe(120);
    expect(view.settings.sync).toEqual(before.settings.sync);
    // The wait in progress (an hour) is replaced by the new interval.
    const rescheduled = await fx.waitForStatus(
      tenantId,
      (s) => s.nextSyncAt !== null && Date.parse(s.nextSyncAt) < Date.now() + 130_000,
      10_000,
      'next sync within the new interval',
    );
    expect(Date.parse(rescheduled.nextSyncAt!)).toBeGreaterThan(Date.now() + 100_000);
    expect(rescheduled.settings.intervalSeconds).toBe(120);
  });

  it('continue-as-new keeps runs, numbering and quarantine', async () => {
    const tenantId = tenants[3]!;
    await fx.start(tenantId, {}, { continueAsNewAfterCycles: 2 });
    const first = await fx.waitForCycles(tenantId, 1, 60_000);
    const handle = tenantHandle(fx.env.client, tenantId);
    const firstRunId = (await handle.describe()).runId;
    const quarantined = first.quarantined.map((q) => q.entryId).sort();
    expect(quarantined.length).toBeGreaterThan(0);

    const x = await recordEntry(tenantId);
    const second = await syncTenantNow(fx.env.client, tenantId);
    expect(second).toMatchObject({ runNumber: 2, counts: { transferred: 1 } });

    // Two cycles done: the next execution of tenant/<id> takes over.
    const deadline = Date.now() + 15_000;
    while ((await handle.describe()).runId === firstRunId && Date.now() < deadline) await sleep(200);
    const secondRunId = (await handle.describe()).runId;
    expect(secondRunId).not.toBe(firstRunId);

    const carried = await fx.status(tenantId);
    expect(carried).toMatchObject({ status: 'active', cycles: 2, runCount: 2 });
    expect(carried.recentRuns.map((r) => r.runNumber)).toEqual([2, 1]);
    expect(carried.quarantined.map((q) => q.entryId).sort()).toEqual(quarantined);

    const y = await recordEntry(tenantId);
    const third = await syncTenantNow(fx.env.client, tenantId);
    expect(third).toMatchObject({ runNumber: 3, workflowId: `tenant/${tenantId}/run/3`, counts: { transferred: 1 } });
    // Nothing new: had the quarantine been lost, the held entries would make a run of their own.
    await syncTenantNow(fx.env.client, tenantId);
    const last = await fx.status(tenantId);
    expect(last.runCount).toBe(3);
    expect(last.cycles).toBe(4);
    expect(last.quarantined.map((q) => q.entryId).sort()).toEqual(quarantined);
    expect(last.recentRuns.map((r) => r.runNumber)).toEqual([3, 2, 1]);

    await expectTransferred(tenantId, x);
    await expectTransferred(tenantId, y);
    await expectCleanAudit(tenantId);
  });

  it('sync-now answers null when the cycle found nothing to do', async () => {
    const tenantId = tenants[2]!;
    // Started by the config test already when run with it; starting again is a no-op.
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
    const runs = (await fx.status(tenantId)).runCount;
    expect(runs).toBeGreaterThan(0);
    const answer = await syncTenantNow(fx.env.client, tenantId);
    expect((await fx.status(tenantId)).runCount).toBe(runs);
    expect(answer).toBeNull();
  });

  it('sync-now asked during a run waits for a cycle that includes the work recorded before asking', async () => {
    const tenantId = tenants[4]!;
    await fx.control.addFault('personio', { tenantId, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 100 } });
    try {
      await fx.start(tenantId);
      const inFlight = await fx.waitForStatus(tenantId, (s) => s.runInFlight !== null, 20_000, 'the first run in flight');
      const created = await recordEntry(tenantId);
      const answer = await syncTenantNow(fx.env.client, tenantId);
      expect(answer?.workflowId).not.toBe(inFlight.runInFlight);
      expect((await entry(tenantId, created)).status).toBe('locked');
    } finally {
      await fx.control.clearFaults('personio');
    }
  });
});
