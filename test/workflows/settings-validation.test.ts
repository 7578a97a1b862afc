import { describe, expect, it } from 'vitest';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { applySettingsPatch } from '../../src/workflows/settings-validation.js';

const base = TenantSettings.parse({
  tenantId: 'acme',
  credentialsRef: 'acme',
  sync: { matching: { strategy: 'employee_number', overrides: { u1: 'p1' } }, zeitausgleich: { names: ['ZA', 'Zeitausgleich'] } },
});

describe('applySettingsPatch (updateConfig)', () => {
  it('merges nested objects key by key: one new override keeps the others and the strategy', () => {
    const next = applySettingsPatch(base, { sync: { matching: { overrides: { u2: 'p2' } } } } as never);
    expect(next.sync.matching).toEqual({ strategy: 'employee_number', overrides: { u1: 'p1', u2: 'p2' } });
    expect(next.sync.zeitausgleich.names).toEqual(['ZA', 'Zeitausgleich']);
  });

  it('replaces arrays and scalars', () => {
    const next = applySettingsPatch(base, { intervalSeconds: 300, sync: { zeitausgleich: { names: ['Zeitausgleich'] } } } as never);
    expect(next.intervalSeconds).toBe(300);
    expect(next.sync.zeitausgleich.names).toEqual(['Zeitausgleich']);
  });

  it('rejects invalid values naming the tenant and the field, and a tenantId change', () => {
    expect(() => applySettingsPatch(base, { sync: { timezone: 'Mars/Olympus' } } as never)).toThrow(/invalid config for tenant acme: sync\.timezone: unknown IANA time zone/);
    expect(() => applySettingsPatch(base, { intervalSeconds: 1 })).toThrow(/intervalSeconds/);
    expect(() => applySettingsPatch(base, { tenantId: 'other' } as never)).toThrow(/tenantId cannot be changed/);
  });
});
