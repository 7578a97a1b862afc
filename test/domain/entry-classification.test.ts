import { describe, expect, it } from 'vitest';
import { classifyEntry, typeCategories } from '../../src/domain/entry-classification.js';
import { context, durationBreak, entry, manualBreak, VACATION_TYPE, WORK_TYPE, ZA_TYPE } from './fixtures.js';

const day = { start: '2026-11-20T08:00:00.750+01:00', end: '2026-11-20T16:00:00+01:00' };

describe('classifyEntry', () => {
  it('returns the instants (whole seconds) and the breaks read from timr, unlisted minutes included', () => {
    const result = classifyEntry(
      entry({ ...day, break_time_total_minutes: 50, break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00'), durationBreak(15)] }),
      context(),
    );
    expect(result).toEqual({
      kind: 'attendance',
      start: Date.parse('2026-11-20T07:00:00Z'),
      end: Date.parse('2026-11-20T15:00:00Z'),
      breaks: { positioned: [{ start: Date.parse('2026-11-20T11:00:00Z'), end: Date.parse('2026-11-20T11:30:00Z') }], durationOnly: [15 * 60_000, 5 * 60_000] },
      warnings: [],
    });
  });

  it('reads a break given by its end and duration', () => {
    const result = classifyEntry(entry({ ...day, break_time_total_minutes: 20, break_times: [{ type: 'automatic', duration_minutes: 20, start: null, end: '2026-11-20T13:00:00+01:00' }] }), context());
    expect(result.kind === 'attendance' && result.breaks.positioned).toEqual([{ start: Date.parse('2026-11-20T11:40:00Z'), end: Date.parse('2026-11-20T12:00:00Z') }]);
  });

  it('warns when a break says one duration and spans another', () => {
    const result = classifyEntry(
      entry({ ...day, break_time_total_minutes: 30, break_times: [{ type: 'manual', duration_minutes: 30, start: '2026-11-20T12:00:00+01:00', end: '2026-11-20T12:45:00+01:00' }] }),
      context(),
    );
    expect(result.kind === 'attendance' && result.warnings).toEqual([expect.stringMatching(/break #1: duration_minutes is 30 but start\/end span 45 min; booked 30 min from its start, as timr counts it/)]);
    // Issue 7: the break is as long as timr counts it (was: its start/end span).
    expect(result.kind === 'attendance' && result.breaks.positioned).toEqual([{ start: Date.parse('2026-11-20T11:00:00Z'), end: Date.parse('2026-11-20T11:30:00Z') }]);
  });

  it('recognises Zeitausgleich before looking at the category, and needs no end', () => {
    expect(classifyEntry(entry({ start: day.start, end: null, working_time_type: ZA_TYPE }), context())).toEqual({
      kind: 'zeitausgleich',
      start: Date.parse('2026-11-20T07:00:00Z'),
      end: null,
    });
    expect(classifyEntry(entry({ ...day, working_time_type: ZA_TYPE }), context())).toMatchObject({ kind: 'zeitausgleich', end: Date.parse('2026-11-20T15:00:00Z') });
  });

  it('stops matching by name once ids are configured', () => {
    const ctx = context({ zeitausgleich: { typeIds: ['some-other-id'] } });
    expect(classifyEntry(entry({ ...day, working_time_type: ZA_TYPE }), ctx)).toMatchObject({ kind: 'skip', code: 'absence' });
  });

  it('skips a non-attendance type the tenant ignores as "ignored", and leaves attendance types alone', () => {
    const ctx = context({ ignoreTypeIds: [VACATION_TYPE.id, WORK_TYPE.id] });
    expect(classifyEntry(entry({ ...day, working_time_type: VACATION_TYPE }), ctx)).toMatchObject({ kind: 'skip', code: 'ignored', reason: expect.stringContaining('sync.ignoreTypeIds') });
    expect(classifyEntry(entry({ ...day, working_time_type: VACATION_TYPE }), context())).toMatchObject({ kind: 'skip', code: 'absence' });
    expect(classifyEntry(entry({ ...day, working_time_type: WORK_TYPE }), ctx)).toMatchObject({ kind: 'attendance' });
  });

  it('lets running and paused entries wait even for Zeitausgleich', () => {
    expect(classifyEntry(entry({ ...day, status: 'running', working_time_type: ZA_TYPE }), context())).toMatchObject({ kind: 'skip', code: 'running' });
  });

  it('keeps overlapping breaks apart, each with the minutes timr counts', () => {
    const result = classifyEntry(
      entry({
        ...day,
        break_time_total_minutes: 60,
        break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00'), manualBreak('2026-11-20T12:15:00+01:00', '2026-11-20T12:45:00+01:00')],
      }),
      context(),
    );
    expect(result.kind === 'attendance' && result.breaks).toEqual({
      positioned: [
        { start: Date.parse('2026-11-20T11:00:00Z'), end: Date.parse('2026-11-20T11:30:00Z') },
        { start: Date.parse('2026-11-20T11:15:00Z'), end: Date.parse('2026-11-20T11:45:00Z') },
      ],
      durationOnly: [],
    });
  });

  it('builds the id → category map from the type list', () => {
    expect(typeCategories([{ id: 'a', category: 'attendance_time' }, { id: 'b', category: 'break_time' }])).toEqual({ a: 'attendance_time', b: 'break_time' });
  });
});
