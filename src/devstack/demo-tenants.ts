/** How the demo tenants are onboarded: settings as a platform engineer would write them. */
import type { TenantSettingsInput } from '../domain/tenant-settings.js';
import { zeitausgleichMatchFor } from '../sandbox/demo-data/index.js';
import type { Seed, TenantSeed } from '../sandbox/seed.js';

const DAY_MS = 86_400_000;

/**
 * The demo data has fixed dates (so tests are reproducible and a DST change is in range), but
 * the look-back window counts back from today: onboarding the demo reaches back to its first
 * entry, as an engineer onboarding a customer with history would set a backfill.
 */
export function lookbackCovering(tenant: TenantSeed, now: Date = new Date()): number {
  const first = Math.min(...tenant.timr.workingTimes.map((w) => Date.parse(w.start)));
  if (!Number.isFinite(first)) return 62;
  return Math.max(62, Math.ceil((now.getTime() - first) / DAY_MS) + 7);
}

export function demoTenantSettings(tenant: TenantSeed, overrides: Partial<TenantSettingsInput> = {}): TenantSettingsInput {
  return {
    tenantId: tenant.id,
    credentialsRef: tenant.id,
    lookbackDays: lookbackCovering(tenant),
    ...overrides,
    sync: {
      timezone: tenant.timezone,
      // Demo accounts book Zeitausgleich by the minute and by the day, some under renamed types.
      zeitausgleich: zeitausgleichMatchFor(tenant),
      // Sickness is decided (Personio keeps sick days itself); vacation and breaks are left for
      // the operator, so status shows what an undecided type looks like.
      ignoreTypeIds: tenant.timr.workingTimeTypes.filter((t) => t.category === 'paid_time_off' && !t.archived).map((t) => t.id),
      ...(overrides.sync ?? {}),
    },
  };
}

export function allDemoTenantSettings(seed: Seed, overrides: Partial<TenantSettingsInput> = {}): TenantSettingsInput[] {
  return seed.tenants.map((t) => demoTenantSettings(t, overrides));
}
