/**
 * Intervals as operators write them: `900`, `900s`, `15m`, `1h30m`, `1d`. Whole seconds only,
 * because the tenant settings store `intervalSeconds` as an integer.
 */
import { UsageError } from './errors.js';

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export function parseDurationSeconds(text: string, option = 'duration'): number {
  const t = text.trim().toLowerCase();
  const fail = (why: string) => new UsageError(`${option} "${text}" ${why}: use seconds (900) or a number with d, h, m or s (900s, 15m, 1h30m)`);
  let seconds: number;
  if (/^\d+$/.test(t)) {
    seconds = Number(t);
  } else {
    const match = DURATION.exec(t);
    if (!t || !match || match.slice(1).every((part) => part === undefined)) throw fail('is not a duration');
    const [, d, h, m, s] = match;
    seconds = Number(d ?? 0) * UNIT_SECONDS.d + Number(h ?? 0) * UNIT_SECONDS.h + Number(m ?? 0) * UNIT_SECONDS.m + Number(s ?? 0);
  }
  if (!Number.isSafeInteger(seconds)) throw fail('is too long');
  if (seconds === 0) throw fail('must be longer than zero');
  return seconds;
}
