/** Queries of GET /users and GET /working-time-types (the filters our integration relies on, plus name). */
import { z } from 'zod';
import { WorkingTimeTypeCategory, type User, type WorkingTimeType } from '../../clients/timr/schemas.js';
import { booleanParam, enumList, pagingParams, stringParam } from './query-params.js';

export const UsersQuery = z.object({
  name: stringParam,
  employee_number: stringParam,
  resigned: booleanParam,
  ...pagingParams(['name'], 'name'),
});
export type UsersQuery = z.infer<typeof UsersQuery>;

/** A user has resigned once their resign date is today or earlier. */
export function userMatcher(query: UsersQuery, today: string): (user: User) => boolean {
  const name = query.name?.toLowerCase();
  return (user) => {
    if (query.employee_number !== undefined && user.employee_number !== query.employee_number) return false;
    if (query.resigned !== undefined) {
      const resigned = user.resign_date != null && user.resign_date <= today;
      if (resigned !== query.resigned) return false;
    }
    if (name !== undefined && !(user.fullname ?? `${user.firstname ?? ''} ${user.lastname ?? ''}`).toLowerCase().includes(name)) return false;
    return true;
  };
}

/** "name orders by last name, then first name" (vendor spec). */
export const userSortKey = (user: User): string => `${user.lastname ?? ''}\u0000${user.firstname ?? ''}`;

export const WorkingTimeTypesQuery = z.object({
  name: stringParam,
  categories: enumList(WorkingTimeTypeCategory),
  archived: booleanParam,
  ...pagingParams(['name'], 'name'),
});
export type WorkingTimeTypesQuery = z.infer<typeof WorkingTimeTypesQuery>;

export function workingTimeTypeMatcher(query: WorkingTimeTypesQuery): (type: WorkingTimeType) => boolean {
  const name = query.name?.toLowerCase();
  const categories = query.categories && new Set<string>(query.categories);
  return (type) => {
    if (name !== undefined && !type.name.toLowerCase().includes(name)) return false;
    if (categories && !categories.has(type.category)) return false;
    if (query.archived !== undefined && type.archived !== query.archived) return false;
    return true;
  };
}
