import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeIntervals, stackBreaks, tileEntry, type Interval, type TiledPeriod } from '../../src/domain/break-tiling.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-20T07:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;
const show = (periods: TiledPeriod[]) => periods.map((p) => `${p.type} ${(p.start - T0) / MIN}-${(p.end - T0) / MIN}`);

describe('tileEntry', () => {
  it('places several duration-only breaks as one block at the middle', () => {
    const result = tileEntry({ start: at(0), end: at(60) }, { positioned: [], durationOnly: [30 * MIN, 20 * MIN] }, 'middle');
    expect(result.ok && show(result.periods)).toEqual(['WORK 0-5', 'BREAK 5-55', 'WORK 55-60']);
  });

  it('falls back to one-by-one placement when the block fits in no gap', () => {
    // Gaps 0–50 and 70–120; a 60-minute block fits in neither, 40 + 20 do.
    const result = tileEntry({ start: at(0), end: at(120) }, { positioned: [{ start: at(50), end: at(70) }], durationOnly: [40 * MIN, 20 * MIN] }, 'middle');
    expect(result.ok && show(result.periods)).toEqual(['WORK 0-10', 'BREAK 10-90', 'WORK 90-120']);
  });

  it('puts breaks at the earliest free time with placement "start"', () => {
    const result = tileEntry({ start: at(0), end: at(120) }, { positioned: [{ start: at(0), end: at(10) }], durationOnly: [15 * MIN] }, 'start');
    expect(result.ok && show(result.periods)).toEqual(['BREAK 0-25', 'WORK 25-120']);
  });

  it('a break as long as the entry leaves only a BREAK', () => {
    const result = tileEntry({ start: at(0), end: at(30) }, { positioned: [], durationOnly: [30 * MIN] }, 'middle');
    expect(result.ok && show(result.periods)).toEqual(['BREAK 0-30']);
  });

  it('stacks overlapping breaks into one block as long as all of them (timr deducts each in full)', () => {
    const result = tileEntry({ start: at(0), end: at(480) }, { positioned: [{ start: at(240), end: at(270) }, { start: at(255), end: at(285) }], durationOnly: [] }, 'middle');
    expect(result.ok && show(result.periods)).toEqual(['WORK 0-240', 'BREAK 240-300', 'WORK 300-480']);
  });

  it('moves a block that would run past the end back, joining the block it meets', () => {
    const entry = { start: at(0), end: at(100) };
    expect(stackBreaks(entry, [{ start: at(50), end: at(70) }, { start: at(85), end: at(100) }, { start: at(90), end: at(100) }])).toEqual({
      ok: true,
      // 85–110 (25 min) runs past the end: moved back to 75–100, still clear of 50–70.
      blocks: [
        { start: at(50), end: at(70) },
        { start: at(75), end: at(100) },
      ],
    });
    // 85–112 moves back to 73–100, meets 60–80, and the joined 47 minutes end at 100.
    expect(stackBreaks(entry, [{ start: at(60), end: at(80) }, { start: at(85), end: at(100) }, { start: at(88), end: at(100) }])).toEqual({
      ok: true,
      blocks: [{ start: at(53), end: at(100) }],
    });
    expect(stackBreaks(entry, [{ start: at(0), end: at(60) }, { start: at(10), end: at(60) }])).toMatchObject({ ok: false, problem: expect.stringMatching(/add up to 110 min but the entry lasts only 100 min/) });
  });

  it('merges overlapping and touching intervals', () => {
    expect(mergeIntervals([{ start: 5, end: 7 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 6, end: 9 }])).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 9 },
    ]);
  });
});

/** Disjoint intervals inside [0, length) minutes, from sorted distinct cut points paired up. */
const disjointBreaks = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 6 }).map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const breaks: Interval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) breaks.push({ start: at(sorted[i] as number), end: at(sorted[i + 1] as number) });
    return breaks;
  });

const scenario = fc
  .integer({ min: 1, max: 20 * 60 })
  .chain((length) =>
    fc.record({
      length: fc.constant(length),
      positioned: disjointBreaks(length),
      durationOnly: fc.array(fc.integer({ min: 1, max: 180 }).map((m) => m * MIN), { maxLength: 3 }),
      placement: fc.constantFrom('middle' as const, 'start' as const),
    }),
  );

