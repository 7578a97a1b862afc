/**
 * Exactly-once under the faults that make it hard: a Personio write that takes effect while
 * its answer is lost, a timr conflict on lock, an employee editing the entry between our read
 * and our lock. Asserted through both sandboxes' state and the request logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow, tenantStatus } from '../../src/control/tenants.js';
import { entryFingerprint } from '../../src/domain/entry-fingerprint.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, syncMetadataOf, TimrSandboxState } from '../../src/sandbox/sync-audit.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const POST_PERIODS = 'POST /v2/attendance-periods';
const PATCH_ENTRY = 'PATCH /v1/working-times/:id';


describe('exactly-once under write faults', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 11, tenants: 3, employees: 4, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('commit-then-drop on Personio POST: the write is adopted on retry, never duplicated', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    // Every 4th create takes effect but the client sees a reset; two of them time out instead.
    await fx.control.addFault('personio', { tenantId, route: POST_PERIODS, times: 4, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    await fx.control.addFault('personio', { tenantId, route: POST_PERIODS, after: 10, times: 2, fault: { kind: 'commit-then-drop', mode: 'timeout', hangMs: 4_000 } });
    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 120_000);
    expect(status.recentRuns[0]?.outcome).toBe('succeeded');

    const log = await fx.control.requests('personio', tenantId);
    const posts = log.filter((r) => `${r.method} ${r.route}` === POST_PERIODS);
    const dropped = posts.filter((r) => r.dropped);
    expect(dropped.length).toBe(6);
    const audit = await expectSyncInvariants(fx, tenantId, { complete: false });
    expect(audit.entriesTransferred + audit.quarantined).toBe(audit.entriesEligible);
    // The dropped writes took effect: their periods exist once each, owned by locked entries
    // (orphaned == 0 above), and no create was repeated for them.
    expect(posts.filter((r) => !r.dropped && r.status === 201).length + dropped.length).toBe(audit.periodsInPersonio);
  });

  it('409 conflict on lock: periods compensated, entry transferred on the next cycle', async () => {
    const tenantId = fx.seed.tenants[1]!.id;
    await fx.control.addFault('timr', { tenantId, route: PATCH_ENTRY, after: 2, times: 1, fault: { kind: 'conflict' } });
    await fx.start(tenantId);
    const first = await fx.waitForCycles(tenantId, 1, 120_000);
    const run1 = first.recentRuns[0]!;
    expect(run1.outcome).toBe('partial');
    expect(run1.counts?.deferred).toBe(1);
    expect(run1.counts?.compensations).toBe(1);
    // After compensation nothing of the deferred entry is left in Personio, and it is still changeable.
    const afterFirst = await expectSyncInvariants(fx, tenantId, { complete: false });
    expect(afterFirst.entriesTransferred + afterFirst.quarantined).toBe(afterFirst.entriesEligible - 1);

    const summary = await syncTenantNow(fx.env.client, tenantId);
    expect(summary?.counts?.transferred).toBe(1);
    const afterSecond = await expectSyncInvariants(fx, tenantId, { complete: false });
    expect(afterSecond.entriesTransferred + afterSecond.quarantined).toBe(afterSecond.entriesEligible);
  });

  it('employee edits the entry between fetch and lock: Personio ends up with the locked content', async () => {
    const tenantId = fx.seed.tenants[2]!.id;
    const note = 'nachträglich geändert vom Mitarbeiter';
    await fx.control.addFault('timr', { tenantId, route: PATCH_ENTRY, after: 1, times: 1, fault: { kind: 'concurrent-edit', patch: { notes: note } } });
    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 120_000);
    const run = status.recentRuns[0]!;
    expect(run.counts?.compensations).toBe(1);
    expect(run.outcome).toBe('succeeded');

    const timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    const personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    const edited = timr.workingTimes.find((w) => w.notes === note);
    expect(edited?.status).toBe('locked');
    const meta = syncMetadataOf(edited!);
    expect(meta?.fingerprint).toBe(entryFingerprint(edited!));
    const periods = personio.attendancePeriods.filter((p) => meta!.periodIds.includes(p.id));
    expect(periods.length).toBe(meta!.periodIds.length);
    expect(periods.filter((p) => p.type === 'WORK').every((p) => p.comment === note)).toBe(true);
    await expectSyncInvariants(fx, tenantId, { complete: false });
    expect((await tenantStatus(fx.env.client, tenantId)).status).toBe('active');
  });
});
