import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../src/cli/commands/duration.js';
import { UsageError } from '../../src/cli/commands/errors.js';
import { formatRelative, formatSeconds } from '../../src/cli/format/durations.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['900s', 900],
    ['15m', 900],
    ['1h', 3600],
    ['1h30m', 5400],
    ['2d', 172_800],
    ['1d2h3m4s', 93_784],
    [' 15M ', 900],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '0', '0m', 'abc', '15 m', '1.5h', '-5', 'm', '15m1h', '5x', '1h-30m'])('rejects %j with a usage error naming the option', (text) => {
    expect(() => parseDurationSeconds(text, '--interval')).toThrow(UsageError);
    expect(() => parseDurationSeconds(text, '--interval')).toThrow(/--interval/);
  });

  it('rejects values beyond safe integers instead of rounding them', () => {
    expect(() => parseDurationSeconds('99999999999999999999')).toThrow(/too long/);
  });

  it('round-trips what formatSeconds prints (without its spaces)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * 86_400 }), (seconds) => {
        expect(parseDurationSeconds(formatSeconds(seconds).replace(/ /g, ''))).toBe(seconds);
      }),
    );
  });
});

describe('formatSeconds and formatRelative', () => {
  it('drops zero parts', () => {
    expect(formatSeconds(0)).toBe('0s');
    expect(formatSeconds(900)).toBe('15m');
    expect(formatSeconds(3_661)).toBe('1h 1m 1s');
    expect(formatSeconds(86_400)).toBe('1d');
  });

  it('says in which direction a time lies', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    expect(formatRelative(new Date('2026-11-26T10:15:00Z'), now)).toBe('in 15m');
    expect(formatRelative(new Date('2026-11-26T09:59:30Z'), now)).toBe('30s ago');
    expect(formatRelative(now, now)).toBe('now');
  });
});
