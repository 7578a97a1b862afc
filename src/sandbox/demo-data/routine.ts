/**
 * An ordinary day of one employee: mostly a single attendance on workdays with a lunch break,
 * sometimes a day split between office and home office, the odd weekend shift, vacation or
 * sick day. Every recording stays within its local day, so routine days never overlap.
 */
import type { WorkingTime } from '../../clients/timr/schemas.js';
import { hm, type CalendarDay } from './calendar.js';
import { NOTES } from './names.js';
import type { Prng } from './prng.js';
import { recordFullDay, recordTime, type LocalBreak, type TenantContext } from './recordings.js';
import type { Employee } from './staff.js';

/** Clock-in times typed by hand land on five minutes; app or terminal stamps do not. */
function clockTime(rng: Prng, earliest: number, latest: number): number {
  const t = rng.int(earliest, latest);
  return rng.chance(0.5) ? t - (t % 5) : t;
}

function maybeNote(rng: Prng): string | null {
  return rng.chance(0.25) ? rng.pick(NOTES) : null;
}

/** A lunch break inside a workday of `length` minutes starting at `from` (length ≥ 7 h). */
function lunchBreak(rng: Prng, from: number, length: number): LocalBreak {
  const roll = rng.next();
  if (roll < 0.55) {
    const minutes = rng.pick([30, 30, 30, 45, 60]);
    const start = from + Math.floor(length / 2) + rng.int(-60, 30);
    const aligned = start - (start % 5);
    return { kind: 'manual', from: aligned, to: aligned + minutes };
  }
  if (roll < 0.75) return { kind: 'manual-unpositioned', minutes: rng.pick([30, 45]) };
  const start = from + 6 * 60;
  return { kind: 'automatic', from: start, to: start + 30 };
}

export function routineDay(ctx: TenantContext, rng: Prng, employee: Employee, day: CalendarDay): WorkingTime[] {
  if (day.weekend) {
    if (!rng.chance(0.04)) return [];
    const from = clockTime(rng, hm(8), hm(10));
    return [recordTime(ctx, rng, employee, { type: ctx.types.work, day, from, to: from + rng.int(180, 330), notes: maybeNote(rng) })];
  }

  const roll = rng.next();
  if (roll < 0.015) return [recordFullDay(ctx, rng, employee, ctx.types.vacation, day)];
  if (roll < 0.025) return [recordFullDay(ctx, rng, employee, ctx.types.sickness, day)];
  // Part-timers' free days and days nobody recorded.
  if (roll < 0.06) return [];

  if (roll < 0.12) {
    const morningFrom = clockTime(rng, hm(6, 45), hm(8));
    const morningTo = clockTime(rng, hm(11), hm(12));
    const afternoonFrom = morningTo + rng.int(30, 75);
    const afternoonTo = afternoonFrom + rng.int(150, 270);
    return [
      recordTime(ctx, rng, employee, { type: ctx.types.work, day, from: morningFrom, to: morningTo, notes: maybeNote(rng) }),
      recordTime(ctx, rng, employee, { type: ctx.types.homeOffice, day, from: afternoonFrom, to: afternoonTo, notes: null }),
    ];
  }

  const from = clockTime(rng, hm(6, 30), hm(9));
  const length = rng.int(7 * 60, 10 * 60);
  return [
    recordTime(ctx, rng, employee, {
      type: rng.chance(0.2) ? ctx.types.homeOffice : ctx.types.work,
      day,
      from,
      to: from + length,
      breaks: [lunchBreak(rng, from, length)],
      notes: maybeNote(rng),
      changed: rng.chance(0.04),
    }),
  ];
}
