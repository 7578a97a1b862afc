import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  formatWallTime,
  localDateOf,
  nextLocalMidnight,
  offsetAt,
  parseInstant,
  startOfLocalDay,
  toLocalDateTime,
} from '../../src/domain/time-zone.js';

const VIENNA = 'Europe/Vienna';

describe('time zone conversion', () => {
  it('reads RFC 3339 with any offset and refuses strings without one', () => {
    expect(parseInstant('2026-11-20T08:00:00+01:00')).toBe(Date.parse('2026-11-20T07:00:00Z'));
    expect(parseInstant('2026-11-20T02:00:00-05:00')).toBe(Date.parse('2026-11-20T07:00:00Z'));
    expect(() => parseInstant('2026-11-20T08:00:00')).toThrow(/offset/);
  });

  it('formats local times without offset, in winter and summer', () => {
    expect(toLocalDateTime(Date.parse('2026-11-20T07:00:00Z'), VIENNA)).toBe('2026-11-20T08:00:00');
    expect(toLocalDateTime(Date.parse('2026-07-01T07:00:00Z'), VIENNA)).toBe('2026-07-01T09:00:00');
    expect(toLocalDateTime(Date.parse('2026-07-01T07:00:00Z'), 'America/New_York')).toBe('2026-07-01T03:00:00');
  });

  it('follows the spring-forward gap (2026-03-29, 02:00 → 03:00)', () => {
    expect(toLocalDateTime(Date.parse('2026-03-29T00:59:59Z'), VIENNA)).toBe('2026-03-29T01:59:59');
    expect(toLocalDateTime(Date.parse('2026-03-29T01:00:00Z'), VIENNA)).toBe('2026-03-29T03:00:00');
    expect(offsetAt(Date.parse('2026-03-29T01:00:00Z'), VIENNA)).toBe(2 * HOUR_MS);
  });

  it('repeats 02:00–03:00 on fall-back (2026-10-25)', () => {
    expect(toLocalDateTime(Date.parse('2026-10-25T00:30:00Z'), VIENNA)).toBe('2026-10-25T02:30:00');
    expect(toLocalDateTime(Date.parse('2026-10-25T01:30:00Z'), VIENNA)).toBe('2026-10-25T02:30:00');
  });

  it('finds local midnight as an instant, also on DST days', () => {
    expect(startOfLocalDay('2026-03-29', VIENNA)).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(startOfLocalDay('2026-03-30', VIENNA)).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(startOfLocalDay('2026-10-26', VIENNA)).toBe(Date.parse('2026-10-25T23:00:00Z'));
    expect(nextLocalMidnight(Date.parse('2026-10-25T12:00:00Z'), VIENNA)).toBe(Date.parse('2026-10-25T23:00:00Z'));
  });

  it('finds the start of a day whose midnight does not exist', () => {
    // Santiago de Chile springs forward at 24:00: 2026-09-06 starts at 01:00 local.
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(toLocalDateTime(start, 'America/Santiago')).toBe('2026-09-06T01:00:00');
    expect(localDateOf(start - 1, 'America/Santiago')).toBe('2026-09-05');
  });
});

describe('wall time per zone and hour (cached offsets)', () => {
  // Oracle: Intl's own formatting of each instant, independent of the offset cache.
  const sv = new Map<string, Intl.DateTimeFormat>();
  const oracle = (instant: number, zone: string) => {
    let f = sv.get(zone);
    if (!f) sv.set(zone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
    return f.format(instant).replace(' ', 'T');
  };

  it.each([
    ['Europe/Vienna', '2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z'],
    ['Europe/Vienna', '2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z'],
    // Half-hour DST shift, half-hour and quarter-hour offsets.
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z', '2026-04-04T16:00:00Z'],
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z', '2026-06-01T02:00:00Z'],
    ['America/Santiago', '2026-09-06T03:00:00Z', '2026-09-06T05:00:00Z'],
    // A historical change of local mean time by seconds (Amsterdam 1937: +00:19:32 → +00:20).
    ['Europe/Amsterdam', '1937-06-30T22:00:00Z', '1937-07-01T01:00:00Z'],
  ])('agrees with Intl at every second around a transition of %s (%s)', (zone, from, to) => {
    // Read the same hours twice: the second pass is served from the cache.
    for (let pass = 0; pass < 2; pass++) {
      for (let t = Date.parse(from); t < Date.parse(to); t += 997) expect(toLocalDateTime(t, zone), `${zone} ${new Date(t).toISOString()}`).toBe(oracle(t, zone));
    }
  });
});

describe('formatWallTime', () => {
  it('writes exactly what toISOString writes, to the second, for any wall time', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const samples = [0, -1, 999, 1000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, Date.parse('2026-03-29T01:59:59.999Z')];
    for (let i = 0; i < 5_000; i++) samples.push(Math.floor((rand() - 0.3) * 4e12));
    for (const wall of samples) expect(formatWallTime(wall), String(wall)).toBe(new Date(wall).toISOString().slice(0, 19));
  });
});
