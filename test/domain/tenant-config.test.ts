import { describe, expect, it } from 'vitest';
import { fullPassDue, fullReconcileHoursOf, parseTenantSyncConfig, safeParseTenantSyncConfig, TenantSyncConfig } from '../../src/domain/tenant-config.js';

describe('TenantSyncConfig', () => {
  it('fills every default from an empty object', () => {
    expect(TenantSyncConfig.parse({})).toEqual({
      timezone: 'Europe/Vienna',
      matching: { strategy: 'email', overrides: {}, normalizeKeys: true },
      zeitausgleich: { typeIds: [], externalIds: [], names: ['Zeitausgleich'], representation: 'zero-hours' },
      breaks: { unpositioned: 'middle' },
      commentMaxLength: 1000,
      dst: 'preserve-duration',
      transferWhen: 'finished',
      ignoreTypeIds: [],
      fullReconcileHours: 24,
      changeOverlapSeconds: 60,
    });
  });

  it('refuses a type that is both ignored and Zeitausgleich: one decision per type', () => {
    const result = safeParseTenantSyncConfig({ ignoreTypeIds: ['t-9'], zeitausgleich: { typeIds: ['t-9'] } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(/ignoreTypeIds: type t-9 is configured as Zeitausgleich too/);
    expect(TenantSyncConfig.parse({ ignoreTypeIds: [' t-3 '] }).ignoreTypeIds).toEqual(['t-3']);
  });

  it('keeps nested defaults when only part of a section is given', () => {
    const config = TenantSyncConfig.parse({ matching: { overrides: { 'u-1': 'p-9' } }, zeitausgleich: { typeIds: ['za'] } });
    expect(config.matching).toEqual({ strategy: 'email', overrides: { 'u-1': 'p-9' }, normalizeKeys: true });
    expect(config.zeitausgleich).toEqual({ typeIds: ['za'], externalIds: [], names: ['Zeitausgleich'], representation: 'zero-hours' });
  });

  it('takes the DST rule, the transfer moment and the Zeitausgleich representation, and rejects others', () => {
    expect(TenantSyncConfig.parse({ dst: 'wall-clock', transferWhen: 'approved' })).toMatchObject({ dst: 'wall-clock', transferWhen: 'approved' });
    expect(safeParseTenantSyncConfig({ dst: 'utc' }).ok).toBe(false);
    expect(safeParseTenantSyncConfig({ transferWhen: 'locked' }).ok).toBe(false);
    expect(TenantSyncConfig.parse({ zeitausgleich: { representation: 'absence', absenceTypeId: ' 4711 ' } }).zeitausgleich).toMatchObject({ representation: 'absence', absenceTypeId: '4711' });
    const missing = safeParseTenantSyncConfig({ zeitausgleich: { representation: 'absence' } });
    expect(!missing.ok && missing.problems.join()).toMatch(/zeitausgleich\.absenceTypeId: representation "absence" needs absenceTypeId/);
  });

  it('accepts other IANA zones and rejects unknown ones', () => {
    expect(TenantSyncConfig.parse({ timezone: 'America/New_York' }).timezone).toBe('America/New_York');
    expect(safeParseTenantSyncConfig({ timezone: 'Europe/Wien' }).ok).toBe(false);
    expect(safeParseTenantSyncConfig({ timezone: '+02:00' }).ok).toBe(false);
  });

  it('reports every problem with its path', () => {
    const result = safeParseTenantSyncConfig({
      timezone: 'Mars/Olympus',
      matching: { strategy: 'name' },
      breaks: { unpositioned: 'end' },
      commentMaxLength: 0,
      timeZone: 'Europe/Vienna',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const joined = result.problems.join('\n');
    expect(joined).toContain('timezone: unknown IANA time zone');
    expect(joined).toMatch(/matching\.strategy: .*"email"/);
    expect(joined).toMatch(/breaks\.unpositioned: /);
    expect(joined).toMatch(/commentMaxLength: /);
    expect(joined).toMatch(/Unrecognized key.*timeZone/);
  });

  it('throws an error naming the tenant and the fields', () => {
    expect(() => parseTenantSyncConfig({ zeitausgleich: { names: ['  '] } }, 'acme')).toThrow(
      /tenant "acme" is invalid[\s\S]*zeitausgleich\.names\.0: must not be empty/,
    );
  });
});

describe('full passes between change checks', () => {
  const at = Date.parse('2026-12-01T10:00:00Z');
  const state = { changeWatermark: '2026-12-01T09:59:00Z', lastFullPassAt: '2026-12-01T10:00:00Z' };

  it('is due without a watermark, without a full pass, with an unreadable one, and once reconcileHours passed', () => {
    expect(fullPassDue({}, 24, at)).toBe(true);
    expect(fullPassDue({ ...state, changeWatermark: null }, 24, at)).toBe(true);
    expect(fullPassDue({ ...state, lastFullPassAt: null }, 24, at)).toBe(true);
    expect(fullPassDue({ ...state, lastFullPassAt: 'yesterday' }, 24, at)).toBe(true);
    expect(fullPassDue(state, 24, at + 24 * 3_600_000 - 1)).toBe(false);
    expect(fullPassDue(state, 24, at + 24 * 3_600_000)).toBe(true);
    expect(fullPassDue(state, 0.5, at + 1_800_000)).toBe(true);
  });

  it('reads fullReconcileHours as the parsed configuration has it, the schema\'s default otherwise', () => {
    expect(fullReconcileHoursOf({ fullReconcileHours: 6 })).toBe(6);
    expect(fullReconcileHoursOf({})).toBe(TenantSyncConfig.parse({}).fullReconcileHours);
    expect(fullReconcileHoursOf(undefined)).toBe(TenantSyncConfig.parse({}).fullReconcileHours);
    expect(fullReconcileHoursOf({ fullReconcileHours: -1 })).toBe(TenantSyncConfig.parse({}).fullReconcileHours);
  });
});
