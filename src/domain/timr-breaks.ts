/**
 * Reads a timr entry's break list into what the tiling needs: positioned breaks (where they
 * start, and as long as timr counts them) and durations without a position.
 *
 * timr's own total (`break_time_total_minutes`) is what it deducts from the entry's duration,
 * so the break minutes handed on add up to exactly that total: each listed break with its
 * `duration_minutes` (overlapping breaks count in full, as timr counts them), and whatever the
 * total has beyond the list as one more break without a position. A total smaller than the
 * list cannot be mapped onto the listed breaks and is refused with both figures.
 */
import type { BreakTime, WorkingTime } from '../clients/timr/schemas.js';
import { MINUTE_MS, parseInstant, toLocalDateTime, wholeSecond } from './time-zone.js';
import type { Interval } from './break-tiling.js';

export interface InterpretedBreaks {
  /** Each as long as timr counts it (`duration_minutes`); may overlap one another. */
  positioned: Interval[];
  /** Milliseconds each; includes the part of `break_time_total_minutes` no listed break explains. */
  durationOnly: number[];
}

export type BreakReading =
  | { ok: true; breaks: InterpretedBreaks; warnings: string[] }
  | { ok: false; problem: string };

const clock = (instant: number, zone: string) => toLocalDateTime(instant, zone).slice(11, 16);

export function readBreaks(entry: WorkingTime, entryStart: number, entryEnd: number, zone: string): BreakReading {
  const positioned: Interval[] = [];
  const durationOnly: number[] = [];
  const warnings: string[] = [];
  let listedMinutes = 0;

  for (const [index, brk] of entry.break_times.entries()) {
    const name = `break #${index + 1}`;
    if (brk.type === 'ongoing') {
      return { ok: false, problem: `${name} is still running although the entry has ended; end the break in timr` };
    }
    listedMinutes += brk.duration_minutes;
    const span = positionOf(brk);
    if (span === 'unreadable') return { ok: false, problem: `${name} has an unreadable start or end; correct it in timr` };
    if (span === null) {
      if (brk.duration_minutes > 0) durationOnly.push(brk.duration_minutes * MINUTE_MS);
      continue;
    }
    if (span.end < span.start) {
      return { ok: false, problem: `${name} ends (${clock(span.end, zone)}) before it starts (${clock(span.start, zone)}); correct it in timr` };
    }
    if (span.end === span.start && brk.duration_minutes === 0) continue;
    const spanMinutes = (span.end - span.start) / MINUTE_MS;
    if (brk.start && brk.end && Math.abs(spanMinutes - brk.duration_minutes) >= 1) {
      warnings.push(
        `${name}: duration_minutes is ${brk.duration_minutes} but start/end span ${Math.round(spanMinutes)} min; booked ${brk.duration_minutes} min from its start, as timr counts it`,
      );
    }
    // Where timr's count of it lies: from its start (or back from its end when only that is known).
    const booked = { start: span.start, end: span.start + brk.duration_minutes * MINUTE_MS };
    if (booked.end <= entryStart || booked.start >= entryEnd) {
      return {
        ok: false,
        problem: `${name} (${clock(span.start, zone)}–${clock(span.end, zone)}) lies outside the entry; move it into the entry's time or delete it in timr`,
      };
    }
    if (booked.start < entryStart || booked.end > entryEnd) {
      warnings.push(`${name} (${clock(span.start, zone)}–${clock(span.end, zone)}) reaches outside the entry; it was booked inside the entry with the ${brk.duration_minutes} min timr counts`);
    }
    if (booked.end > booked.start) positioned.push(booked);
  }

  const unexplainedMinutes = entry.break_time_total_minutes - listedMinutes;
  if (unexplainedMinutes < 0) {
    return {
      ok: false,
      problem:
        `timr counts ${entry.break_time_total_minutes} min of breaks (break_time_total_minutes) but its breaks add up to ${listedMinutes} min, ` +
        'so it is unclear which break timr did not count; correct the breaks in timr',
    };
  }
  if (unexplainedMinutes > 0) durationOnly.push(unexplainedMinutes * MINUTE_MS);
  return { ok: true, breaks: { positioned, durationOnly }, warnings };
}

/** A start or an end plus the duration is as good as both. */
function positionOf(brk: Exclude<BreakTime, { type: 'ongoing' }>): Interval | null | 'unreadable' {
  const duration = brk.duration_minutes * MINUTE_MS;
  try {
    const start = brk.start ? wholeSecond(parseInstant(brk.start)) : null;
    const end = brk.end ? wholeSecond(parseInstant(brk.end)) : null;
    if (start !== null && end !== null) return { start, end };
    if (start !== null) return { start, end: start + duration };
    if (end !== null) return { start: end - duration, end };
    return null;
  } catch {
    return 'unreadable';
  }
}
