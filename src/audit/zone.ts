/**
 * UTC offsets and wall-clock times of an IANA zone, straight from the platform's Intl data.
 * Hand-written rather than reusing src/domain/time-zone.ts: the audit must stay independent of
 * the product's time-zone code, or a bug there would be confirmed instead of caught.
 */

const MINUTE_MS = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`audit: unknown IANA time zone "${zone}"`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes east of UTC in effect in `zone` at the instant. */
export function offsetMinutes(instantMs: number, zone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  const v: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(whole)) if (part.type !== 'literal') v[part.type] = Number(part.value);
  const wall = Date.UTC(v.year ?? 1970, (v.month ?? 1) - 1, v.day ?? 1, v.hour ?? 0, v.minute ?? 0, v.second ?? 0);
  return Math.round((wall - whole) / MINUTE_MS);
}

/** The wall-clock time of an instant in `zone`, as milliseconds on a UTC axis. */
export function wallMs(instantMs: number, zone: string): number {
  return instantMs + offsetMinutes(instantMs, zone) * MINUTE_MS;
}

/** `YYYY-MM-DD` of the instant in `zone`. */
export function localDate(instantMs: number, zone: string): string {
  return new Date(wallMs(instantMs, zone)).toISOString().slice(0, 10);
}

/** A Personio local date-time (`YYYY-MM-DDTHH:mm:ss`, no offset) on the same UTC axis; NaN when unreadable. */
export function localDateTimeMs(value: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value) ? Date.parse(`${value}Z`) : Number.NaN;
}
