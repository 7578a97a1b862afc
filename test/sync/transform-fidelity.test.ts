/**
 * After one real cycle, what Personio holds for each timr entry is read back and compared
 * with the transform rules: all entries against `transformEntry`, and the awkward cases
 * (Zeitausgleich, DST, overnight, breaks, notes, skipped entries) against expectations
 * computed here independently with Intl, so a bug shared by transform and sync still shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { syncTenantNow } from '../../src/control/tenants.js';
import { typeCategories } from '../../src/domain/entry-classification.js';
import { transformEntry } from '../../src/domain/transform.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { TenantStatusView } from '../../src/workflows/types.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

type TimrTenant = TimrSandboxState[string];
type PersonioTenant = PersonioSandboxState['tenants'][string];
type StoredPeriod = PersonioTenant['attendancePeriods'][number];
interface Slot {
  type: string;
  start: string;
  end: string | null;
  comment: string | undefined;
}

const ZONE = 'Europe/Vienna';
const wall = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
/** Local wall time in the tenant's zone, "YYYY-MM-DDTHH:mm:ss" (Intl, not the product's code). */
const local = (instant: string | number) => wall.format(new Date(instant)).replace(' ', 'T');
const dateOf = (localDateTime: string) => localDateTime.slice(0, 10);
const minutesBetween = (a: string, b: string) => (Date.parse(`${b}Z`) - Date.parse(`${a}Z`)) / 60_000;

const slotOf = (p: StoredPeriod): Slot => ({ type: p.type, start: p.start.date_time, end: p.end?.date_time ?? null, comment: p.comment ?? undefined });

