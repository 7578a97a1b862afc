/**
 * Filters of GET /v2/attendance-periods. Date-time bounds are inclusive and, like the
 * periods, local date-times without offset; `updated_at` bounds are instants (RFC 3339 with
 * Z or offset) because updated_at is a server timestamp. A period without end never matches
 * an end.date_time bound.
 */
import { LocalDateTime } from '../../clients/personio/schemas.js';
import { badRequest } from './errors.js';
import { hasOffset, wallClockMillis } from './local-date-time.js';
import { single } from './pagination.js';
import { PeriodStatus, type StoredPeriod } from './store.js';

type Check = (p: StoredPeriod) => boolean;

export interface PeriodQuery {
  /** Person ids to restrict to, when the person.id filter is present. */
  personIds: string[] | undefined;
  matches: Check;
}

function idList(query: URLSearchParams, name: string): string[] | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw badRequest(`filter ${name} is empty; give one or more comma-separated ids`, name);
  return ids;
}

function localBound(query: URLSearchParams, name: string): string | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  if (!LocalDateTime.safeParse(raw).success || wallClockMillis(raw) === undefined) {
    const why = hasOffset(raw) ? 'carries a UTC offset or "Z"' : 'is not a local date-time';
    throw badRequest(`filter ${name} "${raw}" ${why}; expected YYYY-MM-DDTHH:mm:ss without offset`, name);
  }
  return raw;
}

function instantBound(query: URLSearchParams, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  const ms = hasOffset(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`filter ${name} "${raw}" is not an RFC 3339 instant with Z or offset`, name);
  return ms;
}

export function parsePeriodQuery(query: URLSearchParams): PeriodQuery {
  const checks: Check[] = [];
  const personIds = idList(query, 'person.id');
  const ids = idList(query, 'id');
  if (ids) {
    const set = new Set(ids);
    checks.push((p) => set.has(p.id));
  }
  const startGte = localBound(query, 'start.date_time.gte');
  const startLte = localBound(query, 'start.date_time.lte');
  const endGte = localBound(query, 'end.date_time.gte');
  const endLte = localBound(query, 'end.date_time.lte');
  if (startGte !== undefined) checks.push((p) => p.start.date_time >= startGte);
  if (startLte !== undefined) checks.push((p) => p.start.date_time <= startLte);
  if (endGte !== undefined) checks.push((p) => p.end !== null && p.end.date_time >= endGte);
  if (endLte !== undefined) checks.push((p) => p.end !== null && p.end.date_time <= endLte);
  const updatedGte = instantBound(query, 'updated_at.gte');
  const updatedLte = instantBound(query, 'updated_at.lte');
  if (updatedGte !== undefined) checks.push((p) => Date.parse(p.updated_at) >= updatedGte);
  if (updatedLte !== undefined) checks.push((p) => Date.parse(p.updated_at) <= updatedLte);
  const status = single(query, 'status');
  if (status !== null) {
    const parsed = PeriodStatus.safeParse(status.toLowerCase());
    if (!parsed.success) throw badRequest(`filter status must be one of ${PeriodStatus.options.join(', ')}, got "${status}"`, 'status');
    checks.push((p) => p.status === parsed.data);
  }
  return { personIds, matches: (p) => checks.every((c) => c(p)) };
}
