/**
 * The hours invariant, proved over random entries: for every entry the transform turns into
 * periods, the WORK minutes Personio would book equal timr's own net duration
 * (`duration.minutes`, 0 for Zeitausgleich) under the tenant's DST rule — or the entry is
 * refused with a reason naming both figures. Random zones on both hemispheres (Vienna,
 * New York, Sydney, Lord Howe's 30-minute change), DST nights, device offsets, seconds, and
 * breaks of every kind, overlapping ones included.
 *
 * The oracle is independent of the product: local times come from Intl here, the expected
 * minutes from the raw timr entry (`duration.minutes`, computed the way timr derives it:
 * whole minutes between start and end, less `break_time_total_minutes`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BreakTime, WorkingTime } from '../../src/clients/timr/schemas.js';
import { transformEntry, type TransformResult } from '../../src/domain/transform.js';
import { context, entry, rfc3339, ZA_TYPE } from './fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Instants at or near the 2026 DST changes (and an ordinary day) to start entries around. */
const ANCHORS: Record<string, number[]> = {
  'Europe/Vienna': [Date.parse('2026-03-29T01:00:00Z'), Date.parse('2026-10-25T01:00:00Z'), Date.parse('2026-06-10T10:00:00Z')],
  'America/New_York': [Date.parse('2026-03-08T07:00:00Z'), Date.parse('2026-11-01T06:00:00Z')],
  'Australia/Sydney': [Date.parse('2026-04-04T16:00:00Z'), Date.parse('2026-10-03T16:00:00Z')],
  'Australia/Lord_Howe': [Date.parse('2026-04-04T15:00:00Z'), Date.parse('2026-10-03T15:30:00Z')],
};

// ---- the oracle's own clock (Intl only) ----
const formatters = new Map<string, Intl.DateTimeFormat>();
function localOf(instant: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  return f.format(new Date(instant)).replace(' ', 'T');
}
/** A local date-time read as a plain count of milliseconds (what an offset-less system sees). */
const naive = (local: string) => Date.parse(`${local}Z`);
const offsetMs = (instant: number, zone: string) => naive(localOf(Math.floor(instant / 1000) * 1000, zone)) - Math.floor(instant / 1000) * 1000;
const wallMinutes = (periods: { start: string; end: string }[]) => periods.reduce((sum, p) => sum + (naive(p.end) - naive(p.start)), 0) / MIN;

interface Case {
  zone: string;
  dst: 'preserve-duration' | 'wall-clock';
  start: number;
  end: number;
  /** timr's own net minutes for the entry as it says it (possibly tampered). */
  durationMinutes: number;
  /** What timr's arithmetic gives from start, end and the break total. */
  derivedMinutes: number;
  tampered: boolean;
  breakTotal: number;
  positionedCount: number;
  unpositionedMinutes: number;
  timrEntry: WorkingTime;
}

