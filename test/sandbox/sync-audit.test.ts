/**
 * The independent audit on hand-built sandbox states: one clean tenant, then one defect at a
 * time, each of which must show up in exactly its counter. Expectations are written out by hand
 * (minutes, local times), never computed with the code under test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditClean, auditSync, auditTenantFromStatus, type AuditTenant, type SyncAudit } from '../../src/sandbox/sync-audit.js';

const T = 't1';
const WORK = { id: 'type-work', name: 'Arbeitszeit', external_id: null, category: 'attendance_time' };
const ZA = { id: 'type-za', name: 'Zeitausgleich', external_id: null, category: 'unpaid_time_off' };
const ZA_RENAMED = { id: 'type-za2', name: 'ZA – ganztägig', external_id: 'ZA', category: 'unpaid_time_off' };
const VACATION = { id: 'type-vac', name: 'Urlaub', external_id: null, category: 'vacation' };
const TYPES = [WORK, ZA, ZA_RENAMED, VACATION];

type Type = (typeof TYPES)[number];
interface EntryOpts {
  start: string;
  end: string | null;
  type?: Type;
  status?: string;
  breakMinutes?: number;
  /** timr's net minutes; by default end − start − breaks. */
  minutes?: number;
  record?: { periodIds: string[]; personId?: string };
}

function entry(id: string, o: EntryOpts) {
  const metadata: Record<string, unknown> | null = o.record
    ? { customerKey: 'kept', personioSync: { periodIds: o.record.periodIds, personId: o.record.personId ?? 'p1', fingerprint: 'f', run: 'tenant/t1/run/1' } }
    : null;
  const breaks = o.breakMinutes ?? 0;
  const minutes = o.minutes ?? (o.end === null ? null : (Date.parse(o.end) - Date.parse(o.start)) / 60_000 - breaks);
  const type = o.type ?? WORK;
  return {
    id,
    start: o.start,
    end: o.end,
    break_time_total_minutes: breaks,
    break_times: [],
    duration: minutes === null ? null : { type: 'minutes', minutes, minutes_rounded: minutes },
    changed: false,
    notes: null,
    user: { id: 'u1', firstname: 'Anna', lastname: 'Berger', fullname: 'Anna Berger', email: 'anna@example.com', employee_number: null, external_id: null },
    working_time_type: { id: type.id, name: type.name, external_id: type.external_id },
    status: o.status ?? 'locked',
    last_modified: '2026-11-30T10:00:00Z',
    metadata,
  };
}

type Entry = ReturnType<typeof entry>;

function period(id: string, type: 'WORK' | 'BREAK', start: string, end: string, o: { person?: string; comment?: string } = {}) {
  return { id, person: { id: o.person ?? 'p1' }, type, start: { date_time: start }, end: { date_time: end }, comment: o.comment ?? null, project: null, status: 'confirmed' };
}

type Period = ReturnType<typeof period>;

/** A day shift with a lunch break, a Zeitausgleich afternoon, a night shift across midnight; a vacation day and a running entry that are not due. */
function cleanState() {
  const entries: Entry[] = [
    entry('e-day', { start: '2026-11-16T08:00:00+01:00', end: '2026-11-16T16:30:00+01:00', breakMinutes: 30, record: { periodIds: ['a1', 'a2', 'a3'] } }),
    entry('e-za', { start: '2026-11-17T13:00:00+01:00', end: '2026-11-17T17:00:00+01:00', type: ZA, record: { periodIds: ['z1'] } }),
    // Recorded on a phone in UTC: 21:00Z is 22:00 in Vienna.
    entry('e-night', { start: '2026-11-18T21:00:00Z', end: '2026-11-19T06:00:00+01:00', record: { periodIds: ['n1', 'n2'] } }),
    entry('e-vacation', { start: '2026-11-20T00:00:00+01:00', end: '2026-11-20T00:00:00+01:00', type: VACATION, status: 'changeable', minutes: 462 }),
    entry('e-running', { start: '2026-11-21T08:00:00+01:00', end: null, status: 'running' }),
  ];
  const periods: Period[] = [
    period('a1', 'WORK', '2026-11-16T08:00:00', '2026-11-16T12:00:00'),
    period('a2', 'BREAK', '2026-11-16T12:00:00', '2026-11-16T12:30:00'),
    period('a3', 'WORK', '2026-11-16T12:30:00', '2026-11-16T16:30:00'),
    period('z1', 'WORK', '2026-11-17T13:00:00', '2026-11-17T13:00:00', { comment: 'Zeitausgleich' }),
    period('n1', 'WORK', '2026-11-18T22:00:00', '2026-11-19T00:00:00'),
    period('n2', 'WORK', '2026-11-19T00:00:00', '2026-11-19T06:00:00'),
  ];
  const deleted: { id: string; last_modified: string; last_modified_by: null; metadata: Record<string, unknown> | null }[] = [];
  return { entries, periods, deleted };
}

