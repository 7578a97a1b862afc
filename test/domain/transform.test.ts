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

  it('merges overlapping positioned breaks', () => {
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
      'BREAK 2026-11-20T12:00:00–2026-11-20T12:45:00',
      'WORK 2026-11-20T12:45:00–2026-11-20T16:00:00',
    ]);
  });

  it('clips a break reaching outside the entry and says so', () => {
    const result = transformEntry(
      entry({
        start: '2026-11-20T08:00:00+01:00',
        end: '2026-11-20T12:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-11-20T11:45:00+01:00', '2026-11-20T12:15:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual(['WORK 2026-11-20T08:00:00–2026-11-20T11:45:00', 'BREAK 2026-11-20T11:45:00–2026-11-20T12:00:00']);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/wt-1 of Anna Berger.*11:45–12:15\) reaches outside the entry/);
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

  it('spring forward (Vienna 2026-03-29): true local times and a warning about the hour', () => {
    const result = transformEntry(
      entry({ start: '2026-03-29T00:00:00+01:00', end: '2026-03-29T06:00:00+02:00', notes: 'Nachtschicht' }),
      context(),
    );
    expect(lines(result)).toEqual(['WORK 2026-03-29T00:00:00–2026-03-29T06:00:00']);
    expect(result.kind === 'periods' && result.warnings).toEqual([
      expect.stringMatching(/wt-1 .* spans a daylight-saving change: its Personio times cover 360 min, the real duration is 300 min/),
    ]);
  });

  it('fall back (Vienna 2026-10-25): a night shift keeps its true local end and warns about the lost hour', () => {
    const result = transformEntry(
      entry({
        start: '2026-10-24T22:00:00+02:00',
        end: '2026-10-25T06:00:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-10-25T01:00:00+02:00', '2026-10-25T01:30:00+02:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-10-24T22:00:00–2026-10-25T00:00:00',
      'WORK 2026-10-25T00:00:00–2026-10-25T01:00:00',
      'BREAK 2026-10-25T01:00:00–2026-10-25T01:30:00',
      'WORK 2026-10-25T01:30:00–2026-10-25T06:00:00',
    ]);
    expect(result.kind === 'periods' && result.warnings.join()).toMatch(/cover 480 min, the real duration is 540 min/);
  });

  it('fall back: a break running backwards in wall time is shifted later with its duration kept', () => {
    // Break from 02:40 summer time to 02:10 winter time (30 real minutes), then work to 02:30 winter time.
    const result = transformEntry(
      entry({
        start: '2026-10-25T01:30:00+02:00',
        end: '2026-10-25T02:30:00+01:00',
        break_time_total_minutes: 30,
        break_times: [manualBreak('2026-10-25T02:40:00+02:00', '2026-10-25T02:10:00+01:00')],
      }),
      context(),
    );
    expect(lines(result)).toEqual([
      'WORK 2026-10-25T01:30:00–2026-10-25T02:40:00',
      'BREAK 2026-10-25T02:40:00–2026-10-25T03:10:00',
      'WORK 2026-10-25T03:10:00–2026-10-25T03:30:00',
    ]);
    // Every real minute is kept, so there is no hour to warn about.
    expect(result.kind === 'periods' && result.warnings).toEqual([]);
  });

  it('fall back: an entry ending in the repeated hour before its own start (wall) is shifted, not reversed', () => {
    const result = transformEntry(entry({ start: '2026-10-25T02:30:00+02:00', end: '2026-10-25T02:15:00+01:00' }), context());
    expect(lines(result)).toEqual(['WORK 2026-10-25T02:30:00–2026-10-25T03:15:00']);
  });

  it('fall back: work in the repeated hour after summer-time work is pushed after it and the next piece absorbs the shift', () => {
    const result = transformEntry(
      entry({
        start: '2026-10-25T02:00:00+02:00',
        end: '2026-10-25T04:00:00+01:00',
        break_time_total_minutes: 20,
        break_times: [manualBreak('2026-10-25T02:50:00+02:00', '2026-10-25T02:10:00+01:00')],
      }),
      context(),
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

  it('never splits a surrogate pair when cutting', () => {
    const result = withNotes('😀'.repeat(5), { commentMaxLength: 3 });
    expect(result.kind === 'periods' && result.periods[0]?.comment).toBe('😀😀…');
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
