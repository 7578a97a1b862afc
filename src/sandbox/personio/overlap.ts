/**
 * When two attendance periods of one person collide. Positive-length periods are half-open
 * intervals: touching ends never overlap. A zero-length period (start == end, how the sync
 * books Zeitausgleich) and an open period (no end, treated as a point at its start) collide
 * with a positive period only strictly inside it, and with another point at the same instant.
 */
export interface Span {
  /** Local date-time without offset; the fixed-width format compares correctly as text. */
  start: string;
  /** null for an open period. */
  end: string | null;
}

export function periodsOverlap(a: Span, b: Span): boolean {
  const aEnd = a.end ?? a.start;
  const bEnd = b.end ?? b.start;
  const aPoint = aEnd === a.start;
  const bPoint = bEnd === b.start;
  if (aPoint && bPoint) return a.start === b.start;
  if (aPoint) return b.start < a.start && a.start < bEnd;
  if (bPoint) return a.start < b.start && b.start < aEnd;
  return a.start < bEnd && b.start < aEnd;
}
