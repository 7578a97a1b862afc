/**
 * Personio API v2 wire shapes (attendance periods, persons, auth) per ../shared/API-NOTES.md.
 * Shared by the client (response parsing), the sandbox (serving) and the domain (types).
 */
import { z } from 'zod';

/** Local date-time without offset, e.g. 2026-11-20T08:00:00 — a trailing Z or offset is invalid. */
export const LocalDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'local date-time without offset (YYYY-MM-DDTHH:mm:ss)');

export const PeriodType = z.enum(['WORK', 'BREAK']);
export type PeriodType = z.infer<typeof PeriodType>;

export const AttendancePeriodCreate = z.object({
  person: z.object({ id: z.string().min(1) }),
  type: PeriodType,
  start: z.object({ date_time: LocalDateTime }),
  end: z.object({ date_time: LocalDateTime }).nullable(),
  comment: z.string().optional(),
  project: z.object({ id: z.string() }).nullable().optional(),
});
export type AttendancePeriodCreate = z.infer<typeof AttendancePeriodCreate>;

export const AttendancePeriodPatch = AttendancePeriodCreate.omit({ person: true }).partial();
export type AttendancePeriodPatch = z.infer<typeof AttendancePeriodPatch>;

export const AttendancePeriod = z.object({
  id: z.string().min(1),
  person: z.object({ id: z.string() }),
  type: PeriodType,
  start: z.object({ date_time: LocalDateTime }),
  end: z.object({ date_time: LocalDateTime }).nullable(),
  comment: z.string().nullable().optional(),
  project: z.object({ id: z.string() }).nullable().optional(),
  status: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type AttendancePeriod = z.infer<typeof AttendancePeriod>;

/**
 * Absence periods (`/v2/absence-periods`): time off of an absence type, in local date-times
 * without offset like attendances. The body's field names follow Personio's v2 reference
 * (person, absence_type, starts_from, ends_at, comment).
 */
export const AbsencePeriodCreate = z.object({
  person: z.object({ id: z.string().min(1) }),
  absence_type: z.object({ id: z.string().min(1) }),
  starts_from: z.object({ date_time: LocalDateTime }),
  ends_at: z.object({ date_time: LocalDateTime }).nullable(),
  comment: z.string().optional(),
});
export type AbsencePeriodCreate = z.infer<typeof AbsencePeriodCreate>;

export const AbsencePeriod = z.object({
  id: z.string().min(1),
  person: z.object({ id: z.string() }),
  absence_type: z.object({ id: z.string() }),
  starts_from: z.object({ date_time: LocalDateTime }),
  ends_at: z.object({ date_time: LocalDateTime }).nullable(),
  comment: z.string().nullable().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type AbsencePeriod = z.infer<typeof AbsencePeriod>;

/** An absence (time-off) type of the account, e.g. "Überstundenausgleich". */
export const AbsenceType = z.object({ id: z.string().min(1), name: z.string() });
export type AbsenceType = z.infer<typeof AbsenceType>;

export const Link = z.object({ href: z.string() });
export const Meta = z.object({ links: z.object({ self: Link.optional(), next: Link.optional() }).partial().optional() }).passthrough();

export const listResponse = <T extends z.ZodTypeAny>(item: T) => z.object({ _data: z.array(item), _meta: Meta.optional() });

export const AttendancePeriodsList = listResponse(AttendancePeriod);
export const AbsencePeriodsList = listResponse(AbsencePeriod);

export const CreatedResponse = z.object({ id: z.string().min(1), _meta: Meta.optional() });

export const Person = z.object({
  id: z.string().min(1),
  email: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  status: z.string().optional(),
  /** Employee number as the customer keeps it; not all accounts fill it. */
  employee_number: z.string().nullable().optional(),
  /**
   * Hire and termination day (YYYY-MM-DD) where the account exposes them (*unconfirmed*: v2
   * keeps them on the person's employment; absent, timr's entry/resign dates stay empty).
   */
  hire_date: z.string().nullable().optional(),
  termination_date: z.string().nullable().optional(),
});
export type Person = z.infer<typeof Person>;

export const PersonsList = listResponse(Person);

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});

export const ErrorResponse = z.object({
  personio_trace_id: z.string().optional(),
  timestamp: z.string().optional(),
  errors: z.array(
    z.object({ title: z.string(), detail: z.string().optional(), type: z.string().optional(), _meta: z.unknown().optional() }),
  ),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
