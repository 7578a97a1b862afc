/**
 * The cases every demo tenant must contain at least once, each as the recordings of one
 * employee over one or two days. Listed most constrained first: the allocator places them in
 * this order, so fixed days (the DST change, the last day) are taken before flexible ones.
 */
import type { WorkingTime } from '../../clients/timr/schemas.js';
import { hm, type CalendarDay, type DemoCalendar } from './calendar.js';
import { NOTES, UNICODE_NOTE, longNote } from './names.js';
import type { Prng } from './prng.js';
import { recordFullDay, recordTime, type TenantContext } from './recordings.js';
import type { DemoStaff, Employee } from './staff.js';

export interface ScenarioDefinition {
  id: string;
  /** Consecutive days the scenario occupies for its employee, starting at the chosen day. */
  span: number;
  /** Days the scenario may start on, best first; empty when the range cannot host it. */
  candidateDays(calendar: DemoCalendar, rng: Prng): number[];
  /** Restricts the scenario to one employee. */
  employee?(staff: DemoStaff): number;
  build(ctx: TenantContext, rng: Prng, employee: Employee, day: CalendarDay): WorkingTime[];
}

/** Shuffled weekdays that pass `ok`, then shuffled weekend days that pass it. */
function weekdaysFirst(calendar: DemoCalendar, rng: Prng, ok: (day: CalendarDay) => boolean = () => true): number[] {
  const fits = calendar.days.filter(ok);
  const weekdays = rng.shuffled(fits.filter((d) => !d.weekend).map((d) => d.index));
  const weekends = rng.shuffled(fits.filter((d) => d.weekend).map((d) => d.index));
  return [...weekdays, ...weekends];
}

const lastDay = (calendar: DemoCalendar): number[] => [calendar.days.length - 1];

/** A night shift from `day` into the next day must not cross an offset change (that is its own case). */
function calmNight(calendar: DemoCalendar, day: CalendarDay): boolean {
  const next = calendar.days[day.index + 1];
  return next !== undefined && !day.offsetChanges && !next.offsetChanges;
}

