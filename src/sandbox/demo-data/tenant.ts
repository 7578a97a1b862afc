/**
 * Assembles one demo tenant: identity and sandbox credentials, the timr account (types, users,
 * working times) and the Personio account (persons, no attendance periods yet).
 */
import type { WorkingTime } from '../../clients/timr/schemas.js';
import type { TenantSeed } from '../seed.js';
import { allocateScenarios, cellOf } from './allocation.js';
import { buildCalendar } from './calendar.js';
import { TENANT_SLUGS } from './names.js';
import type { DemoDataSettings } from './options.js';
import type { Prng } from './prng.js';
import type { TenantContext } from './recordings.js';
import { routineDay } from './routine.js';
import { SCENARIOS, type ScenarioDefinition } from './scenarios.js';
import { buildStaff } from './staff.js';
import { buildWorkingTimeTypes } from './working-time-types.js';
import type { ZoneClocks } from './zone-clock.js';

export interface TenantIdentity {
  id: string;
  emailDomain: string;
}

/** Tenant ids depend on the position only, so "demo-acme" is the first tenant under any seed. */
export function tenantIdentity(index: number): TenantIdentity {
  const slug = TENANT_SLUGS[index % TENANT_SLUGS.length] ?? 'tenant';
  const round = Math.floor(index / TENANT_SLUGS.length);
  const name = round === 0 ? slug : `${slug}-${round + 1}`;
  return { id: `demo-${name}`, emailDomain: `${name}.example` };
}

/** Every third tenant (the second by default) has renamed its Zeitausgleich types. */
export function hasRenamedZeitausgleich(index: number): boolean {
  return index % 3 === 1;
}

export function buildTenant(index: number, settings: DemoDataSettings, root: Prng, clocks: ZoneClocks): TenantSeed {
  const identity = tenantIdentity(index);
  const rng = root.fork(`tenant:${index}`);
  const clock = clocks.get(settings.timezone);
  const calendar = buildCalendar(settings.startDate, settings.days, clock);
  const types = buildWorkingTimeTypes(rng.fork('types'), { renamedZeitausgleich: hasRenamedZeitausgleich(index) });
  const staff = buildStaff(rng.fork('staff'), { tenantIndex: index, emailDomain: identity.emailDomain, count: settings.employees });
  const account = rng.fork('account');
  const ctx: TenantContext = {
    clock,
    clocks,
    calendar,
    types,
    fullDayMinutes: account.pick([480, 462, 456]),
    roundingMinutes: account.pick([1, 5, 15]),
  };

  const dayCount = calendar.days.length;
  const allocation = allocateScenarios(SCENARIOS, calendar, staff, rng.fork('allocation'), identity.id);
  const scenarioAt = new Map<number, ScenarioDefinition>();
  for (const p of allocation.placements) scenarioAt.set(cellOf(p.employee, p.day, dayCount), p.scenario);

  const workingTimes: WorkingTime[] = [];
  for (const employee of staff.employees) {
    const routineRng = rng.fork(`employee:${employee.index}`);
    for (const day of calendar.days) {
      const cell = cellOf(employee.index, day.index, dayCount);
      const scenario = scenarioAt.get(cell);
      if (scenario) workingTimes.push(...scenario.build(ctx, rng.fork(`scenario:${scenario.id}`), employee, day));
      else if (!allocation.taken[cell]) workingTimes.push(...routineDay(ctx, routineRng, employee, day));
    }
  }

  const secrets = rng.fork('credentials');
  return {
    id: identity.id,
    timezone: settings.timezone,
    timr: {
      clientId: `timr-${identity.id}`,
      clientSecret: `sandbox-timr-${secrets.hex(32)}`,
      users: staff.employees.map((e) => e.user),
      workingTimeTypes: Object.values(types),
      workingTimes,
    },
    personio: {
      clientId: `papi-${identity.id}`,
      clientSecret: `sandbox-papi-${secrets.hex(40)}`,
      persons: staff.employees.flatMap((e) => (e.person ? [e.person] : [])),
      attendancePeriods: [],
    },
  };
}
