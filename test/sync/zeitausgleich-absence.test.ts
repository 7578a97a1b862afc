/**
 * `sync.zeitausgleich.representation = absence`, end to end: Zeitausgleich days are booked as
 * Personio absence periods of the configured type (Personio's own route for compensatory time
 * off) against a Personio that refuses zero-length attendances — and they follow the same
 * exactly-once machinery as attendances: a create whose answer is lost is adopted, never
 * duplicated; an entry deleted in timr has its absence removed; the audit judges the absences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData, zeitausgleichMatchFor } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, syncMetadataOf, TimrSandboxState } from '../../src/sandbox/sync-audit.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const POST_ABSENCES = 'POST /v2/absence-periods';
const ABSENCE_TYPE = 'at-ueberstundenausgleich';

describe('Zeitausgleich booked as Personio absences', () => {
  const seed = generateDemoData({ seed: 9, tenants: 1, employees: 4, days: 7 });
  const tenant = seed.tenants[0]!;
  tenant.personio.absenceTypes = [{ id: ABSENCE_TYPE, name: 'Überstundenausgleich' }];
  let fx: SyncFixture;
  let tenantId: string;

  const state = async () => ({
    timr: TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!,
    personio: PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!,
  });
  const zaCategory = (s: Awaited<ReturnType<typeof state>>) => new Set(s.timr.workingTimeTypes.filter((t) => t.category === 'unpaid_time_off').map((t) => t.id));

  beforeAll(async () => {
    fx = await startSyncFixture(seed);
    tenantId = fx.seed.tenants[0]!.id;
    await fx.control.personioSettings({ zeroLengthPeriods: 'reject' });
    await fx.start(tenantId, { sync: { timezone: tenant.timezone, zeitausgleich: { ...zeitausgleichMatchFor(tenant), representation: 'absence', absenceTypeId: ABSENCE_TYPE } } });
    await fx.waitForCycles(tenantId, 1, 90_000);
  }, 120_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('books every Zeitausgleich as one absence of the configured type, locked with our record, and no attendance for it', async () => {
    const s = await state();
    const za = s.timr.workingTimes.filter((e) => zaCategory(s).has(e.working_time_type.id) && e.end !== null);
    expect(za.length).toBeGreaterThan(1);
    for (const entry of za) {
      expect(entry.status, `Zeitausgleich ${entry.id}`).toBe('locked');
      const record = syncMetadataOf(entry)!;
      expect(record.periodIds).toHaveLength(1);
      expect(record.periodIds[0]).toMatch(/^absence:/);
      const absence = s.personio.absencePeriods.find((a) => `absence:${a.id}` === record.periodIds[0])!;
      expect(absence).toMatchObject({ person: { id: record.personId }, absence_type: { id: ABSENCE_TYPE }, comment: 'Zeitausgleich' });
      expect(s.personio.attendancePeriods.some((p) => p.person.id === record.personId && p.start.date_time === absence.starts_from.date_time)).toBe(false);
    }
    const audit = await expectSyncInvariants(fx, tenantId);
    expect(audit.hoursMismatch).toBe(0);
    expect(audit.zeitausgleichDays).toBe(za.length);
  });

  it('a create whose answer is lost is adopted on retry, never duplicated', async () => {
    const s = await state();
    const za = s.timr.workingTimes.find((e) => zaCategory(s).has(e.working_time_type.id) && e.end !== null)!;
    await fx.control.addFault('personio', { tenantId, route: POST_ABSENCES, times: 1, fault: { kind: 'commit-then-drop', mode: 'reset' } });
    const created = (await fx.control.createWorkingTime(tenantId, {
      user_id: za.user.id,
      working_time_type_id: za.working_time_type.id,
      start: '2026-11-02T08:00:00+01:00',
      end: '2026-11-02T16:00:00+01:00',
    })) as { id: string };
    await syncTenantNow(fx.env.client, tenantId);
    const after = await state();
    const requests = (await fx.control.requests('personio', tenantId)).filter((r) => `${r.method} ${r.route}` === POST_ABSENCES);
    expect(requests.filter((r) => r.dropped)).toHaveLength(1);
    const entry = after.timr.workingTimes.find((e) => e.id === created.id)!;
    expect(entry.status).toBe('locked');
    const mine = after.personio.absencePeriods.filter((a) => a.starts_from.date_time === '2026-11-02T08:00:00');
    expect(mine).toHaveLength(1);
    expect(syncMetadataOf(entry)!.periodIds).toEqual([`absence:${mine[0]!.id}`]);
    await expectSyncInvariants(fx, tenantId);
  });

  it('a Zeitausgleich deleted in timr has its absence removed', async () => {
    const s = await state();
    const za = s.timr.workingTimes.find((e) => zaCategory(s).has(e.working_time_type.id) && e.status === 'locked')!;
    const absenceId = syncMetadataOf(za)!.periodIds[0]!.replace('absence:', '');
    await fx.control.deleteWorkingTime(tenantId, za.id);
    await syncTenantNow(fx.env.client, tenantId);
    const after = await state();
    expect(after.personio.absencePeriods.some((a) => a.id === absenceId)).toBe(false);
    const audit = await expectSyncInvariants(fx, tenantId);
    expect(audit.stale).toBe(0);
  });
});
