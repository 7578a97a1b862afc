/**
 * Cursor pagination as timr does it. A page token names the last row served by its sort key
 * and id (not an offset), so rows inserted, deleted or re-sorted between two requests never
 * make the walk skip or repeat rows that did not change. The token also carries a fingerprint
 * of the query it belongs to: resuming it under other filters or another sort is rejected.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const SortDirection = z.enum(['asc', 'dsc']);
export type SortDirection = z.infer<typeof SortDirection>;

export const MAX_LIMIT = 500;
export const DEFAULT_LIMIT = 20;

export type SortKey = string | number;

const PagePosition = z.object({
  v: z.literal(1),
  k: z.union([z.string(), z.number()]),
  id: z.string(),
  f: z.string(),
});
type PagePosition = z.infer<typeof PagePosition>;

export class PageTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PageTokenError';
  }
}

/** Canonical JSON (sorted keys) so the same query always yields the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of everything that defines a result: endpoint, tenant, filters and sort. */
export function queryFingerprint(query: unknown): string {
  return createHash('sha256').update(canonical(query)).digest('base64url').slice(0, 16);
}

export function encodePageToken(key: SortKey, id: string, fingerprint: string): string {
  const position: PagePosition = { v: 1, k: key, id, f: fingerprint };
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodePageToken(token: string, fingerprint: string): { key: SortKey; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new PageTokenError('page_token is not a token this API issued; pass next_page_token from the previous response unchanged');
  }
  const position = PagePosition.safeParse(parsed);
  if (!position.success) {
    throw new PageTokenError('page_token is not a token this API issued; pass next_page_token from the previous response unchanged');
  }
  if (position.data.f !== fingerprint) {
    throw new PageTokenError(
      'page_token belongs to a different query: keep filters and sorting identical while paging, or start again without page_token',
    );
  }
  return { key: position.data.k, id: position.data.id };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Total order: the sort key, then the id as tiebreaker (ids are unique per tenant). */
function compareRows(a: { key: SortKey; id: string }, b: { key: SortKey; id: string }, direction: SortDirection): number {
  const byKey = compareKeys(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return direction === 'asc' ? byKey : -byKey;
}

export interface PageQuery<T> {
  sortKey: (item: T) => SortKey;
  direction: SortDirection;
  limit: number;
  /** Position decoded from page_token: rows strictly after it are served. */
  after?: { key: SortKey; id: string };
  fingerprint: string;
}

export interface Page<T> {
  data: T[];
  next_page_token: string | null;
}

export function paginate<T extends { id: string }>(items: readonly T[], query: PageQuery<T>): Page<T> {
  const rows = items
    .map((item) => ({ item, key: query.sortKey(item), id: item.id }))
    .sort((a, b) => compareRows(a, b, query.direction));
  const after = query.after;
  const start = after ? rows.filter((r) => compareRows(r, after, query.direction) > 0) : rows;
  const page = start.slice(0, query.limit);
  const last = page[page.length - 1];
  const more = start.length > page.length && last !== undefined;
  return {
    data: page.map((r) => r.item),
    next_page_token: more ? encodePageToken(last.key, last.id, query.fingerprint) : null,
  };
}
