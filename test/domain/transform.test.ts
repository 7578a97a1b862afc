import { describe, expect, it } from 'vitest';
import type { WorkingTimeTypePartial } from '../../src/clients/timr/schemas.js';
import { transformEntry, type TransformResult } from '../../src/domain/transform.js';
import type { PlannedPeriod } from '../../src/domain/planned-period.js';
import { context, durationBreak, entry, manualBreak, VACATION_TYPE, ZA_TYPE } from './fixtures.js';

/** "WORK 08:00–12:00" style lines, one per period, for readable expectations. */
function lines(result: TransformResult): string[] {
  if (result.kind !== 'periods') throw new Error(`expected periods, got ${result.kind}: ${result.reason}`);
  return result.periods.map((p: PlannedPeriod) => `${p.type} ${p.start}–${p.end}`);
}

describe('transformEntry: breaks', () => {
  it('tiles 08:00–16:30 with a 12:00–12:30 break exactly as DESIGN.md shows', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:30:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T12:00:00',
      'BREAK 2026-11-20T12:00:00–2026-11-20T12:30:00',
      'WORK 2026-11-20T12:30:00–2026-11-20T16:30:00',
    ]);
  });

  it('reads device offsets that differ from the tenant zone', () => {
    // Recorded on a phone still set to New York time (UTC−5): 02:00−05:00 is 08:00 in Vienna.
    const result = transformEntry(
      entry({
        start: '2026-11-20T02:00:00-05:00',
        end: '2026-11-20T10:30:00-05:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-20T11:00:00Z', '2026-11-20T11:30:00Z')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T12:00:00',
      'BREAK 2026-11-20T12:00:00–2026-11-20T12:30:00',
      'WORK 2026-11-20T12:30:00–2026-11-20T16:30:00',
    ]);
  });

  it('uses the configured zone', () => {
    const result = transformEntry(entry({ start: '2026-11-20T13:00:00Z', end: '2026-11-20T21:00:00Z' }), context({ timezone: 'America/New_York' }));
    expect(lines(result)).toEqual(['WORK 2026-11-20T08:00:00–2026-11-20T16:00:00']);
  });

  it('places a duration-only break at the middle of the entry', () => {
    const result = transformEntry(
      entry({ start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T16:30:00+01:00', break_time_total_minutes: 30, break_times: [durationBreak(30)] }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T12:00:00',
      'BREAK 2026-11-20T12:00:00–2026-11-20T12:30:00',
      'WORK 2026-11-20T12:30:00–2026-11-20T16:30:00',
    ]);
  });

  it('places a duration-only break at the start when configured', () => {
    const result = transformEntry(
      entry({ start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T12:00:00+01:00', break_time_total_minutes: 15, break_times: [durationBreak(15)] }),
      context({ breaks: { unpositioned: 'start' } }),
    );
    expect(lines(result)).toEqual(['BREAK 2026-11-20T08:00:00–2026-11-20T08:15:00', 'WORK 2026-11-20T08:15:00–2026-11-20T12:00:00']);
  });

  it('keeps a duration-only break off a positioned break that holds the middle', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:00:00+01:00',
        break_time_total_minutes: 80,
        break_times: [manualBreak('2026-11-20T11:30:00+01:00', '2026-11-20T12:30:00+01:00'), durationBreak(20)],
      }),
      context(),
    );
    // Middle is 12:00 (taken): the 20 minutes go right before or after the positioned break,
    // equally far from the middle (tie → earlier), merging into one continuous BREAK.
    expect(result.kind === 'periods' && result.warnings).toEqual([]);
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T11:10:00',
      'BREAK 2026-11-20T11:10:00–2026-11-20T12:30:00',
      'WORK 2026-11-20T12:30:00–2026-11-20T16:00:00',
    ]);
  });

  it('handles automatic breaks and a break given by start and duration only', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T07:00:00+01:00',
        end: '2026-11-20T17:00:00+01:00',
        break_time_total_minutes: 45,
        break_times: [
          { type: 'automatic', duration_minutes: 30, start: '2026-11-20T12:00:00+01:00', end: '2026-11-20T12:30:00+01:00' },
          { type: 'manual', duration_minutes: 15, start: '2026-11-20T09:00:00+01:00' },
        ],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T07:00:00–2026-11-20T09:00:00',
      'BREAK 2026-11-20T09:00:00–2026-11-20T09:15:00',
      'WORK 2026-11-20T09:15:00–2026-11-20T12:00:00',
      'BREAK 2026-11-20T12:00:00–2026-11-20T12:30:00',
      'WORK 2026-11-20T12:30:00–2026-11-20T17:00:00',
    ]);
  });

  // Issue 7 changed this rule: timr deducts both of two overlapping breaks, so booking their
  // union (12:00–12:45) booked 15 minutes more work than timr counts.
  it('books overlapping positioned breaks as one block as long as timr counts them', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:00:00+01:00',
        break_time_total_minutes: 60,
        break_times: [
          manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00'),
          manualBreak('2026-11-20T12:15:00+01:00', '2026-11-20T12:45:00+01:00'),
        ],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T12:00:00',
      'BREAK 2026-11-20T12:00:00–2026-11-20T13:00:00',
      'WORK 2026-11-20T13:00:00–2026-11-20T16:00:00',
    ]);
  });

  it('moves a grown block back when it would run past the next break or the end', () => {
    // 15:30–15:50 and 15:40–16:00 (40 min counted) in an entry ending 16:00: 15:20–16:00.
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:00:00+01:00',
        break_time_total_minutes: 40,
        duration: { type: 'minutes', minutes: 440, minutes_rounded: 440 },
        break_times: [manualBreak('2026-11-20T15:30:00+01:00', '2026-11-20T15:50:00+01:00'), manualBreak('2026-11-20T15:40:00+01:00', '2026-11-20T16:00:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual(['WORK 2026-11-20T08:00:00–2026-11-20T15:20:00', 'BREAK 2026-11-20T15:20:00–2026-11-20T16:00:00']);
  });

  it('refuses a break total smaller than the listed breaks, with both figures', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:00:00+01:00',
        break_time_total_minutes: 20,
        break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00')],
      }),
      context(),
    );
    expect(result.kind === 'invalid' && result.reason).toMatch(/timr counts 20 min of breaks \(break_time_total_minutes\) but its breaks add up to 30 min/);
  });

  // Issue 7 changed this rule: the break keeps the 30 minutes timr deducts (was: clipped to 15,
  // booking 15 minutes more work than timr counts).
  it('books a break reaching outside the entry inside it, with the minutes timr counts, and says so', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T12:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-20T11:45:00+01:00', '2026-11-20T12:15:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual(['WORK 2026-11-20T08:00:00–2026-11-20T11:30:00', 'BREAK 2026-11-20T11:30:00–2026-11-20T12:00:00']);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/wt-1 of Anna Berger.*11:45–12:15\) reaches outside the entry; it was booked inside the entry with the 30 min/);
  });

  it('books break minutes the list does not explain as one more break at the middle', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:00:00+01:00',
        break_time_total_minutes: 45,
        break_times: [manualBreak('2026-11-20T09:00:00+01:00', '2026-11-20T09:15:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T08:00:00–2026-11-20T09:00:00',
      'BREAK 2026-11-20T09:00:00–2026-11-20T09:15:00',
      'WORK 2026-11-20T09:15:00–2026-11-20T11:45:00',
      'BREAK 2026-11-20T11:45:00–2026-11-20T12:15:00',
      'WORK 2026-11-20T12:15:00–2026-11-20T16:00:00',
    ]);
  });

  it('drops zero-length fragments: a break starting with the entry yields no empty WORK', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T09:00:00+01:00',
        break_time_total_minutes: 10,
        break_times: [manualBreak('2026-11-20T08:00:00+01:00', '2026-11-20T08:10:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual(['BREAK 2026-11-20T08:00:00–2026-11-20T08:10:00', 'WORK 2026-11-20T08:10:00–2026-11-20T09:00:00']);
  });

  it('refuses a break longer than the entry, naming entry and employee', () => {
    const result = transformEntry(
      entry({ start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T08:30:00+01:00', break_time_total_minutes: 45, break_times: [durationBreak(45)] }),
      context(),
    );
    expect(result).toMatchObject({ kind: 'invalid' });
    expect(result.kind === 'invalid' && result.reason).toMatch(
      /^timr entry wt-1 of Anna Berger \(timr user u-7\) on 2026-11-20 cannot be transferred: its breaks add up to 45 min but the entry lasts only 30 min/,
    );
  });

  it('refuses a duration-only break that fits in no stretch of work time', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T10:00:00+01:00',
        break_time_total_minutes: 100,
        break_times: [manualBreak('2026-11-20T08:40:00+01:00', '2026-11-20T09:20:00+01:00'), durationBreak(60)],
      }),
      context(),
    );
    expect(result.kind === 'invalid' && result.reason).toMatch(/break of 60 min without start\/end does not fit.*give the break a start and end in timr/);
  });
});