type State = ReturnType<typeof cleanState>;

function tenant(overrides: Partial<AuditTenant> = {}): AuditTenant {
  return { tenantId: T, timezone: 'Europe/Vienna', zeitausgleich: { typeIds: [], externalIds: [], names: ['Zeitausgleich'] }, quarantinedEntryIds: [], ...overrides };
}

function run(state: State, overrides: Partial<AuditTenant> = {}, absencePeriods: unknown[] = []): SyncAudit {
  const timr = { [T]: { clientId: 'c', users: [], workingTimeTypes: TYPES, workingTimes: state.entries, deleted: state.deleted } };
  const personio = { tenants: { [T]: { clientId: 'c', persons: [{ id: 'p1' }, { id: 'p2' }], attendancePeriods: state.periods, absencePeriods } } };
  return auditSync(timr, personio, [tenant(overrides)]);
}

const absencePeriod = (id: string, start: string, end: string) => ({
  id,
  person: { id: 'p1' },
  absence_type: { id: 'at-za' },
  starts_from: { date_time: start },
  ends_at: { date_time: end },
  comment: 'Zeitausgleich',
});

const ZERO = { lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0, hoursMismatch: 0 };
const without = (state: State, id: string) => ({ ...state, periods: state.periods.filter((p) => p.id !== id) });
const replaceEntry = (state: State, id: string, next: Entry) => ({ ...state, entries: state.entries.map((e) => (e.id === id ? next : e)) });

