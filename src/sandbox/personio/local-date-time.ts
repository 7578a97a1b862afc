/**
 * Personio v2 date-times are wall-clock times without offset (2026-11-20T08:00:00). The sandbox
 * compares and measures them as wall-clock values: the fixed-width format sorts as text, and a
 * duration is the wall-clock difference (Personio keeps no zone with the period).
 */
const PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const OFFSET_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds of the wall-clock value on a UTC scale, or undefined when it is no real calendar time. */
export function wallClockMillis(value: string): number | undefined {
  if (!PATTERN.test(value)) return undefined;
  const ms = Date.parse(`${value}Z`);
  // Date.parse rejects 2026-02-30 only in some engines; a round trip that changes the text means no real calendar time.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value) return undefined;
  return ms;
}

export function hasOffset(value: string): boolean {
  return OFFSET_SUFFIX.test(value) && value.length > 19;
}
