/**
 * In-memory timr data per tenant. Every write stamps `last_modified` from a monotonic clock
 * and records who made it: API clients have no user context (`last_modified_by: null`),
 * employee and admin changes carry the entry's user.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DeletedEntry, User, UserPartial, WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';
import type { TimrTenantSeed } from '../seed.js';
import { MonotonicClock } from './clock.js';

/** Spec enums that the shared wire schema keeps as plain strings. */
export const RecordingModeUser = z.enum(['not_allowed', 'allowed', 'by_request']);
export const WorkingTimeTypeSubCategory = z.enum(['present', 'work_from_home', 'away', 'active_driving_time', 'passive_travelling_time']);

export interface TimrTenant {
  id: string;
  users: Map<string, User>;
  workingTimeTypes: Map<string, WorkingTimeType>;
  workingTimes: Map<string, WorkingTime>;
  deleted: Map<string, DeletedEntry>;
}

/** Who makes a change: the integration through the API, or the entry's employee/an admin. */
export type Actor = 'api' | 'employee';

export class TimrSeedError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'TimrSeedError';
  }
}

export function userPartial(user: User): UserPartial {
  const { id, firstname, lastname, fullname, email, employee_number, external_id } = user;
  return { id, firstname, lastname, fullname, email, employee_number, external_id };
}

function indexUnique<T extends { id: string }>(tenantId: string, what: string, items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (map.has(item.id)) throw new TimrSeedError(`timr seed for tenant ${tenantId}: duplicate ${what} id ${item.id}; ids must be unique`);
    map.set(item.id, item);
  }
  return map;
}

/** Checks that a seed is internally consistent and builds the tenant from it. */
export function tenantFromSeed(tenantId: string, seed: TimrTenantSeed): TimrTenant {
  const where = `timr seed for tenant ${tenantId}`;
  const users = indexUnique(tenantId, 'user', seed.users);
  const workingTimeTypes = indexUnique(tenantId, 'working time type', seed.workingTimeTypes);
  const workingTimes = indexUnique(tenantId, 'working time', seed.workingTimes);

  const logins = new Set<string>();
  for (const u of users.values()) {
    if (u.login === undefined) continue;
    if (logins.has(u.login)) throw new TimrSeedError(`${where}: login ${u.login} is used by more than one user; logins are unique`);
    logins.add(u.login);
  }
  for (const t of workingTimeTypes.values()) {
    if (t.recording_mode_user !== undefined && !RecordingModeUser.safeParse(t.recording_mode_user).success) {
      throw new TimrSeedError(`${where}: working time type ${t.id} has recording_mode_user "${t.recording_mode_user}"; use ${RecordingModeUser.options.join(', ')}`);
    }
    if (t.sub_category !== null && !WorkingTimeTypeSubCategory.safeParse(t.sub_category).success) {
      throw new TimrSeedError(`${where}: working time type ${t.id} has sub_category "${t.sub_category}"; use null or ${WorkingTimeTypeSubCategory.options.join(', ')}`);
    }
  }
  for (const w of workingTimes.values()) {
    if (!users.has(w.user.id)) throw new TimrSeedError(`${where}: working time ${w.id} belongs to user ${w.user.id}, who is not in users`);
    if (!workingTimeTypes.has(w.working_time_type.id)) {
      throw new TimrSeedError(`${where}: working time ${w.id} has working_time_type ${w.working_time_type.id}, which is not in workingTimeTypes`);
    }
  }
  return { id: tenantId, users, workingTimeTypes, workingTimes, deleted: new Map() };
}

export class TimrStore {
  private tenants = new Map<string, TimrTenant>();

  constructor(readonly clock: MonotonicClock = new MonotonicClock()) {}

  /** Replaces the tenant wholesale (its deletion feed starts empty). */
  putTenant(tenant: TimrTenant): void {
    for (const w of tenant.workingTimes.values()) this.clock.observe(w.last_modified);
    this.tenants.set(tenant.id, tenant);
  }

  removeTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  clear(): void {
    this.tenants.clear();
  }

  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  tenant(tenantId: string): TimrTenant | undefined {
    return this.tenants.get(tenantId);
  }

  private require(tenantId: string): TimrTenant {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) throw new Error(`timr sandbox has no tenant ${tenantId}; seed it first`);
    return tenant;
  }

  workingTime(tenantId: string, id: string): WorkingTime | undefined {
    return this.tenants.get(tenantId)?.workingTimes.get(id);
  }

  /** Stores a new version of an entry, stamped for the actor. */
  saveWorkingTime(tenantId: string, entry: WorkingTime, actor: Actor): WorkingTime {
    const tenant = this.require(tenantId);
    const saved: WorkingTime = {
      ...entry,
      last_modified: this.clock.tick(),
      last_modified_by: actor === 'employee' ? entry.user : null,
    };
    tenant.workingTimes.set(saved.id, saved);
    return saved;
  }

  /** Moves an entry to the deletion feed; undefined when there is no such entry. */
  deleteWorkingTime(tenantId: string, id: string, actor: Actor): DeletedEntry | undefined {
    const tenant = this.require(tenantId);
    const entry = tenant.workingTimes.get(id);
    if (!entry) return undefined;
    tenant.workingTimes.delete(id);
    const deleted: DeletedEntry = {
      id,
      last_modified: this.clock.tick(),
      last_modified_by: actor === 'employee' ? entry.user : null,
      metadata: entry.metadata ?? null,
    };
    tenant.deleted.set(id, deleted);
    return deleted;
  }

  addUser(tenantId: string, user: Omit<User, 'id'>): User {
    const tenant = this.require(tenantId);
    const created: User = { ...user, id: randomUUID() };
    tenant.users.set(created.id, created);
    return created;
  }

  newId(): string {
    return randomUUID();
  }
}
