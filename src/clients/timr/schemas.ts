/**
 * timr REST API v1 wire shapes (see ../shared/specs/timr-v1-openapi.yaml).
 * One source of truth: the client parses responses with these, the sandbox seeds and
 * serves them, the domain transform takes their inferred types.
 * Parsing is lenient on unknown fields (the vendor adds fields) and strict on what we use.
 */
import { z } from 'zod';

/** RFC 3339 instant with offset, as timr sends it (device offset for times, UTC for last_modified). */
export const TimrDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'RFC 3339 date-time with offset');
export const TimrLocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const WorkingTimeStatus = z.enum(['running', 'paused', 'changeable', 'locked', 'approved', 'closed', 'archived']);
export type WorkingTimeStatus = z.infer<typeof WorkingTimeStatus>;

export const WorkingTimeTypeCategory = z.enum([
  'attendance_time',
  'vacation',
  'paid_time_off',
  'unpaid_time_off',
  'suspension',
  'break_time',
]);
export type WorkingTimeTypeCategory = z.infer<typeof WorkingTimeTypeCategory>;

export const BreakTimeManual = z.object({
  type: z.literal('manual'),
  duration_minutes: z.number().int().nonnegative(),
  start: TimrDateTime.nullable().optional(),
  end: TimrDateTime.nullable().optional(),
});
export const BreakTimeAutomatic = z.object({
  type: z.literal('automatic'),
  duration_minutes: z.number().int().nonnegative(),
  start: TimrDateTime.nullable(),
  end: TimrDateTime.nullable(),
});
export const BreakTimeOngoing = z.object({
  type: z.literal('ongoing'),
  start: TimrDateTime,
});
export const BreakTime = z.discriminatedUnion('type', [BreakTimeManual, BreakTimeAutomatic, BreakTimeOngoing]);
export type BreakTime = z.infer<typeof BreakTime>;

export const Duration = z.object({
  type: z.enum(['minutes', 'full_day', 'half_day']),
  minutes: z.number().int(),
  minutes_rounded: z.number().int(),
});
export type Duration = z.infer<typeof Duration>;

export const UserPartial = z.object({
  id: z.string().min(1),
  firstname: z.string().nullable(),
  lastname: z.string().nullable(),
  fullname: z.string().nullable(),
  email: z.string().nullable(),
  employee_number: z.string().nullable(),
  external_id: z.string().nullable(),
});
export type UserPartial = z.infer<typeof UserPartial>;

export const User = UserPartial.extend({
  login: z.string().optional(),
  entry_date: TimrLocalDate.nullable().optional(),
  resign_date: TimrLocalDate.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type User = z.infer<typeof User>;

export const UserCreate = z.object({
  login: z.string().min(1),
  firstname: z.string().min(1),
  lastname: z.string().min(1),
  email: z.string().email().nullable().optional(),
  employee_number: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  entry_date: TimrLocalDate.nullable().optional(),
  resign_date: TimrLocalDate.nullable().optional(),
  /** Free-form; provisioning records which run created the user (reconcile after a lost answer). */
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type UserCreate = z.infer<typeof UserCreate>;

export const WorkingTimeTypePartial = z.object({
  id: z.string().min(1),
  name: z.string(),
  external_id: z.string().nullable(),
});
export type WorkingTimeTypePartial = z.infer<typeof WorkingTimeTypePartial>;

export const WorkingTimeType = WorkingTimeTypePartial.extend({
  short_name: z.string().nullable(),
  description: z.string().nullable().optional(),
  edit_unit: z.enum(['minutes', 'half_days', 'days']),
  category: WorkingTimeTypeCategory,
  sub_category: z.string().nullable(),
  recording_mode_user: z.string().optional(),
  archived: z.boolean(),
  requires_substitute: z.boolean().optional(),
});
export type WorkingTimeType = z.infer<typeof WorkingTimeType>;

export const Metadata = z.record(z.string(), z.unknown());

export const WorkingTime = z.object({
  id: z.string().min(1),
  start: TimrDateTime,
  end: TimrDateTime.nullable(),
  break_time_total_minutes: z.number().int().nonnegative(),
  break_times: z.array(BreakTime),
  duration: Duration.nullable(),
  changed: z.boolean(),
  notes: z.string().nullable(),
  user: UserPartial,
  working_time_type: WorkingTimeTypePartial,
  status: WorkingTimeStatus,
  last_modified: TimrDateTime,
  /** Who made the last change: null for API clients (no user context), the employee for their own edits. */
  last_modified_by: UserPartial.nullable().optional(),
  metadata: Metadata.nullable().optional(),
});
export type WorkingTime = z.infer<typeof WorkingTime>;

/** Body of PATCH /working-times/{id}: any subset. */
export const WorkingTimeUpdate = z
  .object({
    start: TimrDateTime,
    end: TimrDateTime.nullable(),
    break_times: z.array(
      z.object({
        type: z.enum(['manual', 'automatic']).optional(),
        duration_minutes: z.number().int().nonnegative().optional(),
        start: TimrDateTime.nullable().optional(),
        end: TimrDateTime.nullable().optional(),
      }),
    ),
    changed: z.boolean(),
    notes: z.string().nullable(),
    working_time_type_id: z.string(),
    status: WorkingTimeStatus,
    metadata: Metadata.nullable(),
  })
  .partial();
export type WorkingTimeUpdate = z.infer<typeof WorkingTimeUpdate>;

export const DeletedEntry = z.object({
  id: z.string().min(1),
  last_modified: TimrDateTime,
  last_modified_by: UserPartial.nullable(),
  metadata: Metadata.nullable().optional(),
});
export type DeletedEntry = z.infer<typeof DeletedEntry>;

export const page = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_page_token: z.string().nullable() });

export const WorkingTimesPage = page(WorkingTime);
export const DeletedEntriesPage = page(DeletedEntry);
export const UsersPage = page(User);
export const WorkingTimeTypesPage = page(WorkingTimeType);

export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** RFC 9457 problem details as timr sends them. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().nullable().optional(),
  instance: z.string().nullable().optional(),
  timestamp: z.string().optional(),
  trace_id: z.string().optional(),
  errors: z.array(z.object({ type: z.string().optional(), field: z.string().optional(), detail: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
