/** The benchmark's data sets, from the demo generator: renamed per phase, or cloned small. */
import { generateDemoData } from '../../sandbox/demo-data/index.js';
import type { Seed, TenantSeed } from '../../sandbox/seed.js';

/** The tenants of `seed` under ids `<prefix>-<n>` (credentials follow, so each is its own client). */
export function renamed(seed: Seed, prefix: string): Seed {
  return { tenants: seed.tenants.map((t, i) => retag(t, `${prefix}-${i + 1}`)) };
}

function retag(t: TenantSeed, id: string): TenantSeed {
  return { ...t, id, timr: { ...t.timr, clientId: `timr-${id}` }, personio: { ...t.personio, clientId: `papi-${id}` } };
}

export function demoSeed(opts: { tenants: number; employees: number; days: number; seed?: number }, prefix: string): Seed {
  return renamed(generateDemoData({ seed: opts.seed ?? 1, tenants: opts.tenants, employees: opts.employees, days: opts.days }), prefix);
}

/**
 * `count` tenants like one small demo tenant (its first `entries` working times), for the idle
 * figures: what matters there is how many tenants one worker holds, not their size.
 */
export function clonedSeed(count: number, entries: number, prefix: string): Seed {
  const base = generateDemoData({ seed: 1, tenants: 1, employees: 4, days: 7 }).tenants[0]!;
  const small: TenantSeed = { ...base, timr: { ...base.timr, workingTimes: base.timr.workingTimes.slice(0, entries) } };
  return { tenants: Array.from({ length: count }, (_, i) => retag(small, `${prefix}-${i + 1}`)) };
}

export function entriesOf(seed: Seed): number {
  return seed.tenants.reduce((n, t) => n + t.timr.workingTimes.length, 0);
}