const scenario: fc.Arbitrary<Case> = fc
  .record({
    zone: fc.constantFrom(...Object.keys(ANCHORS)),
    dst: fc.constantFrom('preserve-duration' as const, 'wall-clock' as const),
    anchorIndex: fc.nat(),
    shiftMinutes: fc.integer({ min: -18 * 60, max: 3 * 60 }),
    seconds: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 59 })),
    lengthMinutes: fc.integer({ min: 1, max: 16 * 60 }),
    deviceOffset: fc.integer({ min: -48, max: 56 }).map((q) => q * 15),
    unpositioned: fc.constantFrom('middle' as const, 'start' as const),
    // A duration timr's own arithmetic does not give (by 2 minutes or more: rounding aside).
    tamper: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 30 }).chain((t) => fc.constantFrom(t, -t)) }),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      // Positioned breaks may overlap one another: timr then counts each of them in full.
      positioned: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: base.lengthMinutes - 1 }),
          minutes: fc.integer({ min: 1, max: 90 }),
          kind: fc.constantFrom('manual' as const, 'automatic' as const, 'start-only' as const, 'end-only' as const),
        }),
        { maxLength: 4 },
      ),
      durationOnly: fc.array(fc.integer({ min: 1, max: 90 }), { maxLength: 2 }),
      unlisted: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 45 })),
    }),
  )
  .map(({ base, positioned, durationOnly, unlisted }): Case => {
    const anchors = ANCHORS[base.zone] as number[];
    const start = (anchors[base.anchorIndex % anchors.length] as number) + base.shiftMinutes * MIN + base.seconds * 1000;
    const end = start + base.lengthMinutes * MIN;
    const at = (ms: number) => rfc3339(ms, base.deviceOffset);
    const breaks: BreakTime[] = [];
    for (const b of positioned) {
      // timr keeps breaks inside their entry.
      const minutes = Math.min(b.minutes, base.lengthMinutes - b.at);
      const from = start + b.at * MIN;
      const to = from + minutes * MIN;
      if (b.kind === 'start-only') breaks.push({ type: 'manual', duration_minutes: minutes, start: at(from) });
      else if (b.kind === 'end-only') breaks.push({ type: 'manual', duration_minutes: minutes, start: null, end: at(to) });
      else breaks.push({ type: b.kind, duration_minutes: minutes, start: at(from), end: at(to) });
    }
    for (const m of durationOnly) breaks.push({ type: 'manual', duration_minutes: m, start: null, end: null });
    const listed = breaks.reduce((sum, b) => sum + (b.type === 'ongoing' ? 0 : b.duration_minutes), 0);
    const breakTotal = listed + unlisted;
    // timr: whole minutes between start and end, less every break it counts.
    const derivedMinutes = Math.floor((end - start) / MIN) - breakTotal;
    const durationMinutes = derivedMinutes + base.tamper;
    const timrEntry = entry({
      start: at(start),
      end: at(end),
      break_times: breaks,
      break_time_total_minutes: breakTotal,
      duration: { type: 'minutes', minutes: durationMinutes, minutes_rounded: durationMinutes },
    });
    return {
      zone: base.zone,
      dst: base.dst,
      start,
      end,
      durationMinutes,
      derivedMinutes,
      tampered: base.tamper !== 0,
      breakTotal,
      positionedCount: positioned.length,
      unpositionedMinutes: durationOnly.reduce((a, b) => a + b, 0) + unlisted,
      timrEntry,
    };
  })
  // timr refuses breaks longer than their entry.
  .filter((c) => c.derivedMinutes >= 0);

function transform(c: Case): TransformResult {
  return transformEntry(c.timrEntry, context({ timezone: c.zone, dst: c.dst, breaks: { unpositioned: 'middle' } }));
}

