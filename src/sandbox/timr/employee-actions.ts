/**
 * What employees and admins do in timr itself, for the control API and the concurrent-edit
 * fault: record a new entry, edit one (no lock, no request workflow; it becomes `changed`),
 * delete one. Each bumps `last_modified` like any other write.
 */
import { z } from 'zod';
import { Duration, TimrDateTime, WorkingTimeUpdate, type DeletedEntry, type WorkingTime } from '../../clients/timr/schemas.js';
import type { TimrStore } from './store.js';
import { userPartial } from './store.js';
import { applyEmployeeEdit, applyUpdate } from './working-time-rules.js';

export const EmployeeWorkingTimeCreate = WorkingTimeUpdate.extend({
  /** Optional fixed id, so tests and demos can address the entry; otherwise the server assigns one. */
  id: z.string().min(1).optional(),
  start: TimrDateTime,
  user_id: z.string().min(1),
  working_time_type_id: z.string().min(1),
  /** For day-based types, whose minutes come from the work schedule rather than the clock. */
  duration: Duration.nullable().optional(),
});
export type EmployeeWorkingTimeCreate = z.infer<typeof EmployeeWorkingTimeCreate>;

export class EmployeeActionError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors?: unknown,
  ) {
    super(message);
    this.name = 'EmployeeActionError';
  }
}

function tenantOrThrow(store: TimrStore, tenantId: string) {
  const tenant = store.tenant(tenantId);
  if (!tenant) throw new EmployeeActionError(404, `unknown tenant ${tenantId}; seed it first`);
  return tenant;
}

/** Accepts `user: {id}` / `working_time_type: {id}` as well as the *_id fields. */
export function normaliseCreateBody(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  const b = body as Record<string, unknown>;
  const idOf = (v: unknown) => (v !== null && typeof v === 'object' ? (v as { id?: unknown }).id : undefined);
  return {
    ...b,
    user_id: b.user_id ?? idOf(b.user),
    working_time_type_id: b.working_time_type_id ?? idOf(b.working_time_type),
  };
}

export function recordWorkingTime(store: TimrStore, tenantId: string, input: EmployeeWorkingTimeCreate): WorkingTime {
  const tenant = tenantOrThrow(store, tenantId);
  const id = input.id ?? store.newId();
  if (tenant.workingTimes.has(id) || tenant.deleted.has(id)) throw new EmployeeActionError(409, `tenant ${tenantId} already has a working time ${id}`);
  const user = tenant.users.get(input.user_id);
  if (!user) throw new EmployeeActionError(400, `tenant ${tenantId} has no user ${input.user_id} (user_id)`);
  const type = tenant.workingTimeTypes.get(input.working_time_type_id);
  if (!type) throw new EmployeeActionError(400, `tenant ${tenantId} has no working time type ${input.working_time_type_id} (working_time_type_id)`);

  const end = input.end ?? null;
  const blank: WorkingTime = {
    id,
    start: input.start,
    end: null,
    break_time_total_minutes: 0,
    break_times: [],
    duration: input.duration ?? null,
    changed: false,
    notes: null,
    user: userPartial(user),
    working_time_type: { id: type.id, name: type.name, external_id: type.external_id },
    status: end === null ? 'running' : 'changeable',
    last_modified: '',
    metadata: null,
  };
  const { id: _id, user_id: _user, duration: _duration, ...update } = input;
  const entry = applyUpdate(blank, { ...update, status: input.status ?? blank.status }, tenant.workingTimeTypes);
  if (!entry.ok) throw new EmployeeActionError(400, `working time ${id} for tenant ${tenantId}: ${entry.problem.detail}`, entry.problem.errors);
  return store.saveWorkingTime(tenantId, entry.value, 'employee');
}

export function editWorkingTime(store: TimrStore, tenantId: string, id: string, patch: unknown): WorkingTime {
  const tenant = tenantOrThrow(store, tenantId);
  const entry = tenant.workingTimes.get(id);
  if (!entry) throw new EmployeeActionError(404, `tenant ${tenantId} has no working time ${id}`);
  const update = WorkingTimeUpdate.safeParse(patch);
  if (!update.success) {
    const issues = update.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EmployeeActionError(400, `edit of working time ${id} (tenant ${tenantId}) is not a valid WorkingTimeUpdate: ${issues.join('; ')}`);
  }
  const next = applyEmployeeEdit(entry, update.data, tenant.workingTimeTypes);
  if (!next.ok) throw new EmployeeActionError(400, `edit of working time ${id} (tenant ${tenantId}): ${next.problem.detail}`, next.problem.errors);
  return store.saveWorkingTime(tenantId, next.value, 'employee');
}

export function removeWorkingTime(store: TimrStore, tenantId: string, id: string): DeletedEntry {
  tenantOrThrow(store, tenantId);
  const deleted = store.deleteWorkingTime(tenantId, id, 'employee');
  if (!deleted) throw new EmployeeActionError(404, `tenant ${tenantId} has no working time ${id}`);
  return deleted;
}
