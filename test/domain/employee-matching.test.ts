import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/clients/personio/schemas.js';
import type { UserPartial } from '../../src/clients/timr/schemas.js';
import { buildPersonIndex, matchUser } from '../../src/domain/employee-matching.js';
import { TenantSyncConfig, type TenantSyncConfigInput } from '../../src/domain/tenant-config.js';

const persons: Person[] = [
  { id: 'p-1', email: 'Anna.Berger@Example.com', first_name: 'Anna', last_name: 'Berger', employee_number: '0007' },
  { id: 'p-2', email: 'ben@example.com', first_name: 'Ben', last_name: 'Wolf', employee_number: '0008' },
  { id: 'p-3', email: 'shared@example.com', first_name: 'Chris', last_name: 'A', employee_number: '0009' },
  { id: 'p-4', email: ' shared@example.com', first_name: 'Chris', last_name: 'B', employee_number: '0009' },
  { id: 'p-5', email: null, first_name: 'Dana', last_name: 'Noemail', employee_number: null },
  { id: 'P-6', email: 'eva@example.com', first_name: 'Eva', last_name: 'Lang', employee_number: 'E-0042' },
];

function user(fields: Partial<UserPartial> = {}): UserPartial {
  return { id: 'u-1', firstname: 'Anna', lastname: 'Berger', fullname: 'Anna Berger', email: null, employee_number: null, external_id: null, ...fields };
}

const index = (matching: TenantSyncConfigInput['matching'] = {}) => buildPersonIndex(persons, TenantSyncConfig.parse({ matching }).matching);

describe('employee matching', () => {
  it('matches e-mail case-insensitively and ignoring blanks', () => {
    expect(matchUser(index(), user({ email: '  anna.berger@EXAMPLE.com ' }))).toMatchObject({ ok: true, personId: 'p-1' });
  });

  it('matches by employee number when configured', () => {
    expect(matchUser(index({ strategy: 'employee_number' }), user({ employee_number: ' 0008 ', email: 'anna.berger@example.com' }))).toMatchObject({
      ok: true,
      personId: 'p-2',
    });
  });

  it('normalises employee numbers and external ids (blanks, case) before comparing, by default', () => {
    expect(matchUser(index({ strategy: 'employee_number' }), user({ employee_number: ' e-0042 ' }))).toMatchObject({ ok: true, personId: 'P-6' });
    expect(matchUser(index({ strategy: 'external_id' }), user({ external_id: ' p-6' }))).toMatchObject({ ok: true, personId: 'P-6' });
  });

  it('compares employee numbers and external ids exactly when normalizeKeys is off (e-mail stays case-insensitive)', () => {
    const exact = index({ strategy: 'employee_number', normalizeKeys: false });
    expect(matchUser(exact, user({ employee_number: 'e-0042' })).ok).toBe(false);
    expect(matchUser(exact, user({ employee_number: ' E-0042' })).ok).toBe(false);
    expect(matchUser(exact, user({ employee_number: 'E-0042' }))).toMatchObject({ ok: true, personId: 'P-6' });
    expect(matchUser(index({ normalizeKeys: false }), user({ email: ' EVA@example.com' }))).toMatchObject({ ok: true, personId: 'P-6' });
  });

  it('warns when an override maps to a person whose name differs from the timr user', () => {
    const other = matchUser(index({ overrides: { 'u-1': 'p-2' } }), user());
    expect(other).toMatchObject({ ok: true, personId: 'p-2' });
    expect(other.ok && other.warnings).toEqual([
      expect.stringMatching(/^Anna Berger \(timr user u-1\) is mapped by an override to Personio person p-2, whose name is Ben Wolf; check the override for timr user u-1 under sync\.matching\.overrides/),
    ]);
    const same = matchUser(index({ overrides: { 'u-1': 'p-1' } }), user({ firstname: ' anna', lastname: 'BERGER ' }));
    expect(same.ok && same.warnings).toEqual([]);
  });

  it('matches timr external_id against the Personio person id when configured', () => {
    expect(matchUser(index({ strategy: 'external_id' }), user({ external_id: 'p-2' }))).toMatchObject({ ok: true, personId: 'p-2' });
    expect(matchUser(index({ strategy: 'external_id' }), user({ external_id: 'p-99' })).ok).toBe(false);
  });

  it('lets an override win over the strategy', () => {
    const result = matchUser(index({ overrides: { 'u-1': 'p-2' } }), user({ email: 'anna.berger@example.com' }));
    expect(result).toMatchObject({ ok: true, personId: 'p-2' });
  });

  it('resolves an ambiguous key through an override', () => {
    expect(matchUser(index({ overrides: { 'u-1': 'p-4' } }), user({ email: 'shared@example.com' }))).toMatchObject({ ok: true, personId: 'p-4' });
  });

  it('fails on an override to an unknown person, naming the fix', () => {
    const result = matchUser(index({ overrides: { 'u-1': 'p-404' } }), user({ email: 'anna.berger@example.com' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/Anna Berger \(timr user u-1\) is mapped by an override to Personio person p-404.*correct the override/);
  });

  it('fails on two persons sharing the key, naming employee, persons and the fix', () => {
    const result = matchUser(index(), user({ email: 'shared@example.com' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^Anna Berger \(timr user u-1\): 2 Personio persons \(p-3, p-4\) share the e-mail "shared@example.com".*add an override for timr user u-1/,
    );
    expect(matchUser(index({ strategy: 'employee_number' }), user({ employee_number: '0009' })).ok).toBe(false);
  });

  it('fails when the timr user has no key', () => {
    const result = matchUser(index(), user({ email: '   ' }));
    expect(!result.ok && result.reason).toMatch(/Anna Berger \(timr user u-1\) has no e-mail in timr.*add it in timr or add an override/);
    const byNumber = matchUser(index({ strategy: 'employee_number' }), user({ fullname: null, firstname: null, lastname: null, id: 'u-2' }));
    expect(!byNumber.ok && byNumber.reason).toMatch(/^timr user u-2 has no employee number/);
  });

  it('fails when no person has the key', () => {
    const result = matchUser(index(), user({ email: 'nobody@example.com' }));
    expect(!result.ok && result.reason).toMatch(/no Personio person has the e-mail "nobody@example.com"/);
  });
});