describe('tenant sync: what arrives in Personio is what the transform rules say', () => {
  let fx: SyncFixture;
  let tenantId: string;
  let status: TenantStatusView;
  let timr: TimrTenant;
  let personio: PersonioTenant;
  let categoryOf: Map<string, string>;

  const periodsOf = (entry: WorkingTime): Slot[] => {
    const meta = syncMetadataOf(entry);
    if (!meta) throw new Error(`entry ${entry.id} (${entry.start}, ${entry.working_time_type.name}) carries no personioSync metadata`);
    return meta.periodIds.map((id) => {
      const period = personio.attendancePeriods.find((p) => p.id === id);
      if (!period) throw new Error(`entry ${entry.id} lists Personio period ${id}, which does not exist`);
      expect(period.person.id).toBe(meta.personId);
      return slotOf(period);
    });
  };
  /** Transferred attendances (the unmatched employee's stay in quarantine). */
  const transferredAttendances = () =>
    timr.workingTimes.filter((e) => e.end !== null && e.status === 'locked' && categoryOf.get(e.working_time_type.id) === 'attendance_time');
  const single = (what: string, entries: WorkingTime[]): WorkingTime => {
    expect(entries, `seed should hold exactly one ${what}`).toHaveLength(1);
    return entries[0]!;
  };
  /** Expected WORK/BREAK tiling for positioned breaks, computed from the entry alone. */
  const positionedTiling = (entry: WorkingTime): Omit<Slot, 'comment'>[] => {
    const breaks = entry.break_times
      .flatMap((b) => (b.type !== 'ongoing' && b.start && b.end ? [{ start: b.start, end: b.end }] : []))
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const slots: Omit<Slot, 'comment'>[] = [];
    let cursor = entry.start;
    for (const b of breaks) {
      slots.push({ type: 'WORK', start: local(cursor), end: local(b.start) }, { type: 'BREAK', start: local(b.start), end: local(b.end) });
      cursor = b.end;
    }
    slots.push({ type: 'WORK', start: local(cursor), end: local(entry.end!) });
    return slots;
  };
  const withoutComments = (slots: Slot[]) => slots.map(({ comment: _c, ...rest }) => rest);

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 7, tenants: 1, employees: 5, days: 7 }));
    tenantId = fx.seed.tenants[0]!.id;
    await fx.start(tenantId);
    status = await fx.waitForCycles(tenantId, 1, 60_000);
    timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    categoryOf = new Map(timr.workingTimeTypes.map((t) => [t.id, t.category]));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('holds, for every locked entry, exactly the periods transformEntry plans for it, on the matched person', async () => {
    const ctx = { config: status.settings.sync, typeCategories: typeCategories(timr.workingTimeTypes) };
    const locked = timr.workingTimes.filter((e) => e.status === 'locked');
    expect(locked.length).toBeGreaterThan(15);
    for (const entry of locked) {
      const planned = transformEntry(entry, ctx);
      if (planned.kind !== 'periods') throw new Error(`locked entry ${entry.id} is not transferable: ${planned.kind}`);
      expect(periodsOf(entry), `entry ${entry.id} of ${entry.user.email} at ${entry.start}`).toEqual(
        planned.periods.map((p) => ({ type: p.type, start: p.start, end: p.end, comment: p.comment })),
      );
      // The person is the one whose e-mail matches the timr user's (case and blanks aside).
      const person = personio.persons.find((p) => p.id === syncMetadataOf(entry)!.personId)!;
      expect(person.email?.trim().toLowerCase()).toBe(entry.user.email?.trim().toLowerCase());
    }
    const audit = await fx.audit([tenantId]);
    expect(audit).toMatchObject({ lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0 });
    expect(audit.entriesTransferred + audit.quarantined).toBe(audit.entriesEligible);
    expect(audit.periodsInPersonio).toBe(locked.reduce((n, e) => n + syncMetadataOf(e)!.periodIds.length, 0));
  });

  it('books Zeitausgleich (by the minute and by the day) as one zero-length WORK period on its day and nothing else', () => {
    const za = timr.workingTimes.filter((e) => categoryOf.get(e.working_time_type.id) === 'unpaid_time_off');
    const byDay = single('day-based Zeitausgleich', za.filter((e) => e.duration?.type === 'full_day'));
    const byMinute = single('minute-based Zeitausgleich', za.filter((e) => e.duration?.type === 'minutes'));
    for (const entry of [byDay, byMinute]) {
      expect(entry.status).toBe('locked');
      const start = local(entry.start);
      expect(periodsOf(entry)).toEqual([{ type: 'WORK', start, end: start, comment: 'Zeitausgleich' }]);
      // No other period of that person lies inside the time off.
      const personId = syncMetadataOf(entry)!.personId;
      const end = local(entry.end ?? entry.start);
      const inside = personio.attendancePeriods.filter(
        (p) => p.person.id === personId && p.start.date_time < (end > start ? end : `${dateOf(start)}T23:59:59`) && (p.end?.date_time ?? '') > start,
      );
      expect(inside, `periods of ${personId} inside the Zeitausgleich of ${dateOf(start)}`).toEqual([]);
    }
    expect(local(byDay.start)).toBe(`${dateOf(local(byDay.start))}T00:00:00`);
    expect(local(byMinute.start)).toBe(`${dateOf(local(byMinute.start))}T13:00:00`);
  });

  it('writes the DST-day entry in the local times of that day and splits night shifts at local midnight', () => {
    const dstDate = '2026-10-25';
    const dstDay = single(
      'finished attendance within the DST day',
      transferredAttendances().filter((e) => dateOf(local(e.start)) === dstDate && dateOf(local(e.end!)) === dstDate),
    );
    expect(withoutComments(periodsOf(dstDay))).toEqual([
      { type: 'WORK', start: `${dstDate}T08:00:00`, end: `${dstDate}T11:30:00` },
      { type: 'BREAK', start: `${dstDate}T11:30:00`, end: `${dstDate}T12:00:00` },
      { type: 'WORK', start: `${dstDate}T12:00:00`, end: `${dstDate}T14:30:00` },
    ]);

    const overnight = transferredAttendances().filter((e) => dateOf(local(e.start)) !== dateOf(local(e.end!)));
    expect(overnight).toHaveLength(2);
    for (const entry of overnight) {
      const day1 = dateOf(local(entry.start));
      const day2 = dateOf(local(entry.end!));
      const slots = periodsOf(entry);
      // The first part ends at midnight, the rest lies on the second date.
      expect(slots[0]).toMatchObject({ type: 'WORK', start: `${day1}T22:00:00`, end: `${day2}T00:00:00` });
      expect(slots.slice(1).every((s) => dateOf(s.start) === day2 && dateOf(s.end!) === day2)).toBe(true);
      expect(slots[1]!.start).toBe(`${day2}T00:00:00`);
      // Personio ends the shift its real length after its local start (sync.dst preserve-duration,
      // the default): 06:00 on the clock, 07:00 across the fall-back (issue 7 changed this rule).
      const realMinutes = (Date.parse(entry.end!) - Date.parse(entry.start)) / 60_000;
      expect(minutesBetween(slots[0]!.start, slots.at(-1)!.end!)).toBe(realMinutes);
      expect(slots.at(-1)!.end).toBe(entry.start.slice(-6) === entry.end!.slice(-6) ? `${day2}T06:00:00` : `${day2}T07:00:00`);
      const brk = entry.break_times[0]!;
      if (brk.type === 'ongoing' || !brk.start || !brk.end) throw new Error(`night shift ${entry.id} should have a positioned break`);
      expect(slots.filter((s) => s.type === 'BREAK')).toEqual([{ type: 'BREAK', start: local(brk.start), end: local(brk.end), comment: undefined }]);
    }
    // Across the fall-back Personio books the 9 h worked (was: the wall clock's 8 h, with a warning).
    const acrossDst = single('night shift across the DST change', overnight.filter((e) => e.start.slice(-6) !== e.end!.slice(-6)));
    expect((Date.parse(acrossDst.end!) - Date.parse(acrossDst.start)) / 3_600_000).toBe(9);
    const slots = periodsOf(acrossDst);
    expect(minutesBetween(slots[0]!.start, slots.at(-1)!.end!)).toBe(9 * 60);
    const workMinutes = slots.filter((s) => s.type === 'WORK').reduce((n, s) => n + minutesBetween(s.start, s.end!), 0);
    expect(workMinutes).toBe(acrossDst.duration!.minutes);
  });

  it('tiles every kind of break as WORK/BREAK/WORK', () => {
    const entries = transferredAttendances().filter((e) => dateOf(local(e.start)) === dateOf(local(e.end!)));
    const positioned = entries.filter((e) => e.break_times.length === 1 && e.break_times[0]!.type === 'manual' && e.break_times[0]!.start);
    const automatic = entries.filter((e) => e.break_times.length === 1 && e.break_times[0]!.type === 'automatic');
    const unpositioned = entries.filter((e) => e.break_times.length === 1 && e.break_times[0]!.type === 'manual' && !e.break_times[0]!.start);
    expect(positioned.length).toBeGreaterThan(3);
    expect(automatic.length).toBeGreaterThan(1);
    expect(unpositioned.length).toBeGreaterThan(1);

    for (const entry of [...positioned, ...automatic]) {
      expect(withoutComments(periodsOf(entry)), `entry ${entry.id} at ${entry.start}`).toEqual(positionedTiling(entry));
    }
    for (const entry of unpositioned) {
      // Placed centred on the entry's midpoint (the configured default, "middle").
      const minutes = entry.break_times[0]!.type === 'manual' ? entry.break_times[0]!.duration_minutes : 0;
      const mid = (Date.parse(entry.start) + Date.parse(entry.end!)) / 2;
      const from = local(mid - (minutes / 2) * 60_000);
      const to = local(mid + (minutes / 2) * 60_000);
      expect(withoutComments(periodsOf(entry)), `entry ${entry.id} at ${entry.start}`).toEqual([
        { type: 'WORK', start: local(entry.start), end: from },
        { type: 'BREAK', start: from, end: to },
        { type: 'WORK', start: to, end: local(entry.end!) },
      ]);
    }

    const several = single('entry with several breaks', entries.filter((e) => e.break_times.length >= 2));
    const slots = periodsOf(several);
    expect(slots.map((s) => s.type)).toEqual(slots.map((_, i) => (i % 2 === 0 ? 'WORK' : 'BREAK')));
    expect(slots.at(-1)!.type).toBe('WORK');
    expect(slots[0]!.start).toBe(local(several.start));
    expect(slots.at(-1)!.end).toBe(local(several.end!));
    for (let i = 1; i < slots.length; i++) expect(slots[i]!.start).toBe(slots[i - 1]!.end);
    const breakMinutes = slots.filter((s) => s.type === 'BREAK').reduce((n, s) => n + minutesBetween(s.start, s.end!), 0);
    expect(breakMinutes).toBe(several.break_time_total_minutes);
    for (const b of several.break_times) {
      if (b.type === 'ongoing' || !b.start || !b.end) continue;
      const [from, to] = [local(b.start), local(b.end)];
      expect(slots.some((s) => s.type === 'BREAK' && s.start <= from && s.end! >= to), `break ${from}–${to} covered`).toBe(true);
    }
  });

  it('carries notes with umlauts and emoji byte for byte, and cuts a very long note with "…"', () => {
    const unicode = single('entry with the unicode note', timr.workingTimes.filter((e) => e.notes === 'Übergabe an Jürgen ✅ 🚀'));
    const slots = periodsOf(unicode);
    expect(slots.filter((s) => s.type === 'WORK').map((s) => s.comment)).toEqual(['Übergabe an Jürgen ✅ 🚀', 'Übergabe an Jürgen ✅ 🚀']);
    expect(slots.filter((s) => s.type === 'BREAK').map((s) => s.comment)).toEqual([undefined]);

    const maxLength = status.settings.sync.commentMaxLength;
    const long = single('entry with a note over the limit', timr.workingTimes.filter((e) => (e.notes?.length ?? 0) > maxLength));
    const comments = periodsOf(long).flatMap((s) => (s.type === 'WORK' ? [s.comment!] : []));
    expect(comments.length).toBeGreaterThan(1);
    for (const comment of comments) {
      expect(Array.from(comment).length).toBeLessThanOrEqual(maxLength);
      expect(Array.from(comment).length).toBeGreaterThan(maxLength - 10);
      expect(comment.endsWith('…')).toBe(true);
      expect(long.notes!.startsWith(comment.slice(0, -1))).toBe(true);
    }
  });

  it('leaves running, paused and absence entries untransferred and changeable in timr', () => {
    const waiting = timr.workingTimes.filter((e) => e.status === 'running' || e.status === 'paused');
    const absences = timr.workingTimes.filter((e) => ['vacation', 'paid_time_off'].includes(categoryOf.get(e.working_time_type.id) ?? ''));
    expect(waiting.map((e) => e.status).sort()).toEqual(['paused', 'running']);
    expect(absences).toHaveLength(2);
    for (const entry of absences) expect(entry.status).toBe('changeable');
    for (const entry of [...waiting, ...absences]) {
      expect(syncMetadataOf(entry), `entry ${entry.id} must carry no transfer record`).toBeUndefined();
      const person = personio.persons.find((p) => p.email?.trim().toLowerCase() === entry.user.email?.trim().toLowerCase());
      expect(person, `Personio person of ${entry.user.email}`).toBeDefined();
      const from = local(entry.start);
      const to = entry.end && entry.end !== entry.start ? local(entry.end) : `${dateOf(from)}T23:59:59`;
      const overlapping = personio.attendancePeriods.filter((p) => p.person.id === person!.id && p.start.date_time < to && (p.end?.date_time ?? '9999') > from);
      expect(overlapping, `Personio periods during the ${entry.status} ${entry.working_time_type.name} entry ${entry.id}`).toEqual([]);
    }
  });

  it('transfers the running and the paused entry on the next cycle once they are finished', async () => {
    const running = single('running entry', timr.workingTimes.filter((e) => e.status === 'running'));
    const paused = single('paused entry', timr.workingTimes.filter((e) => e.status === 'paused'));
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const endOf = (e: WorkingTime) => iso(Date.parse(e.start) + 8 * 3_600_000);
    await fx.control.editWorkingTime(tenantId, running.id, { status: 'changeable', end: endOf(running) });
    // The paused employee comes back from the ongoing break after 30 minutes and works on.
    const ongoing = paused.break_times.find((b) => b.type === 'ongoing')!;
    const breaks = paused.break_times.map((b) =>
      b.type === 'ongoing' ? { type: 'manual' as const, start: b.start, end: iso(Date.parse(ongoing.start) + 30 * 60_000) } : { type: b.type, start: b.start, end: b.end },
    );
    await fx.control.editWorkingTime(tenantId, paused.id, { status: 'changeable', end: endOf(paused), break_times: breaks });

    const summary = await syncTenantNow(fx.env.client, tenantId);
    expect(summary?.counts).toMatchObject({ transferred: 2, failed: 0 });
    timr = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
    personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    for (const id of [running.id, paused.id]) {
      const entry = timr.workingTimes.find((e) => e.id === id)!;
      expect(entry.status).toBe('locked');
      expect(withoutComments(periodsOf(entry))).toEqual(positionedTiling(entry));
    }
    expect(positionedTiling(timr.workingTimes.find((e) => e.id === paused.id)!).filter((p) => p.type === 'BREAK')).toHaveLength(2);
    const audit = await fx.audit([tenantId]);
    expect(audit).toMatchObject({ lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0 });
  });
});
