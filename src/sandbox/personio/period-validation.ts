/**
 * Validation of attendance-period writes in the order Personio applies it: the body's shape
 * (400, one error per problem, each naming its field), then business rules on the resulting
 * period (422 with the vendor's titles), then the overlap check against the person's others.
 */
import { z } from 'zod';
import { AttendancePeriodCreate, AttendancePeriodPatch } from '../../clients/personio/schemas.js';
import { PersonioApiError, badRequest, genericError, unprocessable, type ErrorSpec } from './errors.js';
import { hasOffset, wallClockMillis } from './local-date-time.js';
import { periodsOverlap } from './overlap.js';
import type { PersonioSettings } from './settings.js';
import type { PeriodContent, StoredPeriod } from './store.js';

// Unknown top-level fields are rejected so a client that believes it sets something it does not (e.g. person on PATCH) finds out.
const StrictCreate = AttendancePeriodCreate.strict();
const StrictPatch = AttendancePeriodPatch.strict();

const DATE_TIME_FIELDS = ['start', 'end'] as const;

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeIssue(body: unknown, issue: z.core.$ZodIssue): ErrorSpec {
  const field = issue.path.map(String).join('.') || '(body)';
  const value = valueAt(body, issue.path);
  let detail: string;
  if (issue.code === 'unrecognized_keys') {
    detail = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}${field === '(body)' ? '' : ` in ${field}`}; remove them`;
  } else if (issue.code === 'invalid_type' && value === undefined) {
    detail = `${field} is required`;
  } else if (field.endsWith('date_time') && typeof value === 'string') {
    detail = hasOffset(value)
      ? `${field} "${value}" carries a UTC offset or "Z"; send local time without offset, e.g. 2026-11-20T08:00:00`
      : `${field} "${value}" is not a local date-time; expected YYYY-MM-DDTHH:mm:ss without offset`;
  } else if (field === 'type') {
    detail = `type must be WORK or BREAK, got ${JSON.stringify(value)}`;
  } else {
    detail = `${field}: ${issue.message}`;
  }
  return genericError(400, detail, { field });
}

function parseOrThrow<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PersonioApiError(400, parsed.error.issues.map((i) => describeIssue(body, i)));
  return parsed.data;
}

/** Rejects date-times that match the format but name no real calendar time (2026-02-30T08:00:00). */
function checkCalendar(fields: Partial<Record<(typeof DATE_TIME_FIELDS)[number], { date_time: string } | null>>): void {
  const problems: ErrorSpec[] = [];
  for (const key of DATE_TIME_FIELDS) {
    const value = fields[key]?.date_time;
    if (value !== undefined && wallClockMillis(value) === undefined) {
      problems.push(genericError(400, `${key}.date_time "${value}" is not a real calendar date-time`, { field: `${key}.date_time` }));
    }
  }
  if (problems.length > 0) throw new PersonioApiError(400, problems);
}

export type PeriodCreate = z.infer<typeof StrictCreate>;
export type PeriodPatch = z.infer<typeof StrictPatch>;

export function parseCreateBody(body: unknown): PeriodCreate {
  const data = parseOrThrow(StrictCreate, body);
  checkCalendar(data);
  return data;
}

export function parsePatchBody(body: unknown): PeriodPatch {
  const data = parseOrThrow(StrictPatch, body);
  if (Object.keys(data).length === 0) {
    throw badRequest('the body names no field to change; send at least one of type, start, end, comment, project');
  }
  checkCalendar(data);
  return data;
}

/** `skip_approval` query flag: absent means false (Personio v2 default). */
export function parseSkipApproval(raw: string | null): boolean {
  if (raw === null || raw === 'false') return false;
  if (raw === 'true') return true;
  throw badRequest(`skip_approval must be "true" or "false", got "${raw}"`, 'skip_approval');
}

/** Business rules on the period as it would be stored; throws the matching 422. */
export function checkPeriodRules(period: PeriodContent, settings: PersonioSettings): void {
  const start = period.start.date_time;
  const end = period.end?.date_time;
  if (end !== undefined) {
    const startMs = wallClockMillis(start)!;
    const endMs = wallClockMillis(end)!;
    if (startMs > endMs) {
      throw unprocessable('Start date greater than end date', `start ${start} is after end ${end}`, 'attendance_periods.start_after_end', 'start.date_time');
    }
    if (startMs === endMs && settings.zeroLengthPeriods === 'reject') {
      // Personio v1 refused these ("Start time … has to be smaller than end time"); v2 is untested.
      throw unprocessable('Period time range too short', `Start time ${start} has to be smaller than end time ${end}`, 'attendance_periods.period_too_short', 'end.date_time');
    }
    if (endMs - startMs > settings.maxPeriodHours * 3_600_000) {
      throw unprocessable('Period time range too long', `${start} to ${end} exceeds the maximum of ${settings.maxPeriodHours} h`, 'attendance_periods.period_too_long', 'end.date_time');
    }
  }
  if (period.type === 'BREAK' && period.project) {
    throw unprocessable('Break periods with project', 'a BREAK period cannot carry a project; drop project or use type WORK', 'attendance_periods.break_with_project', 'project');
  }
  if (settings.commentMaxLength !== null && period.comment !== null && period.comment.length > settings.commentMaxLength) {
    throw badRequest(`comment has ${period.comment.length} characters; the maximum is ${settings.commentMaxLength}`, 'comment');
  }
}

/** Rejects the write when it collides with another period of the same person (`others` excludes the one patched). */
export function checkNoOverlap(period: PeriodContent, others: StoredPeriod[], settings: PersonioSettings): void {
  const span = { start: period.start.date_time, end: period.end?.date_time ?? null };
  const clash = others.find((o) => periodsOverlap(span, { start: o.start.date_time, end: o.end?.date_time ?? null }));
  if (clash) {
    const clashEnd = clash.end?.date_time ?? '(open)';
    throw unprocessable(
      settings.overlapMessage,
      `person ${period.person.id} already has period ${clash.id} from ${clash.start.date_time} to ${clashEnd}`,
      'attendance_periods.overlapping',
      'start.date_time',
    );
  }
}
