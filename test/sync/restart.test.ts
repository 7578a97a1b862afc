/**
 * Stop, then start: the tenant is the same tenant afterwards — its settings (overrides
 * included), its quarantine, its writes of unknown outcome and its run numbering carry over —
 * unless the operator asks for fresh settings. Run ids are never reused, not even when the
 * previous state cannot be read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenant, stopTenant, syncTenantNow, tenantHandle, updateTenantConfig } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture, expectSyncInvariants, recordMatchedEntry } from '../helpers/sync-fixture.js';

describe('tenant sync: stop, then start again', () => {
  let fx: SyncFixture;
  let nextDay = 2;

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 5, tenants: 2, employees: 4, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  /** A finished entry of an employee Personio knows, on a fresh November day. */
  const recordEntry = (tenantId: string) => {
    const day = `2026-11-${String(nextDay++).padStart(2, '0')}`;
    // A morning without break or note (undefined keys are not sent).
    return recordMatchedEntry(fx, tenantId, day, { end: `${day}T12:00:00+01:00`, break_times: undefined, notes: undefined });
  };

  /** The first cycle after a start is done: the tenant waits for its next interval. */
  const waitForFirstCycle = (tenantId: string) =>
    fx.waitForStatus(tenantId, (s) => s.nextSyncAt !== null && s.runInFlight === null, 60_000, 'the first cycle after the start');

  /** Every run workflow the namespace knows for the tenant, oldest first. */
  const runIdsOf = async (tenantId: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const wf of fx.env.client.workflow.list({ query: `WorkflowType = 'syncRunWorkflow'` })) {
      if (wf.workflowId.startsWith(`tenant/${tenantId}/run/`)) ids.push(wf.workflowId);
    }
    return ids;
  };

  it('keeps settings, overrides, quarantine and run numbering; run ids are never reused', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    const tenant = fx.seed.tenants[0]!;
    await fx.start(tenantId);
    const first = await fx.waitForCycles(tenantId, 1, 60_000);
    const quarantined = first.quarantined.map((q) => q.entryId).sort();
    expect(quarantined.length, 'the demo data has an unmatched employee').toBeGreaterThan(0);

    // An operator's changes since the start: a longer interval and one matching override.
    const user = tenant.timr.users[0]!;
    const person = tenant.personio.persons.find((p) => (p.email ?? '').toLowerCase() === (user.email ?? '').toLowerCase()) ?? tenant.personio.persons[0]!;
    await updateTenantConfig(fx.env.client, tenantId, { intervalSeconds: 1800, sync: { matching: { overrides: { [user.id]: person.id } } } });
    await recordEntry(tenantId);
    const second = await syncTenantNow(fx.env.client, tenantId);
    expect(second).toMatchObject({ runNumber: 2, counts: { transferred: 1 } });

    await stopTenant(fx.env.client, tenantId);
    const stopped = await tenantHandle(fx.env.client, tenantId).result();
    expect(stopped.status).toBe('stopped');

    // What `timr-sync start <tenant> --credentials-ref <ref>` sends: only what was given.
    const again = await startTenant(fx.env.client, { tenantId, credentialsRef: tenantId }, { taskQueue: fx.taskQueue });
    expect(again).toMatchObject({ started: true, restored: 'previous execution' });
    const restarted = await waitForFirstCycle(tenantId);
    expect(restarted.cycles).toBe(stopped.cycles + 1);
    expect(restarted.status).toBe('active');
    expect(restarted.settings).toEqual(stopped.settings);
    expect(restarted.settings.intervalSeconds).toBe(1800);
    expect(restarted.settings.sync.matching.overrides).toEqual({ [user.id]: person.id });
    expect(restarted.quarantined.map((q) => q.entryId).sort()).toEqual(quarantined);
    expect(restarted.recentRuns[0]?.runNumber).toBeGreaterThanOrEqual(2);

    await recordEntry(tenantId);
    const third = await syncTenantNow(fx.env.client, tenantId);
    expect(third).toMatchObject({ runNumber: stopped.runCount + 1, workflowId: `tenant/${tenantId}/run/${stopped.runCount + 1}`, counts: { transferred: 1 } });

    const ids = await runIdsOf(tenantId);
    expect(ids.length).toBe(new Set(ids).size);
    await expectSyncInvariants(fx, tenantId);
  });

  it('after a termination (no result to read) the state is read from the closed workflow; --reset-settings starts from the given settings', async () => {
    const tenantId = fx.seed.tenants[1]!.id;
    await fx.start(tenantId, { intervalSeconds: 3600 });
    const before = await fx.waitForCycles(tenantId, 1, 60_000);
    await updateTenantConfig(fx.env.client, tenantId, { lookbackDays: 90 });
    await tenantHandle(fx.env.client, tenantId).terminate('operator terminated it in the UI');

    const again = await startTenant(fx.env.client, { tenantId, credentialsRef: tenantId }, { taskQueue: fx.taskQueue });
    expect(again).toMatchObject({ started: true, restored: 'previous execution' });
    const restarted = await waitForFirstCycle(tenantId);
    expect(restarted.settings.lookbackDays).toBe(90);
    expect(restarted.settings.intervalSeconds).toBe(3600);
    expect(restarted.runCount).toBeGreaterThanOrEqual(before.runCount);

    await stopTenant(fx.env.client, tenantId);
    await tenantHandle(fx.env.client, tenantId).result();
    const fresh = await startTenant(fx.env.client, { tenantId, credentialsRef: tenantId }, { taskQueue: fx.taskQueue, resetSettings: true });
    expect(fresh).toMatchObject({ started: true, restored: 'previous execution, settings reset' });
    const reset = await waitForFirstCycle(tenantId);
    expect(reset.settings.lookbackDays).toBe(62);
    expect(reset.settings.intervalSeconds).toBe(900);
    // The sync state still carries over: numbering goes on.
    expect(reset.runCount).toBeGreaterThanOrEqual(restarted.runCount);
    const ids = await runIdsOf(tenantId);
    expect(ids.length).toBe(new Set(ids).size);
  });
});
