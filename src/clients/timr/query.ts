/**
 * Query filters of the timr list endpoints, validated before use and turned into query strings.
 * Array filters go out as repeated keys (`users=a&users=b`), our reading of the spec.
 */
import { z } from 'zod';
import { TimrDateTime, TimrLocalDate, WorkingTimeStatus, WorkingTimeTypeCategory } from './schemas.js';

/** timr spells the descending direction "dsc". */
export const SortDirection = z.enum(['asc', 'dsc']);

export const WorkingTimeFilters = z
  .object({
    start_from: TimrLocalDate,
    start_to: TimrLocalDate,
    last_modified_after: TimrDateTime,
    users: z.array(z.string().min(1)),
    working_time_types: z.array(z.string().min(1)),
    working_time_type_categories: z.array(WorkingTimeTypeCategory),
    statuses: z.array(WorkingTimeStatus),
    changed: z.boolean(),
    notes: z.string(),
    sort_by: z.enum(['start', 'last_modified']),
    sort_direction: SortDirection,
  })
  .partial();
export type WorkingTimeFilters = z.infer<typeof WorkingTimeFilters>;

export const UserFilters = z
  .object({
    name: z.string(),
    employee_number: z.string(),
    resigned: z.boolean(),
    entry_date_from: TimrLocalDate,
    entry_date_to: TimrLocalDate,
    resign_date_from: TimrLocalDate,
    resign_date_to: TimrLocalDate,
  })
  .partial();
export type UserFilters = z.infer<typeof UserFilters>;

/** The page size we always ask for: timr caps at 500, fewer pages means fewer chances to fail. */
export const TIMR_PAGE_LIMIT = 500;

type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

export function toSearchParams(filters: Record<string, QueryValue>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  return params;
}
