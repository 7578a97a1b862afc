/**
 * Query filters of the Personio v2 list endpoints. Callers use camelCase names; Personio's
 * dotted names (`person.id`, `start.date_time.gte`) and comma-separated lists live only here.
 */
import { z } from 'zod';
import { LocalDateTime } from './schemas.js';

const Ids = z.array(z.string().min(1)).min(1);

export const AttendancePeriodFilters = z
  .object({
    personIds: Ids,
    ids: Ids,
    startGte: LocalDateTime,
    startLte: LocalDateTime,
    endGte: LocalDateTime,
    endLte: LocalDateTime,
    updatedGte: z.string().min(1),
    updatedLte: z.string().min(1),
    status: z.string().min(1),
    /** Page size, 1–100; we default to the maximum. */
    limit: z.number().int().min(1).max(100),
  })
  .partial();
export type AttendancePeriodFilters = z.infer<typeof AttendancePeriodFilters>;

export const AbsencePeriodFilters = z
  .object({
    personIds: Ids,
    ids: Ids,
    absenceTypeIds: Ids,
    startsFromGte: LocalDateTime,
    startsFromLte: LocalDateTime,
    /** Page size, 1–100; we default to the maximum. */
    limit: z.number().int().min(1).max(100),
  })
  .partial();
export type AbsencePeriodFilters = z.infer<typeof AbsencePeriodFilters>;

export const PersonFilters = z
  .object({
    email: z.string().min(1),
    ids: Ids,
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    status: z.string().min(1),
    /** Page size, 1–50; we default to the maximum. */
    limit: z.number().int().min(1).max(50),
  })
  .partial();
export type PersonFilters = z.infer<typeof PersonFilters>;

function params(entries: [string, string | undefined][]): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of entries) if (v !== undefined) out.set(k, v);
  return out;
}

export function attendancePeriodParams(f: AttendancePeriodFilters): URLSearchParams {
  return params([
    ['person.id', f.personIds?.join(',')],
    ['id', f.ids?.join(',')],
    ['start.date_time.gte', f.startGte],
    ['start.date_time.lte', f.startLte],
    ['end.date_time.gte', f.endGte],
    ['end.date_time.lte', f.endLte],
    ['updated_at.gte', f.updatedGte],
    ['updated_at.lte', f.updatedLte],
    ['status', f.status],
    ['limit', String(f.limit ?? 100)],
  ]);
}

export function personParams(f: PersonFilters): URLSearchParams {
  return params([
    ['email', f.email],
    ['id', f.ids?.join(',')],
    ['first_name', f.firstName],
    ['last_name', f.lastName],
    ['status', f.status],
    ['limit', String(f.limit ?? 50)],
  ]);
}

export function absencePeriodParams(f: AbsencePeriodFilters): URLSearchParams {
  return params([
    ['person.id', f.personIds?.join(',')],
    ['id', f.ids?.join(',')],
    ['absence_type.id', f.absenceTypeIds?.join(',')],
    ['starts_from.date_time.gte', f.startsFromGte],
    ['starts_from.date_time.lte', f.startsFromLte],
    ['limit', String(f.limit ?? 100)],
  ]);
}