describe('tileEntry properties', () => {
  it('covers the entry exactly, alternates WORK/BREAK, and books every break minute when they fit', () => {
    fc.assert(
      fc.property(scenario, ({ length, positioned, durationOnly, placement }) => {
        const entry = { start: at(0), end: at(length) };
        const result = tileEntry(entry, { positioned, durationOnly }, placement);
        const positionedMs = positioned.reduce((s, b) => s + b.end - b.start, 0);
        const unpositionedMs = durationOnly.reduce((s, d) => s + d, 0);
        const gaps = freeGaps(entry, positioned);
        const blockFits = gaps.some((g) => g.end - g.start >= unpositionedMs);

        if (!result.ok) {
          // Refusing is only allowed when the breaks really cannot all be placed as one block.
          expect(blockFits).toBe(false);
          return;
        }
        const periods = result.periods;
        expect(periods[0]?.start).toBe(entry.start);
        expect(periods[periods.length - 1]?.end).toBe(entry.end);
        for (const [i, p] of periods.entries()) {
          expect(p.end).toBeGreaterThan(p.start);
          const next = periods[i + 1];
          if (next) {
            expect(next.start).toBe(p.end);
            expect(next.type).not.toBe(p.type);
          }
        }
        const breakMs = periods.filter((p) => p.type === 'BREAK').reduce((s, p) => s + p.end - p.start, 0);
        expect(breakMs).toBe(positionedMs + unpositionedMs);
        // Without positioned breaks, "middle" centres the break block on the entry's midpoint.
        if (placement === 'middle' && positioned.length === 0 && unpositionedMs > 0) {
          const brk = periods.find((p) => p.type === 'BREAK') ?? { start: NaN, end: NaN };
          expect(Math.abs((brk.start + brk.end) / 2 - (entry.start + entry.end) / 2)).toBeLessThanOrEqual(1000);
        }
        // Positioned breaks stay where they were.
        for (const b of positioned) {
          if (b.end > b.start) expect(periods.some((p) => p.type === 'BREAK' && p.start <= b.start && p.end >= b.end)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stackBreaks properties', () => {
  it('books exactly the breaks\' own minutes, inside the entry, in disjoint blocks, or refuses when they exceed the entry', () => {
    const overlapping = fc.integer({ min: 1, max: 16 * 60 }).chain((length) =>
      fc.record({
        length: fc.constant(length),
        breaks: fc.array(
          fc.record({ at: fc.integer({ min: 0, max: length - 1 }), minutes: fc.integer({ min: 1, max: 120 }) }).map((b) => ({ start: at(b.at), end: at(b.at + Math.min(b.minutes, length - b.at)) })),
          { maxLength: 6 },
        ),
      }),
    );
    fc.assert(
      fc.property(overlapping, ({ length, breaks }) => {
        const entry = { start: at(0), end: at(length) };
        const own = breaks.reduce((s, b) => s + b.end - b.start, 0);
        const result = stackBreaks(entry, breaks);
        if (!result.ok) {
          expect(own).toBeGreaterThan(length * MIN);
          return;
        }
        expect(result.blocks.reduce((s, b) => s + b.end - b.start, 0)).toBe(own);
        for (const [i, b] of result.blocks.entries()) {
          expect(b.start).toBeGreaterThanOrEqual(entry.start);
          expect(b.end).toBeLessThanOrEqual(entry.end);
          const next = result.blocks[i + 1];
          if (next) expect(next.start).toBeGreaterThan(b.end);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

function freeGaps(entry: Interval, taken: Interval[]): Interval[] {
  const gaps: Interval[] = [];
  let cursor = entry.start;
  for (const t of mergeIntervals(taken.filter((b) => b.end > b.start))) {
    if (t.start > cursor) gaps.push({ start: cursor, end: t.start });
    cursor = t.end;
  }
  if (entry.end > cursor) gaps.push({ start: cursor, end: entry.end });
  return gaps;
}
