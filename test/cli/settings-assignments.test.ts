import { describe, expect, it } from 'vitest';
import { diffSettings, planConfigChange } from '../../src/cli/commands/config.js';
import { CliError, UsageError } from '../../src/cli/commands/errors.js';
import { deepMerge, durationsInSeconds, parseAssignment, parseSettingPath, setPath, unsetPath } from '../../src/cli/commands/settings-assignments.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';

const current = TenantSettings.parse({
  tenantId: 'acme',
  credentialsRef: 'acme',
  intervalSeconds: 900,
  sync: { matching: { strategy: 'email', overrides: { 'u-1': 'p-1' } }, zeitausgleich: { names: ['Zeitausgleich'] } },
});

describe('--set path parsing', () => {
  it('splits the path at dots and parses the value as JSON when it can', () => {
    expect(parseAssignment('intervalSeconds=300')).toEqual({ path: ['intervalSeconds'], raw: '300', value: 300 });
    expect(parseAssignment('sync.matching.strategy=employee_number')).toEqual({
      path: ['sync', 'matching', 'strategy'],
      raw: 'employee_number',
      value: 'employee_number',
    });
    expect(parseAssignment('sync.zeitausgleich.names=["ZA","Zeitausgleich"]').value).toEqual(['ZA', 'Zeitausgleich']);
    expect(parseAssignment('sync.timezone="Europe/Berlin"').value).toBe('Europe/Berlin');
  });

  it('takes durations for settings counted in seconds, on the command line and in files', () => {
    expect(parseAssignment('intervalSeconds=5m').value).toBe(300);
    expect(parseAssignment('intervalSeconds=1h30m').value).toBe(5400);
    expect(parseAssignment('activityTimeoutSeconds=2m').value).toBe(120);
    expect(parseAssignment('intervalSeconds=300').value).toBe(300);
    expect(() => parseAssignment('intervalSeconds=soon')).toThrow(/is not a duration/);
    // Only settings in seconds: a name that merely looks like a duration stays text.
    expect(parseAssignment('credentialsRef=5m').value).toBe('5m');
    expect(durationsInSeconds({ intervalSeconds: '15m', lookbackDays: 31, sync: { timezone: 'Europe/Vienna' } }, '--file f.json')).toEqual({ intervalSeconds: 900, lookbackDays: 31, sync: { timezone: 'Europe/Vienna' } });
    expect(planConfigChange(current, { sets: [parseAssignment('intervalSeconds=5m')], unsets: [] }).changes).toEqual([{ path: 'intervalSeconds', before: '900', after: '300' }]);
  });

  it('keeps everything after the first "=" as the value', () => {
    expect(parseAssignment('sync.matching.overrides.u-2=a=b')).toMatchObject({ path: ['sync', 'matching', 'overrides', 'u-2'], value: 'a=b' });
    expect(parseAssignment('credentialsRef=').value).toBe('');
  });

  it.each(['intervalSeconds', '=300', 'sync..timezone=x', '.a=1', 'a.=1'])('rejects %j as a usage error', (text) => {
    expect(() => parseAssignment(text)).toThrow(UsageError);
  });

  it('"path+=value" appends to a list setting', () => {
    expect(parseAssignment('sync.ignoreTypeIds+=wtt-9')).toEqual({ path: ['sync', 'ignoreTypeIds'], raw: 'wtt-9', value: 'wtt-9', append: true });
    const plan = planConfigChange(current, { sets: [parseAssignment('sync.ignoreTypeIds+=wtt-9'), parseAssignment('sync.ignoreTypeIds+=4711'), parseAssignment('sync.ignoreTypeIds+=wtt-9')], unsets: [] });
    // Once each, and a number-looking id stays the text it is.
    expect(plan.patch.sync?.ignoreTypeIds).toEqual(['wtt-9', '4711']);
    expect(plan.changes).toEqual([{ path: 'sync.ignoreTypeIds', before: '(none)', after: 'wtt-9, 4711' }]);
    const za = planConfigChange(current, { sets: [parseAssignment('sync.zeitausgleich.typeIds+=za-2')], unsets: [] });
    expect(za.patch.sync?.zeitausgleich?.typeIds).toEqual(['za-2']);
    expect(() => planConfigChange(current, { sets: [parseAssignment('intervalSeconds+=5')], unsets: [] })).toThrow(/not a list/);
  });

  it('refuses prototype keys', () => {
    expect(() => parseSettingPath('__proto__.polluted')).toThrow(/not a setting name/);
    expect(() => deepMerge({}, JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(UsageError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('setPath, unsetPath and deepMerge', () => {
  it('sets a nested value without touching siblings or the input', () => {
    const input = { sync: { matching: { strategy: 'email', overrides: { a: '1' } } } };
    const out = setPath(input, ['sync', 'matching', 'overrides', 'b'], '2');
    expect(out).toEqual({ sync: { matching: { strategy: 'email', overrides: { a: '1', b: '2' } } } });
    expect(input.sync.matching.overrides).toEqual({ a: '1' });
  });

  it('refuses to descend into a value that is not an object', () => {
    expect(() => setPath({ intervalSeconds: 900 }, ['intervalSeconds', 'x'], 1)).toThrow(/cannot set intervalSeconds.x: intervalSeconds holds 900/);
  });

  it('removes a key and complains about one that does not exist', () => {
    expect(unsetPath({ o: { a: '1', b: '2' } }, ['o', 'a'])).toEqual({ o: { b: '2' } });
    expect(() => unsetPath({ o: {} }, ['o', 'zz'])).toThrow(/cannot unset o.zz/);
  });

  it('merges objects and replaces arrays', () => {
    expect(deepMerge({ a: { x: 1, y: [1, 2] }, b: 1 }, { a: { y: [3] } })).toEqual({ a: { x: 1, y: [3] }, b: 1 });
  });
});

describe('planConfigChange', () => {
  it('sends the whole sync object so a nested --set keeps its siblings', () => {
    const plan = planConfigChange(current, { sets: [parseAssignment('sync.matching.strategy=employee_number')], unsets: [] });
    expect(plan.patch.sync?.matching).toEqual({ strategy: 'employee_number', overrides: { 'u-1': 'p-1' }, normalizeKeys: true });
    expect(plan.patch.sync?.zeitausgleich?.names).toEqual(['Zeitausgleich']);
    expect(Object.keys(plan.patch)).toEqual(['sync']);
    expect(plan.changes).toEqual([{ path: 'sync.matching.strategy', before: 'email', after: 'employee_number' }]);
  });

  it('uses the typed text where JSON turned an id into a number', () => {
    const plan = planConfigChange(current, { sets: [parseAssignment('sync.matching.overrides.12345=678'), parseAssignment('intervalSeconds=300')], unsets: [] });
    expect(plan.patch.sync?.matching?.overrides).toEqual({ 'u-1': 'p-1', '12345': '678' });
    // Numbers stay numbers where the schema wants a number.
    expect(plan.patch.intervalSeconds).toBe(300);
  });

  it('removes an override with --unset and resets a top-level setting to its default', () => {
    const tuned = TenantSettings.parse({ ...current, lookbackDays: 10 });
    const plan = planConfigChange(tuned, { sets: [], unsets: [['sync', 'matching', 'overrides', 'u-1'], ['lookbackDays']] });
    expect(plan.patch.sync?.matching?.overrides).toEqual({});
    expect(plan.patch.lookbackDays).toBe(TenantSettings.parse({ tenantId: 'x', credentialsRef: 'x' }).lookbackDays);
  });

  it('merges a --file patch into the current settings', () => {
    const plan = planConfigChange(current, { file: { sync: { breaks: { unpositioned: 'start' } } }, sets: [], unsets: [] });
    expect(plan.patch.sync?.breaks).toEqual({ unpositioned: 'start' });
    expect(plan.patch.sync?.matching?.overrides).toEqual({ 'u-1': 'p-1' });
    expect(plan.changes.map((c) => c.path)).toEqual(['sync.breaks.unpositioned']);
  });

  it('lists every invalid field with the tenant, and changes nothing', () => {
    const attempt = () =>
      planConfigChange(current, {
        sets: [parseAssignment('intervalSeconds=1'), parseAssignment('sync.timezone=Mars/Olympus'), parseAssignment('sync.matching.strategy=shoe_size')],
        unsets: [],
      });
    expect(attempt).toThrow(CliError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('tenant "acme"');
      expect(message).toContain('intervalSeconds');
      expect(message).toContain('sync.timezone');
      expect(message).toContain('sync.matching.strategy');
    }
  });

  it('catches a misspelt top-level setting that the schema would silently drop', () => {
    expect(() => planConfigChange(current, { sets: [parseAssignment('intervalSecond=300')], unsets: [] })).toThrow(/unknown setting "intervalSecond"/);
  });

  it('catches a misspelt nested setting', () => {
    expect(() => planConfigChange(current, { sets: [parseAssignment('sync.matching.strategi=email')], unsets: [] })).toThrow(/sync.matching/);
  });

  it('refuses to change the tenant id', () => {
    expect(() => planConfigChange(current, { sets: [parseAssignment('tenantId=other')], unsets: [] })).toThrow(/tenantId cannot be changed/);
    expect(() => planConfigChange(current, { file: { tenantId: 'other' }, sets: [], unsets: [] })).toThrow(/tenantId cannot be changed/);
  });

  it('reports no changes when the values are already set', () => {
    expect(planConfigChange(current, { sets: [parseAssignment('intervalSeconds=900')], unsets: [] }).changes).toEqual([]);
  });
});

describe('diffSettings', () => {
  it('reports the first override as added, not as an empty map that disappeared', () => {
    expect(diffSettings({ overrides: {} }, { overrides: { u: 'p' } })).toEqual([{ path: 'overrides.u', before: undefined, after: 'p' }]);
  });

  it('reports added and removed keys', () => {
    expect(diffSettings({ o: { a: '1' } }, { o: { b: '2' } })).toEqual([
      { path: 'o.a', before: '1', after: undefined },
      { path: 'o.b', before: undefined, after: '2' },
    ]);
  });
});
