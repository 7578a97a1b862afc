/**
 * Cursor pagination the way Personio v2 serves it: an opaque `cursor`, a `limit` within the
 * endpoint's range, and an absolute `_meta.links.next.href` the client follows as is.
 * Cursors are keyset positions (the last item's sort key), so writes between pages neither
 * skip nor repeat unchanged items; a cursor is bound to the filters it was issued for.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest } from './errors.js';

export interface LimitRange {
  min: number;
  max: number;
  default: number;
}

const CursorPayload = z.object({ after: z.array(z.string()), q: z.string() });

/** Query parameters of the request, from the raw URL so dotted names stay flat. */
export function queryOf(request: FastifyRequest): URLSearchParams {
  return new URL(request.url, 'http://sandbox.invalid').searchParams;
}

/** A parameter that may appear once; repeating it is a client bug worth a 400. */
export function single(query: URLSearchParams, name: string): string | null {
  const all = query.getAll(name);
  if (all.length > 1) throw badRequest(`query parameter ${name} is given ${all.length} times; give it once`, name);
  return all[0] ?? null;
}

export function parseLimit(query: URLSearchParams, range: LimitRange): number {
  const raw = single(query, 'limit');
  if (raw === null) return range.default;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw badRequest(`limit must be an integer from ${range.min} to ${range.max}, got "${raw}"`, 'limit');
  }
  return n;
}

/** Fingerprint of everything but cursor and limit: a cursor only continues the query it came from. */
function filterFingerprint(query: URLSearchParams): string {
  const entries = [...query.entries()].filter(([k]) => k !== 'cursor' && k !== 'limit').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 16);
}

function encodeCursor(after: string[], query: URLSearchParams): string {
  return Buffer.from(JSON.stringify({ after, q: filterFingerprint(query) })).toString('base64url');
}

function decodeCursor(raw: string, query: URLSearchParams): string[] {
  let payload: z.infer<typeof CursorPayload>;
  try {
    payload = CursorPayload.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('cursor is not a cursor this API issued; start again without cursor', 'cursor');
  }
  if (payload.q !== filterFingerprint(query)) {
    throw badRequest('cursor was issued for different filters; keep the filters unchanged while paging', 'cursor');
  }
  return payload.after;
}

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Absolute URL on the host the client called, so links work behind any port or name. */
export function absoluteHref(request: FastifyRequest, path: string, query?: URLSearchParams): string {
  const search = query?.toString() ?? '';
  return `${request.protocol}://${request.host}${path}${search ? `?${search}` : ''}`;
}

function absoluteUrl(request: FastifyRequest, query: URLSearchParams): string {
  return absoluteHref(request, request.url.split('?', 1)[0] ?? '', query);
}

export interface ListPage<T> {
  _data: T[];
  _meta: { links: { self: { href: string }; next?: { href: string } } };
}

/**
 * One page of `items` (already filtered) ordered by `keyOf`, with self and next links built
 * from the request's own URL and Host.
 */
export function paginate<T>(request: FastifyRequest, items: T[], keyOf: (item: T) => string[], range: LimitRange): ListPage<T> {
  const query = queryOf(request);
  const limit = parseLimit(query, range);
  const cursorRaw = single(query, 'cursor');
  const after = cursorRaw === null ? undefined : decodeCursor(cursorRaw, query);
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .filter((e) => after === undefined || compareKeys(e.key, after) > 0)
    .sort((a, b) => compareKeys(a.key, b.key));
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  const links: ListPage<T>['_meta']['links'] = { self: { href: absoluteUrl(request, query) } };
  if (sorted.length > limit && last) {
    const nextQuery = new URLSearchParams(query);
    nextQuery.set('cursor', encodeCursor(last.key, query));
    links.next = { href: absoluteUrl(request, nextQuery) };
  }
  return { _data: page.map((e) => e.item), _meta: { links } };
}
