/** The provisioning plan: one verdict per row against timr's users, per matching strategy. */
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/clients/timr/schemas.js';
import { addOutcomes, emptyReport, SAMPLE_LIMIT } from '../../src/domain/provision-report.js';
import { indexUsers, loginFromEmail, planRow, TIMR_LOGIN_PATTERN, userCreateBody, type ProvisionRow } from '../../src/domain/provisioning.js';

const user = (id: string, over: Partial<User> = {}): User => ({
  id,
  firstname: 'A',
  lastname: 'B',
  fullname: 'A B',
  email: null,
  employee_number: null,
  external_id: null,
  login: id,
  ...over,
});

const anna: ProvisionRow = { line: 2, personId: '501', firstName: 'Anna', lastName: 'Berger', email: 'Anna.Berger@acme.example', employeeNumber: '1001', hireDate: '2021-03-01' };

function plan(row: ProvisionRow, users: User[], strategy: 'email' | 'employee_number' | 'external_id' = 'email', runId?: string) {
  return planRow(row, indexUsers(users, strategy), new Map(), runId);
}

describe('provisioning plan', () => {
  it('creates a missing employee with the e-mail as login and every field timr takes', () => {
    const p = plan(anna, [user('u1', { email: 'someone@acme.example', login: 'someone' })]);
    expect(p.kind).toBe('create');
    if (p.kind !== 'create') return;
    expect(p.outcome).toEqual({ kind: 'create', where: 'line 2', who: 'Anna Berger <Anna.Berger@acme.example> #1001', login: 'anna.berger@acme.example' });
    expect(userCreateBody(p.employee, 'tenant/t/provision/1')).toEqual({
      login: 'anna.berger@acme.example',
      firstname: 'Anna',
      lastname: 'Berger',
      email: 'Anna.Berger@acme.example',
      employee_number: '1001',
      external_id: '501',
      entry_date: '2021-03-01',
      resign_date: null,
      metadata: { personioProvisioning: { by: 'tenant/t/provision/1', personId: '501' } },
    });
  });

  it('an employee timr already has (case and blanks aside) is left alone', () => {
    const p = plan(anna, [user('u1', { email: ' anna.berger@ACME.example ', employee_number: '1001', external_id: '501' })]);
    expect(p.outcome).toEqual({ kind: 'existing', where: 'line 2', who: expect.any(String), timrUserId: 'u1' });
  });

  it('the same e-mail with another employee number is a conflict naming both numbers', () => {
    const p = plan(anna, [user('u1', { email: 'anna.berger@acme.example', employee_number: '9999' })]);
    expect(p.kind).toBe('conflict');
    expect(p.outcome.reason).toMatch(/same e-mail as timr user u1 .*its employee number is 9999, the row has 1001/);
  });

  it('under employee_number matching: the e-mail taken by another number, or the login taken, is a conflict', () => {
    const byMail = plan(anna, [user('u1', { email: 'anna.berger@acme.example', employee_number: '2002' })], 'employee_number');
    expect(byMail.kind).toBe('conflict');
    expect(byMail.outcome.reason).toMatch(/already has this e-mail but another employee number/);
    const byLogin = plan(anna, [user('u2', { login: 'anna.berger@acme.example', email: null })], 'employee_number');
    expect(byLogin.outcome.reason).toMatch(/the login anna\.berger@acme\.example belongs to timr user u2/);
    const sameNumberOtherMail = plan(anna, [user('u3', { email: 'anna@private.example', employee_number: '1001' })], 'employee_number');
    expect(sameNumberOtherMail.outcome.reason).toMatch(/same employee number as timr user u3 .*its e-mail is anna@private\.example/);
  });

  it('under external_id matching the Personio ID is the key; a row without one is invalid', () => {
    expect(plan(anna, [user('u1', { external_id: '501', email: 'anna.berger@acme.example' })], 'external_id').kind).toBe('existing');
    const { personId: _omit, ...noId } = anna;
    expect(plan(noId, [], 'external_id').outcome.reason).toMatch(/no Personio ID/);
  });

  it('two timr users with the same key: a conflict, never a guess', () => {
    const p = plan(anna, [user('u1', { email: 'anna.berger@acme.example' }), user('u2', { email: 'Anna.Berger@acme.example' })]);
    expect(p.outcome.reason).toMatch(/2 timr users share the e-mail/);
  });

  it('a user this very run created (its answer was lost) counts as created, not as existing', () => {
    const created = user('u9', { email: 'anna.berger@acme.example', employee_number: '1001', external_id: '501', metadata: { personioProvisioning: { by: 'tenant/t/provision/4' } } });
    expect(plan(anna, [created], 'email', 'tenant/t/provision/4').outcome.kind).toBe('created');
    expect(plan(anna, [created], 'email', 'tenant/t/provision/5').outcome.kind).toBe('existing');
  });

  it('a second row for the same employee in one source is a conflict naming the first', () => {
    const index = indexUsers([], 'email');
    const seen = new Map<string, string>();
    expect(planRow(anna, index, seen).kind).toBe('create');
    expect(planRow({ ...anna, line: 9, employeeNumber: '1002' }, index, seen).outcome.reason).toMatch(/same e-mail as line 2/);
  });

  it('invalid rows say what to fix', () => {
    expect(plan({ line: 3, firstName: 'A', lastName: 'B' }, []).outcome.reason).toMatch(/no e-mail/);
    expect(plan({ ...anna, hireDate: '2021-03-01', terminationDate: '2020-01-01' }, []).outcome.reason).toMatch(/termination date 2020-01-01 is before the hire date 2021-03-01/);
    expect(plan({ ...anna, problem: 'has 9 fields, the header has 8' }, []).outcome).toMatchObject({ kind: 'invalid', reason: 'has 9 fields, the header has 8' });
    expect(plan({ ...anna, employeeNumber: undefined }, [], 'employee_number').outcome.reason).toMatch(/no employee number/);
  });

  it("logins follow timr's pattern", () => {
    expect(TIMR_LOGIN_PATTERN.test(loginFromEmail(' O.Brien+hr@acme.example '))).toBe(true);
    expect(TIMR_LOGIN_PATTERN.test('jürgen@acme.example')).toBe(false);
    expect(TIMR_LOGIN_PATTERN.test('a b@acme.example')).toBe(false);
  });

  it('the report keeps counts of everything and bounded samples', () => {
    const report = emptyReport();
    const many = Array.from({ length: 75 }, (_, i) => ({ kind: 'conflict' as const, where: `line ${i + 2}`, who: 'x', reason: 'r' }));
    addOutcomes(report, [...many, { kind: 'created', where: 'line 99', who: 'y', timrUserId: 'u' }, { kind: 'existing', where: 'line 100', who: 'z' }]);
    expect(report.counts).toEqual({ rows: 77, created: 1, existing: 1, conflicts: 75, invalid: 0, toCreate: 0 });
    expect(report.samples.conflicts).toHaveLength(SAMPLE_LIMIT);
    expect(report.samples.created).toHaveLength(1);
  });
});
