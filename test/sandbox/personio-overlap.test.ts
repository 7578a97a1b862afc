/**
 * The overlap rule against an independent reference: two periods collide when their
 * "interiors" share an instant, where a positive period's interior is the open interval
 * (start, end) and a zero-length or open period's interior is its start instant alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodsOverlap, type Span } from '../../src/sandbox/personio/overlap.js';

const BASE = Date.UTC(2026, 10, 20);
const local = (minute: number) => new Date(BASE + minute * 60_000).toISOString().slice(0, 19);

/** Minutes on one day; small range so collisions and touching ends are frequent. */
const span = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 12 }), fc.boolean())
  .map(([start, length, open]) => ({ start, end: open ? null : start + length }));

function toSpan(s: { start: number; end: number | null }): Span {
  return { start: local(s.start), end: s.end === null ? null : local(s.end) };
}

/** Interiors sampled on a half-minute grid: fine enough because all ends are whole minutes. */
function referenceOverlap(a: { start: number; end: number | null }, b: { start: number; end: number | null }): boolean {
  const inInterior = (s: { start: number; end: number | null }, t: number) => {
    const end = s.end ?? s.start;
    return end === s.start ? t === s.start : s.start < t && t < end;
  };
  for (let t = 0; t <= 2 * 60; t++) if (inInterior(a, t / 2) && inInterior(b, t / 2)) return true;
  return false;
}

describe('periodsOverlap', () => {
  it('agrees with the interior-intersection reference', () => {
    fc.assert(
      fc.property(span, span, (a, b) => {
        expect(periodsOverlap(toSpan(a), toSpan(b))).toBe(referenceOverlap(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('is symmetric', () => {
    fc.assert(fc.property(span, span, (a, b) => periodsOverlap(toSpan(a), toSpan(b)) === periodsOverlap(toSpan(b), toSpan(a))));
  });

  it('never reports periods that only touch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), (start, len1, len2) => {
        const first = toSpan({ start, end: start + len1 });
        const second = toSpan({ start: start + len1, end: start + len1 + len2 });
        return !periodsOverlap(first, second) && !periodsOverlap(second, first);
      }),
    );
  });

  it('compares across midnight and months by the full local date-time', () => {
    expect(periodsOverlap({ start: '2026-11-30T22:00:00', end: '2026-12-01T02:00:00' }, { start: '2026-12-01T01:00:00', end: '2026-12-01T01:00:00' })).toBe(true);
    expect(periodsOverlap({ start: '2026-11-30T22:00:00', end: '2026-12-01T00:00:00' }, { start: '2026-12-01T00:00:00', end: '2026-12-01T08:00:00' })).toBe(false);
  });
});
