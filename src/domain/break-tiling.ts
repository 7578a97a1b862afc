/**
 * Tiles one entry with WORK and BREAK periods, on instants (epoch ms, whole seconds).
 *
 * Rules:
 * - Positioned breaks are clipped to the entry and merged where they overlap or touch.
 * - Duration-only breaks have no position of their own, so they are placed as one block
 *   where it fits without touching the time already taken by breaks: `middle` as close to the
 *   entry's midpoint as possible (centred on it when free, otherwise right next to the
 *   nearest break), `start` at the earliest free spot. When the block fits in no single
 *   stretch of work time, the breaks are placed one by one (longest first) the same way; one
 *   that still fits nowhere makes the entry untransferable rather than being split or
 *   shortened silently.
 * - The result covers the entry exactly, alternating WORK/BREAK, without zero-length periods.
 */
import type { PeriodType } from '../clients/personio/schemas.js';
import type { UnpositionedBreakPlacement } from './tenant-config.js';

/** Half-open [start, end) in epoch ms. */
export interface Interval {
  start: number;
  end: number;
}

export interface TiledPeriod extends Interval {
  type: PeriodType;
}

export interface BreakLayout {
  positioned: readonly Interval[];
  durationOnly: readonly number[];
}

export type TilingResult = { ok: true; periods: TiledPeriod[] } | { ok: false; problem: string };

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export function tileEntry(entry: Interval, breaks: BreakLayout, placement: UnpositionedBreakPlacement): TilingResult {
  const length = entry.end - entry.start;
  let taken = mergeIntervals(
    breaks.positioned
      .map((b) => ({ start: Math.max(b.start, entry.start), end: Math.min(b.end, entry.end) }))
      .filter((b) => b.end > b.start),
  );

  const unpositioned = breaks.durationOnly.filter((d) => d > 0).sort((a, b) => b - a);
  const requested = sum(unpositioned) + sum(taken.map((b) => b.end - b.start));
  if (requested > length) {
    return { ok: false, problem: `its breaks add up to ${minutes(requested)} but the entry lasts only ${minutes(length)}; correct the breaks in timr` };
  }

  const block = unpositioned.length > 1 ? placeBreak(entry, complement(entry, taken), sum(unpositioned), placement) : null;
  if (block) {
    taken = mergeIntervals([...taken, block]);
  } else {
    for (const duration of unpositioned) {
      const spot = placeBreak(entry, complement(entry, taken), duration, placement);
      if (!spot) {
        return {
          ok: false,
          problem: `its break of ${minutes(duration)} without start/end does not fit between its other breaks; give the break a start and end in timr`,
        };
      }
      taken = mergeIntervals([...taken, spot]);
    }
  }

  const periods: TiledPeriod[] = [];
  let cursor = entry.start;
  for (const brk of taken) {
    if (brk.start > cursor) periods.push({ type: 'WORK', start: cursor, end: brk.start });
    periods.push({ type: 'BREAK', start: brk.start, end: brk.end });
    cursor = brk.end;
  }
  if (entry.end > cursor) periods.push({ type: 'WORK', start: cursor, end: entry.end });
  return { ok: true, periods };
}

function placeBreak(entry: Interval, free: Interval[], duration: number, placement: UnpositionedBreakPlacement): Interval | null {
  const fitting = free.filter((gap) => gap.end - gap.start >= duration);
  if (fitting.length === 0) return null;
  if (placement === 'start') {
    const first = fitting[0] as Interval;
    return { start: first.start, end: first.start + duration };
  }
  // Whole seconds, so the placed break starts on a second like everything else.
  const target = Math.floor((entry.start + entry.end) / 2000) * 1000;
  let best: { spot: Interval; distance: number } | null = null;
  for (const gap of fitting) {
    const start = clamp(target - Math.floor(duration / 2000) * 1000, gap.start, gap.end - duration);
    const distance = Math.abs(start + duration / 2 - target);
    if (!best || distance < best.distance) best = { spot: { start, end: start + duration }, distance };
  }
  return best?.spot ?? null;
}

/** Sorted union; touching intervals merge too, so a break never abuts another break. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.start <= last.end) last.end = Math.max(last.end, next.end);
    else merged.push({ ...next });
  }
  return merged;
}

/** The parts of `within` not covered by the sorted, disjoint `taken`. */
function complement(within: Interval, taken: readonly Interval[]): Interval[] {
  const free: Interval[] = [];
  let cursor = within.start;
  for (const t of taken) {
    if (t.start > cursor) free.push({ start: cursor, end: t.start });
    cursor = Math.max(cursor, t.end);
  }
  if (within.end > cursor) free.push({ start: cursor, end: within.end });
  return free;
}

const clamp = (value: number, lo: number, hi: number) => Math.min(Math.max(value, lo), hi);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
