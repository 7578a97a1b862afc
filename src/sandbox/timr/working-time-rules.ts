/**
 * What a change to a working time is allowed to do, as pure functions over the stored entry:
 * consistency (end not before start, breaks inside the entry, closed entries have an end,
 * referenced types exist), derived fields (break total, duration), and the API-only rules
 * (locked entries refuse content edits; "by request" types answer with a redirect).
 */
import { z } from 'zod';
import {
  Duration,
  WorkingTimeUpdate,
  type BreakTime,
  type WorkingTime,
  type WorkingTimeStatus,
  type WorkingTimeType,
} from '../../clients/timr/schemas.js';
import { errorType, type ProblemEntry, type ProblemInput } from './problems.js';

/**
 * PATCH body as the API accepts it: the shared update shape plus the members of the spec's
 * WorkingTimeUpdate that the sandbox accepts but does not model (locations, duration_type).
 * Anything else is an unknown property, which timr rejects.
 */
export const ApiWorkingTimeUpdate = z.strictObject({
  ...WorkingTimeUpdate.shape,
  duration_type: Duration.shape.type.nullable().optional(),
  start_location: z.record(z.string(), z.unknown()).nullable().optional(),
  end_location: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ApiWorkingTimeUpdate = z.infer<typeof ApiWorkingTimeUpdate>;

/** Members whose change alters what was worked; everything else is status or bookkeeping. */
export const CONTENT_FIELDS = ['start', 'end', 'break_times', 'notes', 'working_time_type_id'] as const;

/** Statuses from which timr refuses content edits (locked, and the stages after it). */
export const CONTENT_LOCKED_STATUSES: readonly WorkingTimeStatus[] = ['locked', 'approved', 'closed', 'archived'];
const OPEN_STATUSES: readonly WorkingTimeStatus[] = ['running', 'paused'];

export type RuleResult<T> = { ok: true; value: T } | { ok: false; problem: ProblemInput };

const fail = (problem: ProblemInput): { ok: false; problem: ProblemInput } => ({ ok: false, problem });

function invalid(slug: string, field: string, detail: string): { ok: false; problem: ProblemInput } {
  return fail({ status: 400, type: errorType('validation', slug), detail, errors: [{ type: errorType('validation', slug), field, detail }] });
}

const minutesBetween = (start: string, end: string) => Math.floor((Date.parse(end) - Date.parse(start)) / 60_000);

type BreakInput = NonNullable<WorkingTimeUpdate['break_times']>[number];

function normaliseBreak(input: BreakInput, index: number): RuleResult<BreakTime> {
  const field = `$.break_times[${index}]`;
  const type = input.type ?? 'manual';
  const start = input.start ?? null;
  const end = input.end ?? null;
  if ((start === null) !== (end === null)) {
    return invalid('break-position', `${field}.${start === null ? 'start' : 'end'}`, `break ${index}: give both start and end, or neither`);
  }
  let duration = input.duration_minutes;
  if (start !== null && end !== null) {
    if (Date.parse(end) < Date.parse(start)) return invalid('end-before-start', `${field}.end`, `break ${index}: end ${end} is before start ${start}`);
    const positioned = minutesBetween(start, end);
    if (duration !== undefined && duration !== positioned) {
      return invalid(
        'break-duration-mismatch',
        `${field}.duration_minutes`,
        `break ${index}: duration_minutes ${duration} does not match start/end (${positioned} minutes); send one or make them agree`,
      );
    }
    duration = positioned;
  }
  if (duration === undefined) {
    return invalid('not-null', `${field}.duration_minutes`, `break ${index}: duration_minutes is required when start and end are not given`);
  }
  return { ok: true, value: { type, duration_minutes: duration, start, end } };
}

function breakMinutes(breaks: readonly BreakTime[]): number {
  return breaks.reduce((sum, b) => sum + (b.type === 'ongoing' ? 0 : b.duration_minutes), 0);
}

function checkBreaksInside(breaks: readonly BreakTime[], start: string, end: string | null): RuleResult<void> {
  const from = Date.parse(start);
  const to = end === null ? Number.POSITIVE_INFINITY : Date.parse(end);
  for (const [i, b] of breaks.entries()) {
    const bStart = b.start ?? null;
    const bEnd = b.type === 'ongoing' ? null : (b.end ?? null);
    const outside = (bStart !== null && Date.parse(bStart) < from) || (bEnd !== null && Date.parse(bEnd) > to);
    if (outside) {
      return invalid('break-outside-working-time', `$.break_times[${i}]`, `break ${i} (${bStart} – ${bEnd}) lies outside the working time ${start} – ${end}`);
    }
  }
  return { ok: true, value: undefined };
}

function unknownType(id: string): { ok: false; problem: ProblemInput } {
  const entry: ProblemEntry = {
    type: errorType('reference-not-found', 'working-time-type'),
    field: '$.working_time_type_id',
    detail: `Working time type ${id} not found; use an id from GET /working-time-types`,
  };
  return fail({ status: 422, type: errorType('reference-not-found'), detail: 'Referenced entity not found', errors: [entry] });
}

/**
 * The entry after `update`, with derived fields recomputed — or the problem that rejects it.
 * Audit fields (last_modified, last_modified_by) are the store's business.
 */
export function applyUpdate(entry: WorkingTime, update: WorkingTimeUpdate, types: ReadonlyMap<string, WorkingTimeType>): RuleResult<WorkingTime> {
  let workingTimeType = entry.working_time_type;
  if (update.working_time_type_id !== undefined) {
    const type = types.get(update.working_time_type_id);
    if (!type) return unknownType(update.working_time_type_id);
    workingTimeType = { id: type.id, name: type.name, external_id: type.external_id };
  }

  const start = update.start ?? entry.start;
  const end = update.end !== undefined ? update.end : entry.end;
  if (end !== null && Date.parse(end) < Date.parse(start)) {
    return invalid('end-before-start', update.end !== undefined ? '$.end' : '$.start', `end ${end} is before start ${start}`);
  }

  let breaks = entry.break_times;
  if (update.break_times !== undefined) {
    breaks = [];
    for (const [i, input] of update.break_times.entries()) {
      const b = normaliseBreak(input, i);
      if (!b.ok) return b;
      breaks.push(b.value);
    }
  }
  const inside = checkBreaksInside(breaks, start, end);
  if (!inside.ok) return inside;

  const status = update.status ?? entry.status;
  if (end === null && !OPEN_STATUSES.includes(status)) {
    return fail({ status: 400, type: errorType('validation', 'end-time-required'), detail: `End time must be defined for a ${status} working time` });
  }

  const breakTotal = breakMinutes(breaks);
  let duration = entry.duration;
  const timingChanged = update.start !== undefined || update.end !== undefined || update.break_times !== undefined;
  if (timingChanged) {
    if (end === null) duration = null;
    else if (entry.duration && entry.duration.type !== 'minutes') duration = entry.duration;
    else {
      const net = minutesBetween(start, end) - breakTotal;
      if (net < 0) return invalid('break-too-long', '$.break_times', `breaks (${breakTotal} minutes) are longer than the working time ${start} – ${end}`);
      duration = { type: 'minutes', minutes: net, minutes_rounded: net };
    }
  }

  return {
    ok: true,
    value: {
      ...entry,
      start,
      end,
      break_times: breaks,
      break_time_total_minutes: breakTotal,
      duration,
      working_time_type: workingTimeType,
      status,
      ...(update.notes !== undefined ? { notes: update.notes } : {}),
      ...(update.changed !== undefined ? { changed: update.changed } : {}),
      ...(update.metadata !== undefined ? { metadata: update.metadata } : {}),
    },
  };
}

export function contentFieldsIn(update: WorkingTimeUpdate): (typeof CONTENT_FIELDS)[number][] {
  return CONTENT_FIELDS.filter((f) => update[f] !== undefined);
}

export type ApiPatchOutcome =
  | { kind: 'updated'; entry: WorkingTime }
  | { kind: 'redirect' }
  | { kind: 'rejected'; problem: ProblemInput };

/** A PATCH through the public API: validation, then the by-request redirect, then the lock. */
export function planApiPatch(entry: WorkingTime, update: WorkingTimeUpdate, types: ReadonlyMap<string, WorkingTimeType>): ApiPatchOutcome {
  const next = applyUpdate(entry, update, types);
  if (!next.ok) return { kind: 'rejected', problem: next.problem };

  const byRequest = (id: string) => types.get(id)?.recording_mode_user === 'by_request';
  if (byRequest(entry.working_time_type.id) || byRequest(next.value.working_time_type.id)) return { kind: 'redirect' };

  const content = contentFieldsIn(update);
  if (CONTENT_LOCKED_STATUSES.includes(entry.status) && content.length > 0 && update.status !== 'changeable') {
    const detail =
      `Working time ${entry.id} is ${entry.status}: ${content.join(', ')} cannot be changed. ` +
      `Send "status": "changeable" in the same request to unlock it, or change only status and metadata.`;
    return {
      kind: 'rejected',
      problem: {
        status: 422,
        type: errorType('validation', 'working-time-locked'),
        detail,
        errors: content.map((f) => ({ type: errorType('validation', 'working-time-locked'), field: `$.${f}`, detail: `${f} cannot be changed while the entry is ${entry.status}` })),
      },
    };
  }
  return { kind: 'updated', entry: next.value };
}

/**
 * A change made in timr itself by the employee or an admin: no lock, no request workflow,
 * and the entry counts as changed by the user.
 */
export function applyEmployeeEdit(entry: WorkingTime, update: WorkingTimeUpdate, types: ReadonlyMap<string, WorkingTimeType>): RuleResult<WorkingTime> {
  const next = applyUpdate(entry, update, types);
  return next.ok ? { ok: true, value: { ...next.value, changed: true } } : next;
}
