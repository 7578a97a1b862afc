import { describe, expect, it } from 'vitest';
import { demoTenantSettings, lookbackCovering } from '../../src/devstack/demo-tenants.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';

describe('demo tenant onboarding', () => {
  const tenant = generateDemoData({ tenants: 1, employees: 4, days: 7 }).tenants[0]!;

  it('reaches back to the first demo entry however long ago the fixed demo dates are', () => {
    const first = Math.min(...tenant.timr.workingTimes.map((w) => Date.parse(w.start)));
    for (const now of [new Date('2026-11-26T12:00:00Z'), new Date('2028-06-01T00:00:00Z')]) {
      const days = lookbackCovering(tenant, now);
      expect(now.getTime() - days * 86_400_000).toBeLessThan(first);
      expect(days).toBeGreaterThanOrEqual(62);
    }
  });

  it('produces valid settings with the tenant zone and its Zeitausgleich types', () => {
    const settings = TenantSettings.parse(demoTenantSettings(tenant, { intervalSeconds: 60 }));
    expect(settings.credentialsRef).toBe(tenant.id);
    expect(settings.sync.timezone).toBe(tenant.timezone);
    expect(settings.sync.zeitausgleich.typeIds.length).toBeGreaterThan(0);
    // Sickness decided (ignored); vacation left undecided, so the demo shows a type needing a decision.
    expect(settings.sync.ignoreTypeIds).toEqual([tenant.timr.workingTimeTypes.find((t) => t.name === 'Krankenstand')!.id]);
  });
});