describe('hours invariant (property)', () => {
  it('booked WORK minutes equal timr duration.minutes under the DST rule, or the entry is refused with both figures', () => {
    fc.assert(
      fc.property(scenario, (c) => {
        const result = transform(c);
        const startS = Math.floor(c.start / 1000) * 1000;
        const endS = Math.floor(c.end / 1000) * 1000;
        const offsetChangeMinutes = (offsetMs(endS, c.zone) - offsetMs(startS, c.zone)) / MIN;
        const expected = c.dst === 'preserve-duration' ? c.durationMinutes : c.durationMinutes + offsetChangeMinutes;

        if (result.kind === 'skip') throw new Error(`a finished attendance was skipped: ${result.reason}`);
        if (result.kind === 'invalid') {
          expect(result.reason).toMatch(/^timr entry wt-1 of Anna Berger/);
          // Both figures: what the periods would book and what timr counts.
          if (c.tampered && result.reason.includes(`timr counts ${c.durationMinutes} min`)) {
            expect(result.reason).toMatch(/would book [\d.]+ min of work/);
            return;
          }
          // Refusing a consistent entry is allowed only where the rules cannot place it:
          // wall-clock hours that cannot show the change, or duration-only breaks that fit
          // no stretch of work time. Everything else must be transferred.
          if (c.dst === 'wall-clock' && /sync\.dst/.test(result.reason)) return;
          expect(c.unpositionedMinutes > 0 && c.positionedCount > 0, result.reason).toBe(true);
          return;
        }

        // Under preserve-duration the periods book the entry's real net time, so a duration that
        // disagrees with it can never be met. (Under wall-clock a disagreement can happen to equal
        // the clock change; the invariant below still holds then.)
        if (c.dst === 'preserve-duration') expect(c.tampered, 'an entry whose duration disagrees with its times and breaks must not be booked').toBe(false);
        const periods = result.periods;
        expect(periods.length).toBeGreaterThan(0);
        expect(periods[0]?.start).toBe(localOf(startS, c.zone));
        for (const [i, p] of periods.entries()) {
          expect(naive(p.end)).toBeGreaterThan(naive(p.start));
          const next = periods[i + 1];
          if (next) {
            expect(next.start).toBe(p.end);
            // Two periods of one type in a row only where a day ends.
            if (next.type === p.type) expect(next.start.slice(11)).toBe('00:00:00');
          }
          const sameDay = p.start.slice(0, 10) === p.end.slice(0, 10);
          const endsAtMidnight = p.end.endsWith('T00:00:00') && naive(p.end) - naive(`${p.start.slice(0, 10)}T00:00:00`) === 24 * HOUR;
          expect(sameDay || endsAtMidnight).toBe(true);
        }

        // THE invariant: Personio's WORK minutes are timr's (timr counts whole minutes, Personio
        // keeps the seconds: less than a minute apart is equal).
        const work = wallMinutes(periods.filter((p) => p.type === 'WORK'));
        expect(Math.abs(work - expected), `WORK ${work} min vs timr ${c.durationMinutes} min (${c.dst}, ${c.zone})`).toBeLessThan(1);

        if (c.dst === 'preserve-duration') {
          // Breaks are exactly timr's total, and the whole entry keeps its real length.
          expect(wallMinutes(periods.filter((p) => p.type === 'BREAK'))).toBe(c.breakTotal);
          expect(naive(periods[periods.length - 1]!.end) - naive(periods[0]!.start)).toBe(endS - startS);
        }
        // Whenever the clock changes within the entry, the entry's warnings say what happened.
        if (offsetChangeMinutes !== 0) expect(result.warnings.join('\n')).toMatch(/daylight-saving.*sync\.dst/);
      }),
      { numRuns: 3000 },
    );
  });

  it('an entry without duration-only breaks, or with no positioned ones, is never refused under preserve-duration', () => {
    fc.assert(
      fc.property(
        scenario.filter((c) => !c.tampered && c.dst === 'preserve-duration' && (c.unpositionedMinutes === 0 || c.positionedCount === 0)),
        (c) => {
          const result = transform(c);
          expect(result.kind, result.kind === 'invalid' ? result.reason : '').toBe('periods');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('Zeitausgleich books 0 WORK minutes, whatever its times, zone, DST rule and representation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(ANCHORS)),
        fc.constantFrom('preserve-duration' as const, 'wall-clock' as const),
        fc.integer({ min: -18 * 60, max: 18 * 60 }),
        fc.integer({ min: 0, max: 24 * 60 }),
        fc.constantFrom({ representation: 'zero-hours' as const }, { representation: 'absence' as const, absenceTypeId: 'at-za' }),
        (zone, dst, shift, length, zeitausgleich) => {
          const start = (ANCHORS[zone] as number[])[0]! + shift * MIN;
          const za = entry({ start: rfc3339(start, 60), end: rfc3339(start + length * MIN, 60), working_time_type: ZA_TYPE });
          const result = transformEntry(za, context({ timezone: zone, dst, zeitausgleich }));
          expect(result.kind).toBe('periods');
          if (result.kind !== 'periods') return;
          expect(wallMinutes(result.periods.filter((p) => p.type === 'WORK'))).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