describe('transformEntry: midnight and DST', () => {
  it('splits an overnight shift at local midnight', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T22:00:00+01:00',
        end: '2026-11-21T06:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-21T02:00:00+01:00', '2026-11-21T02:30:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T22:00:00–2026-11-21T00:00:00',
      'WORK 2026-11-21T00:00:00–2026-11-21T02:00:00',
      'BREAK 2026-11-21T02:00:00–2026-11-21T02:30:00',
      'WORK 2026-11-21T02:30:00–2026-11-21T06:00:00',
    ]);
  });

  it('splits a break that crosses midnight', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T20:00:00+01:00',
        end: '2026-11-21T02:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-20T23:45:00+01:00', '2026-11-21T00:15:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-11-20T20:00:00–2026-11-20T23:45:00',
      'BREAK 2026-11-20T23:45:00–2026-11-21T00:00:00',
      'BREAK 2026-11-21T00:00:00–2026-11-21T00:15:00',
      'WORK 2026-11-21T00:15:00–2026-11-21T02:00:00',
    ]);
  });

  it('wall-clock, spring forward (Vienna 2026-03-29): true local times and a warning about the hour', () => {
    const result = transformEntry(
      entry({ start: '2026-03-29T00:00:00+01:00', end: '2026-03-29T06:00:00+02:00', notes: 'Nachtschicht' }),
      context({ dst: 'wall-clock' }),
    );
    expect(lines(result)).toEqual(['WORK 2026-03-29T00:00:00–2026-03-29T06:00:00']);
    expect(result.kind === 'periods' && result.warnings).toEqual([
      expect.stringMatching(/wt-1 .* spans a daylight-saving change: its Personio times cover 360 min, the real duration is 300 min/),
    ]);
  });

  it('wall-clock, fall back (Vienna 2026-10-25): a night shift keeps its true local end and warns about the lost hour', () => {
    const result = transformEntry(
      entry({
        start: '2026-10-24T22:00:00+02:00',
        end: '2026-10-25T06:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-10-25T01:00:00+02:00', '2026-10-25T01:30:00+02:00')],
      }),
      context({ dst: 'wall-clock' }),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-10-24T22:00:00–2026-10-25T00:00:00',
      'WORK 2026-10-25T00:00:00–2026-10-25T01:00:00',
      'BREAK 2026-10-25T01:00:00–2026-10-25T01:30:00',
      'WORK 2026-10-25T01:30:00–2026-10-25T06:00:00',
    ]);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/cover 480 min, the real duration is 540 min/);
  });

  // Issue 7 changed these two: under wall-clock the clock times would have to show 60 minutes
  // fewer than timr counts, which the repeated hour cannot; the entry is refused naming the
  // setting that books it (was: shifted, booking every real minute against the wall-clock rule).
  // Under preserve-duration (the default) both are transferred with their real length.
  const breakBackwards = entry({
    start: '2026-10-25T01:30:00+02:00',
    end: '2026-10-25T02:30:00+01:00',
    break_time_total_minutes: 30,
    break_times: [manualBreak('2026-10-25T02:40:00+02:00', '2026-10-25T02:10:00+01:00')],
  });
  it('fall back, break running backwards on the clock: wall-clock refuses it naming sync.dst, preserve-duration keeps every minute', () => {
    // Break from 02:40 summer time to 02:10 winter time (30 real minutes), then work to 02:30 winter time.
    const wallClock = transformEntry(breakBackwards, context({ dst: 'wall-clock' }));
    expect(wallClock.kind === 'invalid' && wallClock.reason).toMatch(/would book 90 min of work, timr counts 90 min .*plus the −60 min clock change .*set sync\.dst to preserve-duration/);
    const preserved = transformEntry(breakBackwards, context());
    expect(lines(preserved)).toEqual([
      'WORK 2026-10-25T01:30:00–2026-10-25T02:40:00',
      'BREAK 2026-10-25T02:40:00–2026-10-25T03:10:00',
      'WORK 2026-10-25T03:10:00–2026-10-25T03:30:00',
    ]);
  });

  it('fall back: an entry ending in the repeated hour before its own start (on the clock) keeps its 45 minutes', () => {
    const short = entry({ start: '2026-10-25T02:30:00+02:00', end: '2026-10-25T02:15:00+01:00' });
    expect(lines(transformEntry(short, context()))).toEqual(['WORK 2026-10-25T02:30:00–2026-10-25T03:15:00']);
    expect(transformEntry(short, context({ dst: 'wall-clock' })).kind).toBe('invalid');
  });

  it('wall-clock, fall back: work in the repeated hour after summer-time work is pushed after it and the next piece absorbs the shift', () => {
    const result = transformEntry(
      entry({
        start: '2026-10-25T02:00:00+02:00',
        end: '2026-10-25T04:00:00+01:00',
        break_time_total_minutes: 20,
        break_times: [manualBreak('2026-10-25T02:50:00+02:00', '2026-10-25T02:10:00+01:00')],
      }),
      context({ dst: 'wall-clock' }),
    );
    // Truthful walls 02:00, 02:50, 02:10, 04:00: the break's end runs backwards → 03:10;
    // the last WORK keeps its true end 04:00 and is 60 minutes shorter than really worked.
    expect(lines(result)).toEqual([
      'WORK 2026-10-25T02:00:00–2026-10-25T02:50:00',
      'BREAK 2026-10-25T02:50:00–2026-10-25T03:10:00',
      'WORK 2026-10-25T03:10:00–2026-10-25T04:00:00',
    ]);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/cover 120 min, the real duration is 180 min/);
  });
});

