/** How the demo tenants are onboarded: settings as a platform engineer would write them. */
import type { TenantSettingsInput } from '../domain/tenant-settings.js';
import { zeitausgleichMatchFor } from '../sandbox/demo-data/index.js';
import type { Seed, TenantSeed } from '../sandbox/seed.js';

export function demoTenantSettings(tenant: TenantSeed, overrides: Partial<TenantSettingsInput> = {}): TenantSettingsInput {
  return {
    tenantId: tenant.id,
    credentialsRef: tenant.id,
    ...overrides,
    sync: {
      timezone: tenant.timezone,
      // Demo accounts book Zeitausgleich by the minute and by the day, some under renamed types.
      zeitausgleich: zeitausgleichMatchFor(tenant),
      ...(overrides.sync ?? {}),
    },
  };
}

export function allDemoTenantSettings(seed: Seed, overrides: Partial<TenantSettingsInput> = {}): TenantSettingsInput[] {
  return seed.tenants.map((t) => demoTenantSettings(t, overrides));
}
