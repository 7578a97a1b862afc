/**
 * The oracle's repair plan on hand-built vendor states: only what carries our own record is
 * repairable (locked entries whose recorded periods are missing, moved or book other hours;
 * periods only a deleted entry's record claims), never an orphan, a twin, a changeable entry or
 * a write of unknown outcome. Expectations are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { auditTenantState, type AuditTenant } from '../../src/audit/oracle.js';

const WORK = { id: 'type-work', name: 'Arbeitszeit', external_id: null, category: 'attendance_time' };

function entry(id: string, start: string, end: string, o: { periodIds?: string[]; status?: string; breakMinutes?: number } = {}) {
  const breaks = o.breakMinutes ?? 0;
  const minutes = (Date.parse(end) - Date.parse(start)) / 60_000 - breaks;
  return {
    id,
    start,
    end,
    break_time_total_minutes: breaks,
    duration: { type: 'minutes', minutes },
    user: { id: 'u1' },
    working_time_type: { id: WORK.id, name: WORK.name, external_id: null },
    status: o.status ?? 'locked',
    last_modified: `lm-${id}`,
    metadata: o.periodIds ? { personioSync: { periodIds: o.periodIds, personId: 'p1', fingerprint: 'f', run: 'tenant/t1/run/1' } } : null,
  };
}

const period = (id: string, type: 'WORK' | 'BREAK', start: string, end: string) => ({ id, person: { id: 'p1' }, type, start: { date_time: start }, end: { date_time: end }, comment: null });

const tenant = (o: Partial<AuditTenant> = {}): AuditTenant => ({ tenantId: 't1', timezone: 'Europe/Vienna', zeitausgleich: { typeIds: [], externalIds: [], names: ['Zeitausgleich'] }, quarantinedEntryIds: [], ...o });

function state() {
  return {
    entries: [
      entry('e-day', '2026-11-16T08:00:00+01:00', '2026-11-16T16:30:00+01:00', { periodIds: ['a1', 'a2', 'a3'], breakMinutes: 30 }),
      entry('e-short', '2026-11-17T08:00:00+01:00', '2026-11-17T12:00:00+01:00', { periodIds: ['s1'] }),
      entry('e-moved', '2026-11-18T08:00:00+01:00', '2026-11-18T12:00:00+01:00', { periodIds: ['m1'] }),
      entry('e-open', '2026-11-19T08:00:00+01:00', '2026-11-19T12:00:00+01:00', { periodIds: ['o1'], status: 'changeable' }),
    ],
    periods: [
      period('a1', 'WORK', '2026-11-16T08:00:00', '2026-11-16T12:00:00'),
      period('a2', 'BREAK', '2026-11-16T12:00:00', '2026-11-16T12:30:00'),
      period('a3', 'WORK', '2026-11-16T12:30:00', '2026-11-16T16:30:00'),
      period('s1', 'WORK', '2026-11-17T08:00:00', '2026-11-17T12:00:00'),
      period('m1', 'WORK', '2026-11-18T08:00:00', '2026-11-18T12:00:00'),
      period('o1', 'WORK', '2026-11-19T08:00:00', '2026-11-19T12:00:00'),
    ],
    deleted: [] as { id: string; metadata: Record<string, unknown> }[],
  };
}
type State = ReturnType<typeof state>;

const judge = (s: State, o: Partial<AuditTenant> = {}) =>
  auditTenantState(tenant(o), { workingTimes: s.entries, workingTimeTypes: [WORK], deleted: s.deleted }, { attendancePeriods: s.periods, absencePeriods: [] });

const edit = (s: State, id: string, change: Partial<ReturnType<typeof period>>): State => ({ ...s, periods: s.periods.map((p) => (p.id === id ? { ...p, ...change } : p)) });

describe('audit repair plan', () => {
  it('a clean tenant needs no repair', () => {
    const { audit, repair } = judge(state());
    expect(audit).toMatchObject({ lost: 0, stale: 0, hoursMismatch: 0, orphaned: 0 });
    expect(repair).toEqual({ replace: [], remove: [] });
  });

  it('replaces locked entries whose period was deleted, shortened or moved outside the entry, with the last_modified audited', () => {
    let s = state();
    s = { ...s, periods: s.periods.filter((p) => p.id !== 'a2') };
    s = edit(s, 's1', { end: { date_time: '2026-11-17T11:45:00' } });
    s = edit(s, 'm1', { start: { date_time: '2026-11-18T07:30:00' } });
    const { audit, repair } = judge(s);
    expect(audit).toMatchObject({ lost: 1, hoursMismatch: 1, stale: 1 });
    expect(repair.replace).toEqual([
      { entryId: 'e-day', lastModified: 'lm-e-day', cause: 'lost' },
      { entryId: 'e-short', lastModified: 'lm-e-short', cause: 'hours' },
      { entryId: 'e-moved', lastModified: 'lm-e-moved', cause: 'stale' },
    ]);
    expect(repair.remove).toEqual([]);
  });

  it('leaves a changeable entry to the next run (it is transferred again anyway) and an entry with an unresolved write to its resolution', () => {
    let s = edit(state(), 'o1', { end: { date_time: '2026-11-19T11:00:00' } });
    s = { ...s, periods: s.periods.filter((p) => p.id !== 's1') };
    const { audit, repair } = judge(s, { unresolvedEntryIds: ['e-short'] });
    expect(audit.lost).toBe(1);
    expect(repair.replace).toEqual([]);
  });

  it('removes periods only a deleted entry still claims, never orphans, twins or periods a live entry claims', () => {
    const s = state();
    s.deleted.push({ id: 'e-gone', metadata: { personioSync: { periodIds: ['g1', 'g2', 'a1'], personId: 'p1', fingerprint: 'f', run: 'r' } } });
    s.periods.push(period('g1', 'WORK', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    s.periods.push(period('g2', 'WORK', '2026-11-20T13:00:00', '2026-11-20T14:00:00'));
    // Nobody's: entered in Personio by HR, or by anyone — not ours to delete.
    s.periods.push(period('x1', 'WORK', '2026-11-21T08:00:00', '2026-11-21T12:00:00'));
    // A twin of a1: reported, not removed.
    s.periods.push(period('a1-twin', 'WORK', '2026-11-16T08:00:00', '2026-11-16T12:00:00'));
    const { audit, repair } = judge(s);
    expect(audit).toMatchObject({ stale: 2, orphaned: 2, duplicated: 1 });
    expect(repair).toEqual({ replace: [], remove: [{ entryId: 'e-gone', periodIds: ['g1', 'g2'] }] });
    // A period of an unresolved write is left to its resolution.
    expect(judge(s, { unresolvedPeriodIds: ['g2'] }).repair.remove).toEqual([{ entryId: 'e-gone', periodIds: ['g1'] }]);
  });

  it('judges nothing before the window', () => {
    const s = { ...state(), periods: state().periods.filter((p) => p.id !== 'a2') };
    expect(judge(s, { windowStart: '2026-11-17' }).repair.replace).toEqual([]);
  });
});