describe('transformEntry: DST, preserve-duration (the default): Personio books the hours worked', () => {
  const workMinutes = (result: TransformResult) =>
    result.kind === 'periods' ? result.periods.filter((p) => p.type === 'WORK').reduce((n, p) => n + (Date.parse(`${p.end}Z`) - Date.parse(`${p.start}Z`)) / 60_000, 0) : NaN;

  it('autumn night shift in Vienna: the periods after the change are shifted, 510 min of work as timr counts', () => {
    const result = transformEntry(
      entry({
        start: '2026-10-24T22:00:00+02:00',
        end: '2026-10-25T06:00:00+01:00',
        break_time_total_minutes: 30,
        duration: { type: 'minutes', minutes: 510, minutes_rounded: 510 },
        break_times: [manualBreak('2026-10-25T01:00:00+02:00', '2026-10-25T01:30:00+02:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-10-24T22:00:00–2026-10-25T00:00:00',
      'WORK 2026-10-25T00:00:00–2026-10-25T01:00:00',
      'BREAK 2026-10-25T01:00:00–2026-10-25T01:30:00',
      'WORK 2026-10-25T01:30:00–2026-10-25T07:00:00',
    ]);
    expect(workMinutes(result)).toBe(510);
    expect(result.kind === 'periods' && result.warnings).toEqual([
      expect.stringMatching(
        /^timr entry wt-1 .* spans a daylight-saving change in Europe\/Vienna \(−60 min\): to book the 540 min it lasted \(sync\.dst = preserve-duration\), its Personio periods after the change are shifted by \+60 min, so it ends at 07:00 in Personio where the clock said 06:00$/,
      ),
    ]);
  });

  it('spring night shift in Vienna: 300 min worked are 300 min in Personio', () => {
    const result = transformEntry(entry({ start: '2026-03-29T00:00:00+01:00', end: '2026-03-29T06:00:00+02:00' }), context());
    expect(lines(result)).toEqual(['WORK 2026-03-29T00:00:00–2026-03-29T05:00:00']);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/shifted by −60 min, so it ends at 05:00 in Personio where the clock said 06:00/);
  });

  it.each([
    ['America/New_York', '2026-10-31T22:00:00-04:00', '2026-11-01T06:00:00-05:00', ['WORK 2026-10-31T22:00:00–2026-11-01T00:00:00', 'WORK 2026-11-01T00:00:00–2026-11-01T07:00:00'], 540],
    ['America/New_York', '2026-03-07T22:00:00-05:00', '2026-03-08T06:00:00-04:00', ['WORK 2026-03-07T22:00:00–2026-03-08T00:00:00', 'WORK 2026-03-08T00:00:00–2026-03-08T05:00:00'], 420],
    // Southern hemisphere: clocks go back in April and forward in October.
    ['Australia/Sydney', '2026-04-04T22:00:00+11:00', '2026-04-05T06:00:00+10:00', ['WORK 2026-04-04T22:00:00–2026-04-05T00:00:00', 'WORK 2026-04-05T00:00:00–2026-04-05T07:00:00'], 540],
    ['Australia/Sydney', '2026-10-03T22:00:00+10:00', '2026-10-04T06:00:00+11:00', ['WORK 2026-10-03T22:00:00–2026-10-04T00:00:00', 'WORK 2026-10-04T00:00:00–2026-10-04T05:00:00'], 420],
  ])('%s: %s → %s books the minutes worked', (zone, start, end, expected, minutes) => {
    const result = transformEntry(entry({ start, end, duration: { type: 'minutes', minutes, minutes_rounded: minutes } }), context({ timezone: zone }));
    expect(lines(result)).toEqual(expected);
    expect(workMinutes(result)).toBe(minutes);
  });
});

describe('transformEntry: the hours invariant', () => {
  it("refuses an entry whose periods would book other hours than timr's duration, naming both figures and the fix", () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T16:30:00+01:00',
        break_time_total_minutes: 30,
        duration: { type: 'minutes', minutes: 400, minutes_rounded: 400 },
        break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00')],
      }),
      context(),
    );
    expect(result.kind === 'invalid' && result.reason).toMatch(
      /^timr entry wt-1 of Anna Berger \(timr user u-7\) on 2026-11-20 cannot be transferred: its Personio periods would book 480 min of work, timr counts 400 min \(duration\.minutes\); timr's figure does not fit the entry's own times and breaks \(480 min .*\); correct the entry in timr/,
    );
  });

  it('accepts less than a minute of seconds timr does not count', () => {
    const result = transformEntry(
      entry({ start: '2026-11-20T08:00:30+01:00', end: '2026-11-20T16:00:00+01:00', duration: { type: 'minutes', minutes: 479, minutes_rounded: 480 } }),
      context(),
    );
    expect(lines(result)).toEqual(['WORK 2026-11-20T08:00:30–2026-11-20T16:00:00']);
  });

  it('refuses an attendance timr counts by the day, not by its times', () => {
    const result = transformEntry(
      entry({ start: '2026-11-20T00:00:00+01:00', end: '2026-11-21T00:00:00+01:00', duration: { type: 'full_day', minutes: 462, minutes_rounded: 462 } }),
      context(),
    );
    expect(result.kind === 'invalid' && result.reason).toMatch(/timr counts it as a full day \(462 min\), not by its times/);
  });
});

