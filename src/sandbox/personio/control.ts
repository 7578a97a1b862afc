/**
 * The Personio half of the sandbox control API: seeding, state, reset (through the shared
 * control routes) and the Personio-only settings at /_sandbox/settings.
 */
import type { FastifyInstance } from 'fastify';
import type { Person } from '../../clients/personio/schemas.js';
import { CONTROL_PREFIX, registerControlRoutes } from '../control-routes.js';
import type { CredentialStore } from '../credentials.js';
import type { FaultRegistry } from '../faults.js';
import type { RequestLog } from '../request-log.js';
import type { Seed } from '../seed.js';
import type { FixedWindowLimiter, RateStats, TokenBucketLimiter } from './rate-limit.js';
import { PersonioSettingsPatch, applySettingsPatch, type PersonioSettings } from './settings.js';
import type { PersonioStore, StoredAbsence, StoredPeriod } from './store.js';

export interface PersonioTenantState {
  /** null when the tenant's credentials were removed. */
  clientId: string | null;
  persons: Person[];
  attendancePeriods: StoredPeriod[];
  absencePeriods: StoredAbsence[];
}

export interface PersonioState {
  tenants: Record<string, PersonioTenantState>;
}

export interface PersonioControlDeps {
  store: PersonioStore;
  credentials: CredentialStore;
  faults: FaultRegistry;
  requests: RequestLog;
  limiter: FixedWindowLimiter;
  buckets: TokenBucketLimiter;
  stats: RateStats;
  settings: PersonioSettings;
}

/** Loads each listed tenant's Personio half, replacing its data and credentials (its tokens die). */
export function seedPersonio(deps: Pick<PersonioControlDeps, 'store' | 'credentials'>, seed: Seed): void {
  for (const t of seed.tenants) {
    deps.store.loadTenant(t.id, t.personio);
    deps.credentials.register(t.id, { clientId: t.personio.clientId, clientSecret: t.personio.clientSecret });
  }
}

export function personioState(deps: Pick<PersonioControlDeps, 'store' | 'credentials'>, tenantId?: string): PersonioState {
  const ids = tenantId === undefined ? deps.store.tenantIds() : deps.store.tenantIds().filter((id) => id === tenantId);
  const tenants: Record<string, PersonioTenantState> = {};
  for (const id of ids) {
    tenants[id] = {
      clientId: deps.credentials.clientIdOf(id) ?? null,
      persons: deps.store.persons(id),
      attendancePeriods: deps.store.periods(id),
      absencePeriods: deps.store.absences(id),
    };
  }
  return { tenants };
}

export function registerPersonioControlRoutes(app: FastifyInstance, deps: PersonioControlDeps): void {
  registerControlRoutes(app, {
    faults: deps.faults,
    credentials: deps.credentials,
    requests: deps.requests,
    seed: (seed) => seedPersonio(deps, seed),
    state: (tenantId) => personioState(deps, tenantId),
    reset: () => {
      deps.store.clear();
      // Settings survive a reset (they are configuration); counters do not.
      deps.limiter.reset();
      deps.buckets.reset();
      deps.stats.reset();
    },
  });

  // The oracle of rate-limit tests: what arrived per IP and per client, 429s, most requests in any second.
  app.get(`${CONTROL_PREFIX}/rate-limits`, async () => deps.stats.view());

  app.get(`${CONTROL_PREFIX}/settings`, async () => deps.settings);

  app.post(`${CONTROL_PREFIX}/settings`, async (request, reply) => {
    const parsed = PersonioSettingsPatch.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'invalid settings',
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
    }
    return applySettingsPatch(deps.settings, parsed.data);
  });
}