export const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    id: 'dst-night-shift',
    span: 2,
    candidateDays: ({ offsetChangeIndex }) => (offsetChangeIndex !== null && offsetChangeIndex > 0 ? [offsetChangeIndex - 1] : []),
    // 22:00 to 06:00 across the change: 9 real hours in autumn, 7 in spring. The break sits
    // before 02:00 so it never straddles the repeated or skipped hour.
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(22),
        to: hm(30),
        breaks: [{ kind: 'manual', from: hm(24, 30), to: hm(25) }],
        notes: 'Nachtschicht über die Zeitumstellung',
      }),
    ],
  },
  {
    id: 'dst-day',
    span: 1,
    candidateDays: ({ offsetChangeIndex }) => (offsetChangeIndex !== null ? [offsetChangeIndex] : []),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(8),
        to: hm(14, 30),
        breaks: [{ kind: 'manual', from: hm(11, 30), to: hm(12) }],
        notes: 'Sonntagsdienst am Tag der Zeitumstellung',
      }),
    ],
  },
  {
    id: 'running',
    span: 1,
    candidateDays: lastDay,
    build: (ctx, rng, employee, day) => {
      const from = hm(7, 30) + rng.int(0, 60);
      return [
        recordTime(ctx, rng, employee, {
          type: ctx.types.work,
          day,
          from,
          to: null,
          breaks: [{ kind: 'manual', from: from + 150, to: from + 165 }],
          status: 'running',
        }),
      ];
    },
  },
  {
    id: 'paused',
    span: 1,
    candidateDays: lastDay,
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.homeOffice,
        day,
        from: hm(8),
        to: null,
        breaks: [
          { kind: 'manual', from: hm(9, 45), to: hm(10) },
          { kind: 'ongoing', from: hm(12, 10) },
        ],
        status: 'paused',
      }),
    ],
  },
  {
    id: 'overnight-shift',
    span: 2,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng, (day) => calmNight(calendar, day)),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(22),
        to: hm(30),
        breaks: [{ kind: 'manual', from: hm(26), to: hm(26, 30) }],
        notes: 'Nachtschicht Wareneingang',
      }),
    ],
  },
  {
    id: 'unmatched-employee',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    employee: (staff) => staff.unmatchedIndex,
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(8),
        to: hm(16),
        breaks: [{ kind: 'manual', from: hm(12), to: hm(12, 30) }],
        notes: 'Erster Arbeitstag',
      }),
    ],
  },
  {
    id: 'weekend-work',
    span: 1,
    candidateDays: (calendar, rng) => rng.shuffled(calendar.days.filter((d) => d.weekend && !d.offsetChanges).map((d) => d.index)),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, { type: ctx.types.work, day, from: hm(9), to: hm(13, 30), notes: 'Wochenenddienst' }),
    ],
  },
  {
    id: 'foreign-offset-utc',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    // A laptop left on UTC: the instants are right, the offset is not the tenant's.
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.businessTrip,
        day,
        from: hm(6, 30),
        to: hm(15),
        breaks: [{ kind: 'manual', from: hm(11), to: hm(11, 30) }],
        device: { clock: ctx.clocks.get('UTC'), zulu: true },
        notes: 'Dienstreise – Laptop auf UTC',
      }),
    ],
  },
  {
    id: 'foreign-offset-travel',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.businessTrip,
        day,
        from: hm(8, 30),
        to: hm(17),
        breaks: [{ kind: 'automatic', from: hm(14, 30), to: hm(15) }],
        device: { clock: ctx.clocks.get('Europe/London') },
        notes: 'Kundenbesuch London',
      }),
    ],
  },
  {
    id: 'vacation',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [recordFullDay(ctx, rng, employee, ctx.types.vacation, day)],
  },
  {
    id: 'sickness',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [recordFullDay(ctx, rng, employee, ctx.types.sickness, day)],
  },
  {
    id: 'zeitausgleich-full-day',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [recordFullDay(ctx, rng, employee, ctx.types.zeitausgleichDays, day)],
  },
  {
    id: 'zeitausgleich-minutes',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    // Half a day of work, then the afternoon off as Zeitausgleich.
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, { type: ctx.types.work, day, from: hm(7, 30), to: hm(12, 30), notes: null }),
      recordTime(ctx, rng, employee, { type: ctx.types.zeitausgleichMinutes, day, from: hm(13), to: hm(17), notes: null }),
    ],
  },
  {
    id: 'break-manual-positioned',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(8),
        to: hm(16, 30),
        breaks: [{ kind: 'manual', from: hm(12), to: hm(12, 30) }],
        notes: UNICODE_NOTE,
      }),
    ],
  },
  {
    id: 'break-manual-unpositioned',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.homeOffice,
        day,
        from: hm(7, 45),
        to: hm(16, 15),
        breaks: [{ kind: 'manual-unpositioned', minutes: 30 }],
        notes: null,
      }),
    ],
  },
  {
    id: 'break-automatic',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    // timr deducts the statutory break after six hours of work.
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(7),
        to: hm(15, 30),
        breaks: [{ kind: 'automatic', from: hm(13), to: hm(13, 30) }],
        notes: rng.pick(NOTES),
      }),
    ],
  },
  {
    id: 'breaks-several',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    build: (ctx, rng, employee, day) => [
      recordTime(ctx, rng, employee, {
        type: ctx.types.work,
        day,
        from: hm(7, 30),
        to: hm(18),
        breaks: [
          { kind: 'manual', from: hm(9, 30), to: hm(9, 45) },
          { kind: 'manual', from: hm(12, 15), to: hm(12, 45) },
          { kind: 'manual-unpositioned', minutes: 10 },
        ],
        notes: longNote(),
      }),
    ],
  },
  {
    id: 'zero-minutes',
    span: 1,
    candidateDays: (calendar, rng) => weekdaysFirst(calendar, rng),
    // Clocked in and straight out again on the terminal: an attendance of zero minutes, which
    // books nothing but must still show up (as "empty") rather than vanish.
    build: (ctx, rng, employee, day) => {
      const at = hm(6, 50) + rng.int(0, 20);
      return [recordTime(ctx, rng, employee, { type: ctx.types.work, day, from: at, to: at, notes: null })];
    },
  },
];
