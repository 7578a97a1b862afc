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

export const Link = z.object({ href: z.string() });
export const Meta = z.object({ links: z.object({ self: Link.optional(), next: Link.optional() }).partial().optional() }).passthrough();

export const listResponse = <T extends z.ZodTypeAny>(item: T) => z.object({ _data: z.array(item), _meta: Meta.optional() });

export const AttendancePeriodsList = listResponse(AttendancePeriod);

export const CreatedResponse = z.object({ id: z.string().min(1), _meta: Meta.optional() });

export const Person = z.object({
  id: z.string().min(1),
  email: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  status: z.string().optional(),
  /** Employee number as the customer keeps it; not all accounts fill it. */
  employee_number: z.string().nullable().optional(),
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
