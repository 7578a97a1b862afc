/**
 * Query of GET /working-times and GET /working-times:deleted, and what each filter means.
 * `start_from`/`start_to` compare with the calendar day of `start` as recorded (the device's
 * local day, not UTC); `last_modified_after` is strictly after; categories are resolved
 * through the tenant's working time types, since entries only carry the type's id.
 */
import { z } from 'zod';
import {
  WorkingTimeStatus,
  WorkingTimeTypeCategory,
  type DeletedEntry,
  type WorkingTime,
  type WorkingTimeType,
} from '../../clients/timr/schemas.js';
import { booleanParam, dateTimeParam, enumList, list, localDateParam, pagingParams, stringParam } from './query-params.js';

export const WorkingTimesQuery = z.object({
  notes: stringParam,
  start_from: localDateParam,
  start_to: localDateParam,
  last_modified_after: dateTimeParam,
  users: list(z.string()),
  working_time_types: list(z.string()),
  working_time_type_categories: enumList(WorkingTimeTypeCategory),
  statuses: enumList(WorkingTimeStatus),
  changed: booleanParam,
  ...pagingParams(['start', 'last_modified'], 'start'),
});
export type WorkingTimesQuery = z.infer<typeof WorkingTimesQuery>;

export const DeletedWorkingTimesQuery = z.object({
  last_modified_after: dateTimeParam,
  ...pagingParams(['last_modified'], 'last_modified'),
});
export type DeletedWorkingTimesQuery = z.infer<typeof DeletedWorkingTimesQuery>;

const modifiedAfter = (lastModified: string, after: string | undefined) => after === undefined || Date.parse(lastModified) > Date.parse(after);

export function workingTimeMatcher(query: WorkingTimesQuery, types: ReadonlyMap<string, WorkingTimeType>): (entry: WorkingTime) => boolean {
  const users = query.users && new Set(query.users);
  const typeIds = query.working_time_types && new Set(query.working_time_types);
  const categories = query.working_time_type_categories && new Set<string>(query.working_time_type_categories);
  const statuses = query.statuses && new Set<string>(query.statuses);
  const notes = query.notes?.toLowerCase();
  return (entry) => {
    const day = entry.start.slice(0, 10);
    if (query.start_from !== undefined && day < query.start_from) return false;
    if (query.start_to !== undefined && day > query.start_to) return false;
    if (!modifiedAfter(entry.last_modified, query.last_modified_after)) return false;
    if (users && !users.has(entry.user.id)) return false;
    if (typeIds && !typeIds.has(entry.working_time_type.id)) return false;
    if (categories) {
      const category = types.get(entry.working_time_type.id)?.category;
      if (category === undefined || !categories.has(category)) return false;
    }
    if (statuses && !statuses.has(entry.status)) return false;
    if (query.changed !== undefined && entry.changed !== query.changed) return false;
    if (notes !== undefined && !(entry.notes ?? '').toLowerCase().includes(notes)) return false;
    return true;
  };
}

export function workingTimeSortKey(query: WorkingTimesQuery): (entry: WorkingTime) => number {
  return query.sort_by === 'start' ? (e) => Date.parse(e.start) : (e) => Date.parse(e.last_modified);
}

export function deletedMatcher(query: DeletedWorkingTimesQuery): (entry: DeletedEntry) => boolean {
  return (entry) => modifiedAfter(entry.last_modified, query.last_modified_after);
}
