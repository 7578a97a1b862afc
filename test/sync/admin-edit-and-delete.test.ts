/**
 * What happens in Personio after an admin touches transferred entries in timr: a changed
 * entry is re-transferred (old periods gone, new ones in, locked again), an unlock without
 * change is only relocked, a deleted entry takes its periods with it, an entry retyped to an
 * absence has its periods removed. Each step is one "sync now", read back from both sandboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { syncTenantNow } from '../../src/control/tenants.js';
import { typeCategories } from '../../src/domain/entry-classification.js';
import { transformEntry } from '../../src/domain/transform.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { RunSummary } from '../../src/workflows/types.js';
import { startSyncFixture, type SyncFixture, expectSyncInvariants } from '../helpers/sync-fixture.js';

/** Wall time in the demo tenant's zone, computed with Intl rather than the product's code. */
const viennaWallTime = (instant: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Vienna', dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' }).format(new Date(instant)).replace(' ', 'T');

type TimrTenant = TimrSandboxState[string];
type PersonioTenant = PersonioSandboxState['tenants'][string];

describe('tenant sync: admin edits, unlocks, retypes and deletes in timr', () => {
  let fx: SyncFixture;
  let tenantId: string;
  /** Entries picked once: transferred, same-day, the only entry of their employee that day. */
  let candidates: WorkingTime[];

  const timrState = async (): Promise<TimrTenant> => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
  const personioState = async (): Promise<PersonioTenant> => PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
  const entry = async (id: string): Promise<WorkingTime> => {
    const found = (await timrState()).workingTimes.find((e) => e.id === id);
    if (!found) throw new Error(`timr has no entry ${id} for tenant ${tenantId}`);
    return found;
  };
  const periodIdsOf = (e: WorkingTime): string[] => {
    const meta = syncMetadataOf(e);
    if (!meta) throw new Error(`entry ${e.id} carries no personioSync metadata`);
    return meta.periodIds;
  };
  /** Attendance-period writes (POST/PATCH/DELETE) the tenant sent to Personio so far. */
  const personioWrites = async () =>
    (await fx.control.requests('personio', tenantId)).filter((r) => r.route.includes('attendance-periods') && r.method !== 'GET');
  const syncNow = async (): Promise<RunSummary> => {
    const summary = await syncTenantNow(fx.env.client, tenantId);
    if (!summary) throw new Error(`tenant ${tenantId}: sync now found nothing to do`);
    return summary;
  };
  const expectCleanAudit = (id: string = tenantId) => expectSyncInvariants(fx, id);
  const take = (): WorkingTime => {
    const next = candidates.shift();
    if (!next) throw new Error('the seed ran out of candidate entries for this test');
    return next;
  };

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 11, tenants: 1, employees: 5, days: 7 }));
    tenantId = fx.seed.tenants[0]!.id;
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 60_000);
    const timr = await timrState();
    const categories = typeCategories(timr.workingTimeTypes);
    const day = (e: WorkingTime) => `${e.user.id}|${e.start.slice(0, 10)}`;
    const perDay = new Map<string, number>();
    for (const e of timr.workingTimes) perDay.set(day(e), (perDay.get(day(e)) ?? 0) + 1);
    candidates = timr.workingTimes.filter(
      (e) =>
        e.status === 'locked' &&
        categories[e.working_time_type.id] === 'attendance_time' &&
        e.end !== null &&
        e.start.slice(0, 10) === e.end.slice(0, 10) &&
        e.end.slice(11, 13) < '20' &&
        perDay.get(day(e)) === 1,
    );
    expect(candidates.length).toBeGreaterThanOrEqual(6);
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('re-transfers an entry an admin unlocked and changed: old periods gone, new ones match, locked again', async () => {
    const before = take();
    const oldIds = periodIdsOf(before);
    const laterEnd = new Date(Date.parse(before.end!) + 60 * 60_000).toISOString().replace('.000Z', 'Z');
    await fx.control.editWorkingTime(tenantId, before.id, { status: 'changeable', end: laterEnd, notes: 'korrigiert' });

    const summary = await syncNow();
    expect(summary.counts).toMatchObject({ updated: 1, transferred: 0, failed: 0, deferred: 0 });

    const after = await entry(before.id);
    expect(after.status).toBe('locked');
    expect(Date.parse(after.end!)).toBe(Date.parse(laterEnd));
    const newIds = periodIdsOf(after);
    expect(newIds.some((id) => oldIds.includes(id))).toBe(false);

    const personio = await personioState();
    expect(personio.attendancePeriods.filter((p) => oldIds.includes(p.id))).toEqual([]);
    const stored = newIds.map((id) => personio.attendancePeriods.find((p) => p.id === id));
    const planned = transformEntry(after, { config: (await fx.status(tenantId)).settings.sync, typeCategories: typeCategories((await timrState()).workingTimeTypes) });
    if (planned.kind !== 'periods') throw new Error(`edited entry is not transferable: ${planned.kind}`);
    expect(stored.map((p) => p && { type: p.type, start: p.start.date_time, end: p.end?.date_time, comment: p.comment ?? undefined })).toEqual(planned.periods);
    // What the admin typed arrived: the new end and the new comment.
    expect(stored.at(-1)?.end?.date_time).toBe(viennaWallTime(laterEnd));
    expect(stored.filter((p) => p?.type === 'WORK').every((p) => p?.comment === 'korrigiert')).toBe(true);
    expect(stored.every((p) => p?.person.id === syncMetadataOf(after)!.personId)).toBe(true);
    await expectCleanAudit();
  });

  it('relocks an entry unlocked without a change and leaves Personio untouched', async () => {
    const target = take();
    const ids = periodIdsOf(target);
    const periodsBefore = (await personioState()).attendancePeriods.filter((p) => ids.includes(p.id));
    const writesBefore = (await personioWrites()).length;
    await fx.control.editWorkingTime(tenantId, target.id, { status: 'changeable' });
    expect((await entry(target.id)).status).toBe('changeable');

    const summary = await syncNow();
    expect(summary.counts).toMatchObject({ relocked: 1, updated: 0, transferred: 0 });

    const after = await entry(target.id);
    expect(after.status).toBe('locked');
    expect(periodIdsOf(after)).toEqual(ids);
    // Same periods, not even touched (updated_at unchanged), and no write request at all.
    expect((await personioState()).attendancePeriods.filter((p) => ids.includes(p.id))).toEqual(periodsBefore);
    expect((await personioWrites()).length).toBe(writesBefore);
    await expectCleanAudit();
  });

  it('removes the Personio periods of a transferred entry deleted in timr', async () => {
    const target = take();
    const ids = periodIdsOf(target);
    const countBefore = (await personioState()).attendancePeriods.length;
    await fx.control.deleteWorkingTime(tenantId, target.id);

    const summary = await syncNow();
    expect(summary.counts).toMatchObject({ deleted: 1, failed: 0 });

    const personio = await personioState();
    expect(personio.attendancePeriods.filter((p) => ids.includes(p.id))).toEqual([]);
    expect(personio.attendancePeriods.length).toBe(countBefore - ids.length);
    await expectCleanAudit();
  });

  it('changes nothing in Personio when an entry that was never transferred is deleted', async () => {
    const timr = await timrState();
    const categories = typeCategories(timr.workingTimeTypes);
    const never = timr.workingTimes.find((e) => categories[e.working_time_type.id] === 'vacation');
    if (!never) throw new Error('seed has no vacation entry');
    expect(syncMetadataOf(never)).toBeUndefined();
    const periodsBefore = (await personioState()).attendancePeriods;
    const writesBefore = (await personioWrites()).length;
    const runsBefore = (await fx.status(tenantId)).runCount;

    await fx.control.deleteWorkingTime(tenantId, never.id);
    await syncTenantNow(fx.env.client, tenantId);

    expect((await personioState()).attendancePeriods).toEqual(periodsBefore);
    expect((await personioWrites()).length).toBe(writesBefore);
    // Nothing to do, so no run either.
    expect((await fx.status(tenantId)).runCount).toBe(runsBefore);
    await expectCleanAudit();
  });

  it('removes the periods of a transferred entry an admin retyped to an absence (sickness)', async () => {
    const target = take();
    const ids = periodIdsOf(target);
    const timr = await timrState();
    const sickness = timr.workingTimeTypes.find((t) => t.category === 'paid_time_off' && !t.archived);
    if (!sickness) throw new Error('seed has no paid_time_off type');
    await fx.control.editWorkingTime(tenantId, target.id, { status: 'changeable', working_time_type_id: sickness.id });

    const summary = await syncNow();
    expect(summary.counts).toMatchObject({ updated: 1, failed: 0, quarantined: 0 });

    expect((await personioState()).attendancePeriods.filter((p) => ids.includes(p.id))).toEqual([]);
    const after = await entry(target.id);
    // Locked with an empty transfer record: nothing of it is in Personio, and the next cycle leaves it alone.
    expect(after.status).toBe('locked');
    expect(periodIdsOf(after)).toEqual([]);
    const runsBefore = (await fx.status(tenantId)).runCount;
    await syncTenantNow(fx.env.client, tenantId);
    expect((await fx.status(tenantId)).runCount).toBe(runsBefore);
    await expectCleanAudit();
  });

  it('replaces the work periods of an entry retyped to Zeitausgleich with the zero-hours booking', async () => {
    const target = take();
    const ids = periodIdsOf(target);
    const za = (await fx.status(tenantId)).settings.sync.zeitausgleich.typeIds[0];
    if (!za) throw new Error('tenant settings name no Zeitausgleich type');
    await fx.control.editWorkingTime(tenantId, target.id, { status: 'changeable', working_time_type_id: za, break_times: [] });

    const summary = await syncNow();
    expect(summary.counts).toMatchObject({ updated: 1, failed: 0, quarantined: 0 });
    const personio = await personioState();
    expect(personio.attendancePeriods.filter((p) => ids.includes(p.id))).toEqual([]);
    const after = await entry(target.id);
    expect(after.status).toBe('locked');
    const start = viennaWallTime(after.start);
    const booked = periodIdsOf(after).map((id) => personio.attendancePeriods.find((p) => p.id === id));
    expect(booked.map((p) => p && { type: p.type, start: p.start.date_time, end: p.end?.date_time, comment: p.comment })).toEqual([
      { type: 'WORK', start, end: start, comment: 'Zeitausgleich' },
    ]);
    await expectCleanAudit();
  });

  it('removes the periods of a transferred entry retyped to vacation, a type timr only books by request', async () => {
    const target = take();
    const ids = periodIdsOf(target);
    const timr = await timrState();
    const vacation = timr.workingTimeTypes.find((t) => t.category === 'vacation' && !t.archived);
    if (!vacation) throw new Error('seed has no vacation type');
    await fx.control.editWorkingTime(tenantId, target.id, { status: 'changeable', working_time_type_id: vacation.id });

    const summary = await syncNow();
    expect(summary.counts?.failed).toBe(0);
    expect((await personioState()).attendancePeriods.filter((p) => ids.includes(p.id))).toEqual([]);

    // timr answers the lock of a by-request type with a Working Time Request instead, so the
    // entry cannot be marked there: the tenant remembers it as settled, not as a problem.
    const after = await entry(target.id);
    expect(after.status).toBe('changeable');
    const status = await fx.status(tenantId);
    expect(status.quarantined.find((q) => q.entryId === target.id)).toBeUndefined();
    expect(summary.counts?.updated).toBeGreaterThanOrEqual(1);
    const audit = await fx.audit([tenantId]);
    expect(audit).toMatchObject({ lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0 });
    expect(audit.entriesTransferred + audit.quarantined).toBe(audit.entriesEligible);

    // The next cycle does not withdraw it again: no Personio write, no run at all.
    const writesBefore = (await fx.control.requests('personio', tenantId)).filter((r) => r.method !== 'GET').length;
    const again = await syncTenantNow(fx.env.client, tenantId);
    expect(again).toBeNull();
    expect((await fx.control.requests('personio', tenantId)).filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  });
});