describe('transformEntry: sync.transferWhen', () => {
  const day = { start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T16:00:00+01:00' };
  it('approved: a finished but unapproved entry waits with a reason, an approved or closed one is transferred', () => {
    const ctx = context({ transferWhen: 'approved' });
    for (const status of ['changeable', 'locked'] as const) {
      const result = transformEntry(entry({ ...day, status }), ctx);
      expect(result).toMatchObject({ kind: 'skip', code: 'awaiting-approval' });
      expect(result.kind === 'skip' && result.reason).toMatch(new RegExp(`^timr entry wt-1 .* is ${status} and waits for approval in timr \\(sync\\.transferWhen = approved`));
    }
    for (const status of ['approved', 'closed'] as const) expect(transformEntry(entry({ ...day, status }), ctx).kind).toBe('periods');
    expect(transformEntry(entry({ ...day, working_time_type: ZA_TYPE }), ctx)).toMatchObject({ kind: 'skip', code: 'awaiting-approval' });
    expect(transformEntry(entry({ ...day, working_time_type: VACATION_TYPE }), ctx)).toMatchObject({ kind: 'skip', code: 'absence' });
  });

  it('finished (the default): every finished entry is transferred', () => {
    expect(transformEntry(entry({ ...day, status: 'changeable' }), context()).kind).toBe('periods');
  });
});

describe('transformEntry: Zeitausgleich', () => {
  const za = (typeFields: Partial<WorkingTimeTypePartial> = {}) =>
    entry({
      start: '2026-11-20T08:00:00+01:00',
      end: '2026-11-20T16:00:00+01:00',
      notes: 'ignored',
      working_time_type: { ...ZA_TYPE, ...typeFields },
    });
  const zeroWork = [{ type: 'WORK', start: '2026-11-20T08:00:00', end: '2026-11-20T08:00:00', comment: 'Zeitausgleich' }];

  it('is one zero-length WORK period with comment "Zeitausgleich" (matched by default name)', () => {
    expect(transformEntry(za(), context())).toEqual({ kind: 'periods', periods: zeroWork, warnings: [] });
  });

  it('is recognised by configured type id even when renamed', () => {
    const renamed = za({ name: 'Comp time', external_id: null });
    expect(transformEntry(renamed, context()).kind).toBe('skip');
    expect(transformEntry(renamed, context({ zeitausgleich: { typeIds: [ZA_TYPE.id] } }))).toMatchObject({ kind: 'periods', periods: zeroWork });
  });

  it('representation absence: one absence period of the configured type over its time, no WORK', () => {
    const ctx = context({ zeitausgleich: { representation: 'absence', absenceTypeId: 'at-1' } });
    expect(transformEntry(za(), ctx)).toEqual({
      kind: 'periods',
      periods: [{ type: 'ABSENCE', start: '2026-11-20T08:00:00', end: '2026-11-20T16:00:00', comment: 'Zeitausgleich', absenceTypeId: 'at-1' }],
      warnings: [],
    });
    // A day-based one (00:00–00:00) and one without an end cover the local day.
    const day = entry({ start: '2026-11-20T00:00:00+01:00', end: '2026-11-21T00:00:00+01:00', working_time_type: ZA_TYPE });
    expect(lines(transformEntry(day, ctx))).toEqual(['ABSENCE 2026-11-20T00:00:00–2026-11-21T00:00:00']);
    const open = entry({ start: '2026-11-20T09:00:00+01:00', end: null, working_time_type: ZA_TYPE });
    expect(lines(transformEntry(open, ctx))).toEqual(['ABSENCE 2026-11-20T00:00:00–2026-11-21T00:00:00']);
  });

  it('is recognised by configured external id', () => {
    expect(transformEntry(za({ name: 'ZA neu' }), context({ zeitausgleich: { externalIds: ['ZA'] } }))).toMatchObject({ kind: 'periods', periods: zeroWork });
  });

  it('is recognised by a configured name, ignoring case and blanks', () => {
    expect(transformEntry(za({ name: '  comp TIME ' }), context({ zeitausgleich: { names: ['Comp time'] } }))).toMatchObject({
      kind: 'periods',
      periods: zeroWork,
    });
  });
});

describe('transformEntry: comments', () => {
  const withNotes = (notes: string | null, config = {}) =>
    transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T12:00:00+01:00',
        notes,
        break_time_total_minutes: 10,
        break_times: [durationBreak(10)],
      }),
      context(config),
    );

  it('puts the trimmed notes on WORK periods only', () => {
    const result = withNotes('  Kunde Meier \n');
    expect(result.kind === 'periods' && result.periods.map((p) => [p.type, p.comment])).toEqual([
      ['WORK', 'Kunde Meier'],
      ['BREAK', undefined],
      ['WORK', 'Kunde Meier'],
    ]);
  });

  it('omits the comment for empty notes', () => {
    const result = withNotes('   ');
    expect(result.kind === 'periods' && result.periods.every((p) => !('comment' in p))).toBe(true);
  });

  it('cuts a long comment with "…" to the limit and warns naming the entry', () => {
    const result = withNotes('x'.repeat(30), { commentMaxLength: 10 });
    expect(result.kind === 'periods' && result.periods[0]?.comment).toBe('xxxxxxxxx…');
    expect(result.kind === 'periods' && result.warnings).toEqual([expect.stringMatching(/^timr entry wt-1 of Anna Berger .*30 characters, Personio takes 10/)]);
  });

  // Issue 7 changed this rule: the limit counts UTF-16 code units as Personio does (an emoji is
  // two), so 3 units hold one emoji and the marker (was: two emoji, five units).
  it('never splits a surrogate pair when cutting, and counts UTF-16 code units', () => {
    const result = withNotes('😀'.repeat(5), { commentMaxLength: 3 });
    expect(result.kind === 'periods' && result.periods[0]?.comment).toBe('😀…');
    const four = withNotes('😀'.repeat(5), { commentMaxLength: 4 });
    expect(four.kind === 'periods' && four.periods[0]?.comment).toBe('😀…');
  });

  it('fits an emoji-rich note into the limit as Personio counts it (UTF-16), instead of sending it too long', () => {
    const notes = '🚀 Übergabe ✅ '.repeat(80); // 960 code points, 1120 UTF-16 units
    const result = withNotes(notes, { commentMaxLength: 1000 });
    const comment = result.kind === 'periods' ? (result.periods[0]?.comment ?? '') : '';
    expect(comment.length).toBeLessThanOrEqual(1000);
    expect(comment.length).toBeGreaterThan(990);
    expect(comment.endsWith('…')).toBe(true);
    expect(notes.startsWith(comment.slice(0, -1))).toBe(true);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/notes have 1119 characters, Personio takes 1000 \(counted in UTF-16 code units/);
  });
});

