/**
 * Tiles one entry with WORK and BREAK periods, on instants (epoch ms, whole seconds).
 *
 * Rules:
 * - Positioned breaks keep the length timr counts for them. Breaks that overlap or touch become
 *   one block from the earliest start, as long as all of them together (timr deducts each of two
 *   overlapping breaks in full, so their union would book more work than timr counts). A block
 *   that would start before the entry starts there; one that would run past its end is moved
 *   back (joining the block before it when they meet); breaks longer than the entry refuse it.
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
  const stacked = stackBreaks(entry, breaks.positioned);
  if (!stacked.ok) return stacked;
  let taken = stacked.blocks;

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

/**
 * Positioned breaks → disjoint, non-touching blocks inside the entry whose lengths add up to
 * the breaks' own lengths (see the module comment).
 */
export function stackBreaks(entry: Interval, positioned: readonly Interval[]): { ok: true; blocks: Interval[] } | { ok: false; problem: string } {
  const breaks = positioned
    .map((b) => ({ start: clamp(b.start, entry.start, entry.end), length: b.end - b.start }))
    .filter((b) => b.length > 0)
    .sort((a, b) => a.start - b.start);
  const blocks: { start: number; length: number }[] = [];
  for (const b of breaks) {
    const last = blocks[blocks.length - 1];
    if (last && b.start <= last.start + last.length) last.length += b.length;
    else blocks.push({ ...b });
  }
  // Every block but the last ends before the next one starts, inside the entry: only the last
  // can run past the end. Moved back, it may meet the block before it, and so on.
  for (let last = blocks[blocks.length - 1]; last && last.start + last.length > entry.end; last = blocks[blocks.length - 1]) {
    last.start = entry.end - last.length;
    const previous = blocks[blocks.length - 2];
    if (!previous || last.start > previous.start + previous.length) break;
    previous.length += last.length;
    blocks.pop();
  }
  const total = sum(blocks.map((b) => b.length));
  const first = blocks[0];
  if (first && first.start < entry.start) {
    return { ok: false, problem: `its breaks add up to ${minutes(total)} but the entry lasts only ${minutes(entry.end - entry.start)}; correct the breaks in timr` };
  }
  return { ok: true, blocks: blocks.map((b) => ({ start: b.start, end: b.start + b.length })) };
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
