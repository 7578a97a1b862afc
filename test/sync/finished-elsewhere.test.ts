/**
 * Entries that left `changeable` before the sync saw them — approved by a team lead, closed
 * with the month, locked by someone else — still carry no transfer record of ours: their hours
 * must reach Personio, and their timr status must stay what it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, syncMetadataOf, TimrSandboxState } from '../../src/sandbox/sync-audit.js';
import { transformEntry } from '../../src/domain/transform.js';
import { typeCategories } from '../../src/domain/entry-classification.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

describe('entries approved, closed or locked in timr before the first sync', () => {
  let fx: SyncFixture;
  let tenantId: string;
  const picked: Record<'approved' | 'closed' | 'locked', string> = { approved: '', closed: '', locked: '' };

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 23, tenants: 1, employees: 4, days: 7 }));
    const tenant = fx.seed.tenants[0]!;
    tenantId = tenant.id;
    // Three finished attendance entries of matched employees change status before any sync
    // (with hours to book: the demo's zero-minute entry books nothing wherever its status is).
    const emails = new Set(tenant.personio.persons.map((p) => (p.email ?? '').trim().toLowerCase()));
    const attendance = new Set(tenant.timr.workingTimeTypes.filter((t) => t.category === 'attendance_time').map((t) => t.id));
    const candidates = tenant.timr.workingTimes.filter(
      (w) => w.status === 'changeable' && w.end && w.end !== w.start && attendance.has(w.working_time_type.id) && emails.has((w.user.email ?? '').trim().toLowerCase()),
    );
    for (const [i, status] of (['approved', 'closed', 'locked'] as const).entries()) {
      picked[status] = candidates[i * 3]!.id;
      await fx.control.editWorkingTime(tenantId, picked[status], { status });
    }
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('transfers them, records the transfer in their metadata, and leaves their status alone', async () => {
    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 60_000);
    expect(status.recentRuns[0]?.outcome).toBe('succeeded');

    const timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    const personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    const ctx = { config: status.settings.sync, typeCategories: typeCategories(timr.workingTimeTypes) };
    for (const [expected, id] of Object.entries(picked)) {
      const entry = timr.workingTimes.find((w) => w.id === id)!;
      expect(entry.status, id).toBe(expected);
      const meta = syncMetadataOf(entry);
      expect(meta, `transfer record of the ${expected} entry`).toBeDefined();
      const planned = transformEntry(entry, ctx);
      if (planned.kind !== 'periods') throw new Error(`entry ${id} is not transferable: ${JSON.stringify(planned)}`);
      const booked = meta!.periodIds.map((pid) => personio.attendancePeriods.find((p) => p.id === pid));
      expect(booked.map((p) => p && { type: p.type, start: p.start.date_time, end: p.end?.date_time })).toEqual(
        planned.periods.map((p) => ({ type: p.type, start: p.start, end: p.end })),
      );
    }
    await expectSyncInvariants(fx, tenantId);
  });

  it('does not transfer them again on the next cycle', async () => {
    const writes = async () => (await fx.control.requests('personio', tenantId)).filter((r) => r.method !== 'GET').length;
    const before = await writes();
    expect(await syncTenantNow(fx.env.client, tenantId)).toBeNull();
    expect(await writes()).toBe(before);
  });

  it('re-transfers an approved entry an admin changed afterwards, keeping it approved', async () => {
    const id = picked.approved;
    const timrBefore = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    const oldIds = syncMetadataOf(timrBefore.workingTimes.find((w) => w.id === id)!)!.periodIds;
    // The admin edits the approved entry in place (timr admins can; employees cannot).
    await fx.control.editWorkingTime(tenantId, id, { notes: 'vom Admin korrigiert' });

    const summary = await syncTenantNow(fx.env.client, tenantId);
    expect(summary?.counts?.updated).toBe(1);
    const timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    const personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    const entry = timr.workingTimes.find((w) => w.id === id)!;
    expect(entry.status).toBe('approved');
    const newIds = syncMetadataOf(entry)!.periodIds;
    expect(personio.attendancePeriods.filter((p) => oldIds.includes(p.id))).toEqual([]);
    const booked = personio.attendancePeriods.filter((p) => newIds.includes(p.id));
    expect(booked.length).toBe(newIds.length);
    expect(booked.filter((p) => p.type === 'WORK').every((p) => p.comment === 'vom Admin korrigiert')).toBe(true);
    await expectSyncInvariants(fx, tenantId);
  });
});
