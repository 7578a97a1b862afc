/**
 * Instant periods of one entry → Personio local periods: split at local midnight, converted
 * to wall time in the tenant's zone, by the tenant's DST rule (`sync.dst`).
 *
 * `preserve-duration` (default): the whole entry is written in the UTC offset its start had, so
 * Personio's local times differ by exactly the real time elapsed and book the hours worked.
 * Before a DST change nothing moves; every time after it is shifted by the change (an autumn
 * night shift 22:00–06:00 that lasted 9 h ends at 07:00 in Personio, a spring one 22:00–06:00
 * that lasted 7 h at 05:00). Days are cut at midnight of that offset, which is local midnight
 * in every zone whose clocks do not change at midnight. `shiftMs` says how far the end moved.
 *
 * `wall-clock`: the times as on the clock, the hours off by the change. Spring forward needs
 * nothing: wall times only jump ahead. In the repeated hour
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
import type { DstRule } from './tenant-config.js';
import { DAY_MS, formatWallTime, nextLocalMidnight, offsetAt, wallTime, type LocalDateTime } from './time-zone.js';

export interface LocalPeriod {
  type: PeriodType;
  start: LocalDateTime;
  end: LocalDateTime;
}

export type LocalPeriodsResult =
  | {
      ok: true;
      periods: LocalPeriod[];
      /** Sum of the written (Personio) durations. */
      wallMs: number;
      /** Real elapsed time. */
      realMs: number;
      /** The entry's end as the clock showed it. */
      clockEnd: LocalDateTime | null;
      /** How much later than the clock the written end is (preserve-duration across a change; 0 otherwise). */
      shiftMs: number;
    }
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
export function toLocalPeriods(periods: readonly TiledPeriod[], zone: string, dst: DstRule): LocalPeriodsResult {
  return dst === 'preserve-duration' ? inStartOffset(periods, zone) : onTheClock(periods, zone);
}

function inStartOffset(periods: readonly TiledPeriod[], zone: string): LocalPeriodsResult {
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (!first || !last) return { ok: true, periods: [], wallMs: 0, realMs: 0, clockEnd: null, shiftMs: 0 };
  const offset = offsetAt(first.start, zone);
  const result: LocalPeriod[] = [];
  for (const period of periods) {
    // A linear map: every written duration is the real one, and cuts fall on the map's midnights.
    let start = period.start + offset;
    const end = period.end + offset;
    for (let cut = (Math.floor(start / DAY_MS) + 1) * DAY_MS; cut < end; cut += DAY_MS) {
      result.push({ type: period.type, start: formatWallTime(start), end: formatWallTime(cut) });
      start = cut;
    }
    if (end > start) result.push({ type: period.type, start: formatWallTime(start), end: formatWallTime(end) });
  }
  const realMs = last.end - first.start;
  return { ok: true, periods: result, wallMs: realMs, realMs, clockEnd: formatWallTime(wallTime(last.end, zone)), shiftMs: offset - offsetAt(last.end, zone) };
}

function onTheClock(periods: readonly TiledPeriod[], zone: string): LocalPeriodsResult {
  const parts = splitAtLocalMidnight(periods, zone).filter((p) => p.end > p.start);
  const first = parts[0];
  if (!first) return { ok: true, periods: [], wallMs: 0, realMs: 0, clockEnd: null, shiftMs: 0 };

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
  const lastPart = parts[parts.length - 1] as TiledPeriod;
  const realMs = lastPart.end - first.start;
  const clockEnd = wallTime(lastPart.end, zone);
  return {
    ok: true,
    periods: result,
    wallMs: (walls[walls.length - 1] as number) - (walls[0] as number),
    realMs,
    clockEnd: formatWallTime(clockEnd),
    shiftMs: (walls[walls.length - 1] as number) - clockEnd,
  };
}

/** Same local date, or ending exactly at the following midnight. */
function withinOneDay(start: number, end: number): boolean {
  if (end <= start) return false;
  const dayStart = Math.floor(start / DAY_MS) * DAY_MS;
  return end <= dayStart + DAY_MS;
}