describe('sync audit', () => {
  it('a clean tenant: every due entry transferred, nothing wrong', () => {
    const audit = run(cleanState());
    expect(audit).toMatchObject({ tenants: 1, entriesEligible: 3, entriesTransferred: 3, quarantined: 0, waiting: 0, periodsInPersonio: 6, zeitausgleichDays: 1, ...ZERO });
    expect(audit.samples).toEqual({ lost: [], duplicated: [], orphaned: [], stale: [], doubleClaimed: [], waiting: [], hoursMismatch: [] });
    expect(auditClean(audit)).toBe(true);
  });

  it('Zeitausgleich booked as a Personio absence (our record: "absence:<id>") is transferred; an unclaimed absence is orphaned', () => {
    const state = replaceEntry(without(cleanState(), 'z1'), 'e-za', entry('e-za', { start: '2026-11-17T13:00:00+01:00', end: '2026-11-17T17:00:00+01:00', type: ZA, record: { periodIds: ['absence:x1'] } }));
    const audit = run(state, {}, [absencePeriod('x1', '2026-11-17T13:00:00', '2026-11-17T17:00:00')]);
    expect(audit).toMatchObject({ entriesEligible: 3, entriesTransferred: 3, waiting: 0, periodsInPersonio: 6, zeitausgleichDays: 1, ...ZERO });
    const stray = run(state, {}, [absencePeriod('x1', '2026-11-17T13:00:00', '2026-11-17T17:00:00'), absencePeriod('x2', '2026-11-24T08:00:00', '2026-11-24T12:00:00')]);
    expect(stray).toMatchObject({ orphaned: 1 });
    expect(stray.samples.orphaned).toEqual(['absence:x2']);
    const missing = run(state);
    expect(missing).toMatchObject({ lost: 1, waiting: 1 });
  });

  it('eligible: only finished entries in a due status that book something', () => {
    const state = cleanState();
    state.entries.push(
      entry('e-archived', { start: '2026-11-25T08:00:00+01:00', end: '2026-11-25T12:00:00+01:00', status: 'archived' }),
      entry('e-empty', { start: '2026-11-25T13:00:00+01:00', end: '2026-11-25T13:00:00+01:00', status: 'changeable' }),
      entry('e-open', { start: '2026-11-26T08:00:00+01:00', end: null, status: 'changeable' }),
      entry('e-paused', { start: '2026-11-27T08:00:00+01:00', end: '2026-11-27T09:00:00+01:00', status: 'paused' }),
    );
    expect(run(state)).toMatchObject({ entriesEligible: 3, entriesTransferred: 3, waiting: 0 });
  });

  it('lost: a locked entry whose recorded period is gone, or sits on another person', () => {
    const gone = run(without(cleanState(), 'a3'));
    expect(gone).toMatchObject({ lost: 1, entriesTransferred: 2, waiting: 1, orphaned: 0 });
    expect(gone.samples.lost).toEqual(['e-day']);
    expect(auditClean(gone)).toBe(false);

    const state = cleanState();
    state.periods = state.periods.map((p) => (p.id === 'a3' ? { ...p, person: { id: 'p2' } } : p));
    expect(run(state)).toMatchObject({ lost: 1, entriesTransferred: 2 });
  });

  it('lost is not judged on a changeable entry (timr says it is not transferred) nor on one that books nothing', () => {
    const unlocked = cleanState();
    const day = unlocked.entries[0]!;
    const changeable = replaceEntry(without(unlocked, 'a3'), 'e-day', { ...day, status: 'changeable' });
    expect(run(changeable)).toMatchObject({ lost: 0, waiting: 1 });

    const retyped = replaceEntry(without(without(without(cleanState(), 'a1'), 'a2'), 'a3'), 'e-day', { ...day, working_time_type: { ...VACATION } });
    expect(run(retyped)).toMatchObject({ lost: 0, stale: 0, entriesEligible: 2 });
  });

  it('duplicated: a twin of a period (same person, type, start, end) counts once per extra copy', () => {
    const state = cleanState();
    const a1 = state.periods[0]!;
    // Listed before the original: which copy is the extra does not depend on the order.
    state.periods.unshift({ ...a1, id: 'a1-twin' }, { ...a1, id: 'a1-triplet' });
    const audit = run(state);
    expect(audit.duplicated).toBe(2);
    // The claimed copy is the original; the twins are the extras.
    expect(audit.samples.duplicated.sort()).toEqual(['a1-triplet', 'a1-twin']);
    expect(auditClean(audit)).toBe(false);
  });

  it('orphaned: a period no record claims, unless it lies before the window', () => {
    const state = cleanState();
    state.periods.push(period('x-orphan', 'WORK', '2026-11-20T08:00:00', '2026-11-20T12:00:00'));
    state.periods.push(period('x-old', 'WORK', '2026-10-01T08:00:00', '2026-10-01T12:00:00'));
    const all = run(state);
    expect(all.orphaned).toBe(2);
    const windowed = run(state, { windowStart: '2026-11-01' });
    expect(windowed.orphaned).toBe(1);
    expect(windowed.samples.orphaned).toEqual(['x-orphan']);
    expect(auditClean(windowed)).toBe(false);
  });

  it('entries before the window are not judged', () => {
    const state = without(cleanState(), 'a3');
    expect(run(state, { windowStart: '2026-11-17' })).toMatchObject({ lost: 0, entriesEligible: 2, entriesTransferred: 2 });
  });

  it('stale: a claimed period outside the entry’s local span (content edited after the transfer)', () => {
    const state = cleanState();
    // The admin moved the end to 15:30 after the transfer: a3 now reaches past the entry.
    const day = state.entries[0]!;
    const edited = replaceEntry(state, 'e-day', { ...day, end: '2026-11-16T15:30:00+01:00', duration: { type: 'minutes', minutes: 420, minutes_rounded: 420 } });
    const audit = run(edited);
    expect(audit).toMatchObject({ stale: 1, lost: 0, orphaned: 0, entriesTransferred: 2, waiting: 1, hoursMismatch: 0 });
    expect(audit.samples.stale).toEqual(['a3']);
    expect(auditClean(audit)).toBe(false);
  });

  it('stale: a period a deleted entry still claims (ghost hours), and one an absence still claims', () => {
    const state = cleanState();
    state.periods.push(period('g1', 'WORK', '2026-11-23T08:00:00', '2026-11-23T12:00:00'));
    state.deleted.push({ id: 'e-deleted', last_modified: '2026-11-30T10:00:00Z', last_modified_by: null, metadata: { personioSync: { periodIds: ['g1', 'g-gone'], personId: 'p1', fingerprint: 'f', run: 'r' } } });
    const ghost = run(state);
    expect(ghost).toMatchObject({ stale: 1, orphaned: 0, lost: 0 });
    expect(ghost.samples.stale).toEqual(['g1']);

    const retyped = cleanState();
    const day = retyped.entries[0]!;
    expect(run(replaceEntry(retyped, 'e-day', { ...day, working_time_type: { ...VACATION } }))).toMatchObject({ stale: 3, entriesEligible: 2 });
  });

  it('doubleClaimed: two live entries recording the same periods', () => {
    const state = cleanState();
    state.entries.push(entry('e-day-copy', { start: '2026-11-16T08:00:00+01:00', end: '2026-11-16T16:30:00+01:00', breakMinutes: 30, record: { periodIds: ['a1', 'a2', 'a3'] } }));
    const audit = run(state);
    expect(audit.doubleClaimed).toBe(3);
    expect(audit.samples.doubleClaimed.sort()).toEqual(['a1', 'a2', 'a3']);
    expect(auditClean(audit)).toBe(false);
  });

  it('hoursMismatch: overlapping breaks — timr deducts both, the booking deducts their union', () => {
    const state = cleanState();
    // 08:00–16:30 with breaks 12:00–12:30 and 12:15–12:45: timr counts 60 break minutes, net 450.
    state.entries.push(entry('e-overlap', { start: '2026-11-24T08:00:00+01:00', end: '2026-11-24T16:30:00+01:00', breakMinutes: 60, record: { periodIds: ['o1', 'o2', 'o3'] } }));
    state.periods.push(
      period('o1', 'WORK', '2026-11-24T08:00:00', '2026-11-24T12:00:00'),
      period('o2', 'BREAK', '2026-11-24T12:00:00', '2026-11-24T12:45:00'),
      period('o3', 'WORK', '2026-11-24T12:45:00', '2026-11-24T16:30:00'),
    );
    const audit = run(state);
    expect(audit).toMatchObject({ hoursMismatch: 1, entriesEligible: 4, entriesTransferred: 3, waiting: 1 });
    expect(audit.samples.hoursMismatch).toEqual([{ entryId: 'e-overlap', bookedMinutes: 465, expectedMinutes: 450 }]);
    expect(audit.samples.waiting).toEqual(['e-overlap']);
  });

  // The tenant's DST rule is named in each case (the default is preserve-duration, the product's).
  describe('hours across a DST change (Europe/Vienna)', () => {
    // 2026-10-25 03:00 CEST → 02:00 CET: 22:00 to 06:00 is 9 real hours, 8 on the clock.
    const autumn = (periods: Period[]): State => ({
      entries: [entry('e-autumn', { start: '2026-10-24T22:00:00+02:00', end: '2026-10-25T06:00:00+01:00', record: { periodIds: periods.map((p) => p.id) } })],
      periods,
      deleted: [],
    });
    const wallClockBooking = [period('w1', 'WORK', '2026-10-24T22:00:00', '2026-10-25T00:00:00'), period('w2', 'WORK', '2026-10-25T00:00:00', '2026-10-25T06:00:00')];
    const preservedBooking = [period('d1', 'WORK', '2026-10-24T22:00:00', '2026-10-25T00:00:00'), period('d2', 'WORK', '2026-10-25T00:00:00', '2026-10-25T07:00:00')];

    it('wall-clock: 480 booked minutes are right for 540 worked (expected = duration + offset change)', () => {
      expect(run(autumn(wallClockBooking), { dst: 'wall-clock' })).toMatchObject({ entriesTransferred: 1, ...ZERO });
      const audit = run(autumn(preservedBooking), { dst: 'wall-clock' });
      expect(audit).toMatchObject({ hoursMismatch: 1, entriesTransferred: 0, waiting: 1 });
      expect(audit.samples.hoursMismatch).toEqual([{ entryId: 'e-autumn', bookedMinutes: 540, expectedMinutes: 480 }]);
    });

    it('preserve-duration: the booking must carry all 540 minutes (and may end an hour after the wall-clock end)', () => {
      expect(run(autumn(preservedBooking), { dst: 'preserve-duration' })).toMatchObject({ entriesTransferred: 1, ...ZERO });
      const audit = run(autumn(wallClockBooking), { dst: 'preserve-duration' });
      expect(audit.samples.hoursMismatch).toEqual([{ entryId: 'e-autumn', bookedMinutes: 480, expectedMinutes: 540 }]);
    });

    it('spring: 22:00 to 06:00 is 7 real hours, 8 on the clock', () => {
      const spring: State = {
        entries: [entry('e-spring', { start: '2027-03-27T22:00:00+01:00', end: '2027-03-28T06:00:00+02:00', record: { periodIds: ['s1', 's2'] } })],
        periods: [period('s1', 'WORK', '2027-03-27T22:00:00', '2027-03-28T00:00:00'), period('s2', 'WORK', '2027-03-28T00:00:00', '2027-03-28T06:00:00')],
        deleted: [],
      };
      expect(run(spring, { dst: 'wall-clock' })).toMatchObject({ entriesTransferred: 1, ...ZERO });
      expect(run(spring, { dst: 'preserve-duration' }).samples.hoursMismatch).toEqual([{ entryId: 'e-spring', bookedMinutes: 480, expectedMinutes: 420 }]);
    });

    it('other zones: New York’s autumn change (2026-11-01 02:00 EDT → 01:00 EST)', () => {
      const ny: State = {
        entries: [entry('e-ny', { start: '2026-10-31T22:00:00-04:00', end: '2026-11-01T06:00:00-05:00', record: { periodIds: ['y1', 'y2'] } })],
        periods: [period('y1', 'WORK', '2026-10-31T22:00:00', '2026-11-01T00:00:00'), period('y2', 'WORK', '2026-11-01T00:00:00', '2026-11-01T06:00:00')],
        deleted: [],
      };
      expect(run(ny, { timezone: 'America/New_York', dst: 'wall-clock' })).toMatchObject({ entriesTransferred: 1, ...ZERO });
      // Judged in Vienna's zone the same booking lies hours away from the entry's span.
      expect(run(ny, { dst: 'wall-clock' }).entriesTransferred).toBe(0);
    });
  });

  it('waiting: a finished entry without our record, changeable or locked by someone else', () => {
    const state = cleanState();
    state.entries.push(entry('e-new', { start: '2026-11-25T08:00:00+01:00', end: '2026-11-25T12:00:00+01:00', status: 'changeable' }));
    state.entries.push(entry('e-approved', { start: '2026-11-26T08:00:00+01:00', end: '2026-11-26T12:00:00+01:00', status: 'approved' }));
    // Transferred once, then unlocked by an admin: timr says it is not transferred any more.
    state.entries.push(entry('e-unlocked', { start: '2026-11-27T08:00:00+01:00', end: '2026-11-27T12:00:00+01:00', status: 'changeable', record: { periodIds: ['u1'] } }));
    state.periods.push(period('u1', 'WORK', '2026-11-27T08:00:00', '2026-11-27T12:00:00'));
    const audit = run(state);
    expect(audit).toMatchObject({ entriesEligible: 6, entriesTransferred: 3, waiting: 3, ...ZERO });
    expect(audit.samples.waiting).toEqual(['e-new', 'e-approved', 'e-unlocked']);
    // Waiting alone is not unclean (mid-run), but callers check it when the sync should be complete.
    expect(auditClean(audit)).toBe(true);
    // A tenant transferring only approved entries owes Personio the approved one, not the changeable ones.
    const approvedOnly = run(state, { transferWhen: 'approved' });
    expect(approvedOnly.samples.waiting).toEqual(['e-approved']);
  });

  it('quarantined: an eligible entry the tenant holds with a reason is not waiting', () => {
    const state = cleanState();
    state.entries.push(entry('e-held', { start: '2026-11-25T08:00:00+01:00', end: '2026-11-25T12:00:00+01:00', status: 'changeable' }));
    const audit = run(state, { quarantinedEntryIds: ['e-held', 'e-vacation'] });
    expect(audit).toMatchObject({ entriesEligible: 4, quarantined: 1, waiting: 0, entriesTransferred: 3 });
    // A transferred entry is transferred even if the workflow still lists it.
    expect(run(cleanState(), { quarantinedEntryIds: ['e-day'] })).toMatchObject({ quarantined: 0, entriesTransferred: 3 });
  });

  describe('Zeitausgleich', () => {
    it('is recognised by the tenant’s type id, external id or name, and counts one day per person and date', () => {
      const state = cleanState();
      state.entries.push(entry('e-za-day', { start: '2026-11-26T00:00:00+01:00', end: '2026-11-26T00:00:00+01:00', type: ZA_RENAMED, minutes: 462, record: { periodIds: ['z2'] } }));
      state.periods.push(period('z2', 'WORK', '2026-11-26T00:00:00', '2026-11-26T00:00:00', { comment: 'Zeitausgleich' }));
      // Not configured: the renamed day type is no attendance, so its period is stale.
      expect(run(state)).toMatchObject({ entriesEligible: 3, stale: 1 });
      for (const zeitausgleich of [
        { typeIds: ['type-za2'], externalIds: [], names: ['Zeitausgleich'] },
        { typeIds: [], externalIds: ['ZA'], names: ['Zeitausgleich'] },
        { typeIds: [], externalIds: [], names: ['zeitausgleich', ' za – GANZTÄGIG '] },
      ]) {
        expect(run(state, { zeitausgleich })).toMatchObject({ entriesEligible: 4, entriesTransferred: 4, zeitausgleichDays: 2, ...ZERO });
      }
    });

    it('books 0 WORK minutes on the entry’s local date, and must book something', () => {
      const za = cleanState().entries[1]!;
      const booked = (p: Period) => ({ ...cleanState(), periods: [...without(cleanState(), 'z1').periods, p] });
      // Four hours booked for a Zeitausgleich afternoon: hours say 0.
      const worked = run(booked(period('z1', 'WORK', '2026-11-17T13:00:00', '2026-11-17T17:00:00')));
      expect(worked.samples.hoursMismatch).toEqual([{ entryId: 'e-za', bookedMinutes: 240, expectedMinutes: 0 }]);
      // On the wrong day: stale.
      expect(run(booked(period('z1', 'WORK', '2026-11-18T13:00:00', '2026-11-18T13:00:00', { comment: 'Zeitausgleich' })))).toMatchObject({ stale: 1, entriesTransferred: 2 });
      // A record without a period books nothing: still waiting.
      const empty = replaceEntry(without(cleanState(), 'z1'), 'e-za', { ...za, metadata: { personioSync: { periodIds: [], personId: 'p1', fingerprint: 'f', run: 'r' } } });
      expect(run(empty)).toMatchObject({ waiting: 1, lost: 0, entriesTransferred: 2 });
      // Two Zeitausgleich periods of one person on one day are one day.
      const twice = cleanState();
      twice.periods.push(period('z9', 'WORK', '2026-11-17T09:00:00', '2026-11-17T09:00:00', { comment: 'Zeitausgleich' }));
      expect(run(twice).zeitausgleichDays).toBe(1);
    });
  });

  it('takes zone, Zeitausgleich, quarantine and window from the tenant workflow’s status', () => {
    const status = {
      tenantId: T,
      settings: { lookbackDays: 10, sync: { timezone: 'America/New_York', zeitausgleich: { typeIds: ['x'], externalIds: ['ZA'], names: ['Zeitausgleich'] } } },
      quarantined: [{ entryId: 'e1' }, { entryId: 'e2' }],
    };
    expect(auditTenantFromStatus(status, new Date('2026-11-30T12:00:00Z'))).toEqual({
      tenantId: T,
      timezone: 'America/New_York',
      zeitausgleich: { typeIds: ['x'], externalIds: ['ZA'], names: ['Zeitausgleich'] },
      quarantinedEntryIds: ['e1', 'e2'],
      dst: 'preserve-duration',
      transferWhen: 'finished',
      windowStart: '2026-11-21',
    });
    const wallClock = { ...status, settings: { ...status.settings, sync: { ...status.settings.sync, dst: 'wall-clock' } } };
    expect(auditTenantFromStatus(wallClock, new Date('2026-11-30T12:00:00Z')).dst).toBe('wall-clock');
  });

  it('refuses a tenant the sandboxes do not have and an unknown zone', () => {
    expect(() => auditSync({}, { tenants: {} }, [tenant()])).toThrow(/no tenant t1/);
    expect(() => run(cleanState(), { timezone: 'Mars/Olympus' })).toThrow(/unknown IANA time zone/);
  });

  it('imports nothing of the product (only zod and its own modules)', () => {
    const dir = path.resolve(import.meta.dirname, '../../src/audit');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) expect(spec === 'zod' || /^\.\/[\w-]+\.js$/.test(spec!), `${file} imports ${spec}`).toBe(true);
    }
  });
});
