import { describe, expect, it } from 'vitest';
import { applySettingsPatch, TenantSettings } from '../../src/domain/tenant-settings.js';
import { checkSettingsChange } from '../../src/workflows/settings-validation.js';

const base = TenantSettings.parse({
  tenantId: 'acme',
  credentialsRef: 'acme',
  sync: { matching: { strategy: 'employee_number', overrides: { u1: 'p1' } }, zeitausgleich: { names: ['ZA', 'Zeitausgleich'] } },
});

const applied = (patch: unknown) => {
  const r = applySettingsPatch(base, patch as never);
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r;
};

describe('applySettingsPatch (client side of updateConfig)', () => {
  it('merges nested objects key by key: one new override keeps the others and the strategy', () => {
    const { settings, change } = applied({ sync: { matching: { overrides: { u2: 'p2' } } } });
    expect(settings.sync.matching).toEqual({ strategy: 'employee_number', overrides: { u1: 'p1', u2: 'p2' }, normalizeKeys: true });
    expect(settings.sync.zeitausgleich.names).toEqual(['ZA', 'Zeitausgleich']);
    // What is sent: the whole touched top-level setting, parsed.
    expect(change).toEqual({ sync: settings.sync });
  });

  it('replaces arrays and scalars', () => {
    const { settings } = applied({ intervalSeconds: 300, sync: { zeitausgleich: { names: ['Zeitausgleich'] } } });
    expect(settings.intervalSeconds).toBe(300);
    expect(settings.sync.zeitausgleich.names).toEqual(['Zeitausgleich']);
  });

  it('lists invalid values by field, and refuses a tenantId change', () => {
    const zone = applySettingsPatch(base, { sync: { timezone: 'Mars/Olympus' } } as never);
    expect(zone).toEqual({ ok: false, problems: ['sync.timezone: unknown IANA time zone (use e.g. "Europe/Vienna")'] });
    expect(applySettingsPatch(base, { intervalSeconds: 1 })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^intervalSeconds: /)] });
    expect(applySettingsPatch(base, { tenantId: 'other' } as never)).toMatchObject({ ok: false, problems: [expect.stringMatching(/tenantId: cannot be changed/)] });
  });
});

describe('checkSettingsChange (the updateConfig validator)', () => {
  it('accepts whole, parsed top-level settings', () => {
    const next = checkSettingsChange(base, { intervalSeconds: 300, sync: { ...base.sync, timezone: 'Europe/Berlin' } });
    expect(next.sync.timezone).toBe('Europe/Berlin');
  });

  it('rejects invalid values naming the tenant and the field, and a tenantId change', () => {
    expect(() => checkSettingsChange(base, { sync: { ...base.sync, timezone: 'Mars/Olympus' } })).toThrow(/invalid config for tenant acme: sync\.timezone: unknown IANA time zone/);
    expect(() => checkSettingsChange(base, { intervalSeconds: 1 })).toThrow(/intervalSeconds/);
    expect(() => checkSettingsChange(base, { tenantId: 'other' } as never)).toThrow(/tenantId cannot be changed/);
  });

  it('rejects what is not fully parsed (the handler assigns it as it is): a partial nested object, untrimmed names, unknown keys', () => {
    expect(() => checkSettingsChange(base, { sync: { timezone: 'Europe/Berlin' } as never })).toThrow(/fully parsed settings .*: sync$/);
    expect(() => checkSettingsChange(base, { sync: { ...base.sync, zeitausgleich: { ...base.sync.zeitausgleich, names: [' ZA '] } } })).toThrow(/not so: sync/);
    expect(() => checkSettingsChange(base, { colour: 'blue' } as never)).toThrow(/not so: colour/);
  });
});
