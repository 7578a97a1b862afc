/** timr notes → Personio comment: trimmed, and cut (never dropped) when too long. */

export interface FittedComment {
  /** Absent when the notes are empty. */
  comment?: string;
  /** Length in characters before cutting; present only when the notes were cut. */
  cutFrom?: number;
}

const ELLIPSIS = '…';

export function fitComment(notes: string | null | undefined, maxLength: number): FittedComment {
  const trimmed = notes?.trim() ?? '';
  if (trimmed === '') return {};
  // Count code points so a cut never splits an emoji or other surrogate pair.
  const chars = Array.from(trimmed);
  if (chars.length <= maxLength) return { comment: trimmed };
  return { comment: chars.slice(0, maxLength - 1).join('').trimEnd() + ELLIPSIS, cutFrom: chars.length };
}
