/**
 * timr notes → Personio comment: trimmed, and cut (never dropped) when too long.
 *
 * Limits like Personio's count UTF-16 code units (JavaScript's `length`): an emoji is two. The
 * cut keeps whole code points, so it never splits a surrogate pair, and ends with "…" — the
 * result, marker included, fits the limit.
 */

export interface FittedComment {
  /** Absent when the notes are empty. */
  comment?: string;
  /** Length in UTF-16 code units before cutting; present only when the notes were cut. */
  cutFrom?: number;
}

const ELLIPSIS = '…';

export function fitComment(notes: string | null | undefined, maxLength: number): FittedComment {
  const trimmed = notes?.trim() ?? '';
  if (trimmed === '') return {};
  if (trimmed.length <= maxLength) return { comment: trimmed };
  const room = maxLength - ELLIPSIS.length;
  let kept = '';
  for (const codePoint of trimmed) {
    if (kept.length + codePoint.length > room) break;
    kept += codePoint;
  }
  return { comment: kept.trimEnd() + ELLIPSIS, cutFrom: trimmed.length };
}
