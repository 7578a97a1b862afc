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

/**
 * The demo generator starts on a fixed date; a long range from there runs past today, and its
 * future last_modified values would push the sandbox timr's clock (monotonic over the seed) days
 * ahead, so every write after the seed looked newer than any change watermark. The benchmark's
 * data ends four days ago instead: edits land up to three days after an entry (recordings.ts),
 * so every last_modified is in the past, as in real data (the look-back covers it: demo-tenants.ts).
 */
function startDateFor(days: number, nowMs = Date.now()): string {
  return new Date(nowMs - (days + 4) * 86_400_000).toISOString().slice(0, 10);
}

export function demoSeed(opts: { tenants: number; employees: number; days: number; seed?: number }, prefix: string): Seed {
  return renamed(generateDemoData({ seed: opts.seed ?? 1, tenants: opts.tenants, employees: opts.employees, days: opts.days, startDate: startDateFor(opts.days) }), prefix);
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
