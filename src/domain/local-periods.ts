/**
 * Instant periods of one entry → Personio local periods: split at local midnight, converted
 * to wall time in the tenant's zone.
 *
 * DST rule. Spring forward needs nothing: wall times only jump ahead. In the repeated hour
 * after a fall-back, truthful wall times can run backwards (a break from 02:40 summer time to
 * 02:10 winter time would end before it starts, and the work after it would overlap it). So
 * the boundaries are walked in order, and a boundary whose wall time is not after the
 * previous (possibly shifted) one is moved to that one plus the period's real duration: a
 * piece that would run backwards keeps its length and is pushed later, and so are the pieces
 * after it while they would still collide. The first piece whose true end is clear of the
 * shift absorbs it (it gets shorter by the overlap), and from there on wall times are true
 * again. Consequences, all visible in the `wallMs`/`realMs` the caller turns into a warning:
 * an entry spanning a fall-back either keeps its true local end and shows one hour less
 * than was worked, or, when its end itself falls inside the repeated hour behind an earlier
 * boundary, keeps every real duration and ends later than the true local end. An entry
 * spanning a spring-forward shows one hour more.
 */
import type { PeriodType } from '../clients/personio/schemas.js';
import type { TiledPeriod } from './break-tiling.js';
import { DAY_MS, formatWallTime, nextLocalMidnight, wallTime, type LocalDateTime } from './time-zone.js';

export interface LocalPeriod {
  type: PeriodType;
  start: LocalDateTime;
  end: LocalDateTime;
}

export type LocalPeriodsResult =
  | { ok: true; periods: LocalPeriod[]; /** Sum of wall-clock durations. */ wallMs: number; /** Real elapsed time. */ realMs: number }
  | { ok: false; problem: string };

/** Cuts every period at each local midnight it crosses. */
export function splitAtLocalMidnight(periods: readonly TiledPeriod[], zone: string): TiledPeriod[] {
  const parts: TiledPeriod[] = [];
  for (const period of periods) {
    let start = period.start;
    for (let cut = nextLocalMidnight(start, zone); cut < period.end; cut = nextLocalMidnight(cut, zone)) {
      parts.push({ type: period.type, start, end: cut });
      start = cut;
    }
    parts.push({ type: period.type, start, end: period.end });
  }
  return parts;
}

/** `periods` must be contiguous and in order, as the tiling produces them. */
export function toLocalPeriods(periods: readonly TiledPeriod[], zone: string): LocalPeriodsResult {
  const parts = splitAtLocalMidnight(periods, zone).filter((p) => p.end > p.start);
  const first = parts[0];
  if (!first) return { ok: true, periods: [], wallMs: 0, realMs: 0 };

  const walls: number[] = [wallTime(first.start, zone)];
  for (const [i, part] of parts.entries()) {
    const previous = walls[i] as number;
    const truthful = wallTime(part.end, zone);
    walls.push(truthful > previous ? truthful : previous + (part.end - part.start));
  }

  const result: LocalPeriod[] = [];
  for (const [i, part] of parts.entries()) {
    const start = walls[i] as number;
    const end = walls[i + 1] as number;
    if (!withinOneDay(start, end)) {
      return {
        ok: false,
        problem: `its time around a daylight-saving change in ${zone} cannot be written as local times within one day; enter it in Personio by hand and lock it in timr`,
      };
    }
    result.push({ type: part.type, start: formatWallTime(start), end: formatWallTime(end) });
  }
  const realMs = (parts[parts.length - 1] as TiledPeriod).end - first.start;
  return { ok: true, periods: result, wallMs: (walls[walls.length - 1] as number) - (walls[0] as number), realMs };
}

/** Same local date, or ending exactly at the following midnight. */
function withinOneDay(start: number, end: number): boolean {
  if (end <= start) return false;
  const dayStart = Math.floor(start / DAY_MS) * DAY_MS;
  return end <= dayStart + DAY_MS;
}