describe('transformEntry: not transferred', () => {
  const base = { start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T16:00:00+01:00' };

  it.each([
    ['running', { status: 'running' as const, end: null }],
    ['paused', { status: 'paused' as const }],
    ['archived', { status: 'archived' as const }],
    ['unfinished', { end: null }],
    ['absence', { working_time_type: VACATION_TYPE }],
    ['empty', { end: base.start }],
  ])('skips %s entries', (code, fields) => {
    const result = transformEntry(entry({ ...base, ...fields }), context());
    expect(result).toMatchObject({ kind: 'skip', code });
    expect(result.kind === 'skip' && result.reason).toMatch(/^timr entry wt-1 of Anna Berger/);
  });

  it.each([
    ['an end before its start', { end: '2026-11-20T07:00:00+01:00' }, /ends .* before it starts/],
    ['an unknown type', { working_time_type: { id: 'wtt-x', name: 'Neu', external_id: null } }, /type "Neu" \(wtt-x\), which is not among/],
    [
      'a break ending before it starts',
      { break_times: [{ type: 'manual' as const, duration_minutes: 10, start: '2026-11-20T12:10:00+01:00', end: '2026-11-20T12:00:00+01:00' }] },
      /break #1 ends \(12:00\) before it starts \(12:10\)/,
    ],
    ['a break outside the entry', { break_times: [manualBreak('2026-11-20T17:00:00+01:00', '2026-11-20T17:30:00+01:00')] }, /break #1 \(17:00–17:30\) lies outside the entry/],
    ['a break still running', { break_times: [{ type: 'ongoing' as const, start: '2026-11-20T12:00:00+01:00' }] }, /break #1 is still running/],
  ])('refuses an entry with %s', (_what, fields, reason) => {
    const result = transformEntry(entry({ ...base, ...fields }), context());
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.reason).toMatch(reason);
  });
});
