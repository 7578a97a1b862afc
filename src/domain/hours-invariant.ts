/**
 * The hours invariant, in one place: for every entry it transfers, the WORK minutes Personio
 * books equal timr's own net duration for the entry — `duration.minutes`, 0 for Zeitausgleich —
 * under the tenant's DST rule (`preserve-duration`: exactly that; `wall-clock`: that plus the UTC
 * offset change within the entry, since the clock times are kept). The transform checks its own
 * output with `checkWorkMinutes` before anything is posted; an entry that cannot meet it is
 * refused with both figures and the fix, never booked with other hours.
 *
 * timr counts whole minutes and Personio holds seconds, so figures less than a minute apart are
 * equal (an entry from 08:00:30 to 16:00 is 479 minutes in timr and 479.5 in Personio).
 */
import type { WorkingTime } from '../clients/timr/schemas.js';
import type { PlannedPeriod } from './planned-period.js';
import type { DstRule } from './tenant-config.js';
import { MINUTE_MS } from './time-zone.js';

export type NetMinutes = { ok: true; minutes: number; /** Where the figure came from, for reasons. */ source: string } | { ok: false; problem: string };

/**
 * timr's net minutes for an attendance entry: `duration.minutes` when timr gives minutes; when it
 * gives no duration, timr's own arithmetic (whole minutes from start to end, less
 * `break_time_total_minutes`).
 */
export function timrNetMinutes(entry: WorkingTime, startMs: number, endMs: number): NetMinutes {
  const duration = entry.duration;
  if (duration === null) {
    return { ok: true, minutes: Math.floor((endMs - startMs) / MINUTE_MS) - entry.break_time_total_minutes, source: 'its times less break_time_total_minutes (timr gave no duration)' };
  }
  if (duration.type !== 'minutes') {
    return {
      ok: false,
      problem: `timr counts it as a ${duration.type.replace('_', ' ')} (${duration.minutes} min), not by its times, so its hours cannot be booked as attendance periods; record it with start and end in timr`,
    };
  }
  return { ok: true, minutes: duration.minutes, source: 'duration.minutes' };
}

/** What Personio must show as WORK for an entry timr counts `netMinutes` for, under the DST rule. */
export function expectedWorkMinutes(netMinutes: number, dst: DstRule, offsetChangeMs: number): number {
  return dst === 'preserve-duration' ? netMinutes : netMinutes + offsetChangeMs / MINUTE_MS;
}

/** WORK minutes the periods book, as Personio computes them from local times without offset. */
export function bookedWorkMinutes(periods: readonly PlannedPeriod[]): number {
  let ms = 0;
  for (const p of periods) if (p.type === 'WORK') ms += Date.parse(`${p.end}Z`) - Date.parse(`${p.start}Z`);
  return ms / MINUTE_MS;
}

export type HoursCheck = { ok: true; bookedMinutes: number } | { ok: false; bookedMinutes: number; expectedMinutes: number };

export function checkWorkMinutes(periods: readonly PlannedPeriod[], expectedMinutes: number): HoursCheck {
  const bookedMinutes = bookedWorkMinutes(periods);
  if (Math.abs(bookedMinutes - expectedMinutes) < 1) return { ok: true, bookedMinutes };
  return { ok: false, bookedMinutes, expectedMinutes };
}

/** "450 min", or "450.5 min" when seconds are involved. */
export function formatMinutes(minutes: number): string {
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
}
