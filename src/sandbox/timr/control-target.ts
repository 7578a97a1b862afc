/**
 * The timr half of the shared control API: loading a seed (validated as a whole before any
 * tenant is replaced) and showing the state of one or all tenants in wire shapes.
 */
import type { CredentialStore } from '../credentials.js';
import type { Seed } from '../seed.js';
import { renderDeleted, renderUser, renderWorkingTime, renderWorkingTimeType } from './render.js';
import { TimrSeedError, tenantFromSeed, type TimrStore } from './store.js';

/** What `GET /_sandbox/state` shows for one tenant, in wire shapes. */
export interface TimrTenantState {
  clientId: string | null;
  users: ReturnType<typeof renderUser>[];
  workingTimeTypes: ReturnType<typeof renderWorkingTimeType>[];
  workingTimes: ReturnType<typeof renderWorkingTime>[];
  deleted: ReturnType<typeof renderDeleted>[];
}

export function seedTenants(seed: Seed, store: TimrStore, credentials: CredentialStore): void {
  const clientIds = new Map<string, string>();
  for (const t of seed.tenants) {
    const other = clientIds.get(t.timr.clientId);
    if (other !== undefined) throw new TimrSeedError(`timr seed: tenants ${other} and ${t.id} share client_id ${t.timr.clientId}; each tenant needs its own`);
    clientIds.set(t.timr.clientId, t.id);
  }
  // Validate every tenant before touching any, so a bad seed changes nothing.
  const built = seed.tenants.map((t) => ({ seed: t, tenant: tenantFromSeed(t.id, t.timr) }));
  for (const { seed: t, tenant } of built) {
    credentials.register(t.id, { clientId: t.timr.clientId, clientSecret: t.timr.clientSecret });
    store.putTenant(tenant);
  }
}

export function tenantState(store: TimrStore, credentials: CredentialStore, tenantId?: string): Record<string, TimrTenantState> {
  const ids = tenantId === undefined ? store.tenantIds() : store.tenantIds().filter((id) => id === tenantId);
  const state: Record<string, TimrTenantState> = {};
  for (const id of ids) {
    const t = store.tenant(id)!;
    state[id] = {
      clientId: credentials.clientIdOf(id) ?? null,
      users: [...t.users.values()].map(renderUser),
      workingTimeTypes: [...t.workingTimeTypes.values()].map(renderWorkingTimeType),
      workingTimes: [...t.workingTimes.values()].map(renderWorkingTime),
      deleted: [...t.deleted.values()].map(renderDeleted),
    };
  }
  return state;
}
