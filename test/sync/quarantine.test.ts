/**
 * Quarantine end to end: the employee missing in Personio is held with a reason support can
 * act on; after the fix (a matching override, or the person created in Personio) a retry
 * transfers the held entries; an entry edited in timr while held is retried by itself, an
 * unchanged one is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../src/clients/personio/schemas.js';
import { User, type WorkingTime } from '../../src/clients/timr/schemas.js';
import { retryQuarantined, syncTenantNow, updateTenantConfig } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { Seed } from '../../src/sandbox/seed.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import { startSyncFixture, type SyncFixture, expectSyncInvariants } from '../helpers/sync-fixture.js';

type TimrTenant = TimrSandboxState[string];
type PersonioTenant = PersonioSandboxState['tenants'][string];

const normalise = (email: string | null | undefined) => (email ?? '').trim().toLowerCase();

describe('tenant sync: quarantine of an unmatched employee, fix, retry', () => {
  let fx: SyncFixture;

  const timrState = async (tenantId: string): Promise<TimrTenant> => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
  const personioState = async (tenantId: string): Promise<PersonioTenant> =>
    PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;

  /** The timr user no Personio person matches by e-mail (the demo data has one per tenant). */
  const unmatchedUser = async (tenantId: string): Promise<User> => {
    const [timr, personio] = await Promise.all([timrState(tenantId), personioState(tenantId)]);
    const emails = new Set(personio.persons.map((p) => normalise(p.email)));
    const users = User.array().parse(timr.users).filter((u) => !emails.has(normalise(u.email)));
    expect(users, `tenant ${tenantId} should have exactly one unmatched user`).toHaveLength(1);
    return users[0]!;
  };
  /** The user's entries the sync must transfer: finished attendances and Zeitausgleich. */
  const eligibleEntriesOf = async (tenantId: string, userId: string): Promise<WorkingTime[]> => {
    const timr = await timrState(tenantId);
    const category = new Map(timr.workingTimeTypes.map((t) => [t.id, t.category]));
    return timr.workingTimes.filter((e) => {
      if (e.user.id !== userId || e.end === null || e.status === 'running' || e.status === 'paused') return false;
      const c = category.get(e.working_time_type.id);
      return c === 'attendance_time' || c === 'unpaid_time_off';
    });
  };
  /** Adds a person to the tenant's Personio through the sandbox seed route, keeping everything else. */
  const addPersonioPerson = async (tenantId: string, person: Person) => {
    const current = await personioState(tenantId);
    const tenant = fx.seed.tenants.find((t) => t.id === tenantId)!;
    const seed: Seed = {
      tenants: [{ ...tenant, personio: { ...tenant.personio, persons: [...current.persons, person], attendancePeriods: current.attendancePeriods } }],
    };
    const res = await fetch(`${fx.sandbox.personioControlUrl}/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
    expect(res.status, await res.text()).toBe(200);
  };
  const expectTransferredTo = async (tenantId: string, entryIds: string[], personId: string) => {
    const [timr, personio] = await Promise.all([timrState(tenantId), personioState(tenantId)]);
    for (const id of entryIds) {
      const entry = timr.workingTimes.find((e) => e.id === id)!;
      expect(entry.status, `entry ${id}`).toBe('locked');
      const meta = syncMetadataOf(entry);
      expect(meta?.personId).toBe(personId);
      expect(meta!.periodIds.length).toBeGreaterThan(0);
      for (const pid of meta!.periodIds) expect(personio.attendancePeriods.find((p) => p.id === pid)?.person.id).toBe(personId);
    }
  };
  const expectCleanAudit = (tenantId: string) => expectSyncInvariants(fx, tenantId);
  const retryAndWait = async (tenantId: string, entryIds?: string[]) => {
    const before = (await fx.status(tenantId)).cycles;
    const result = await retryQuarantined(fx.env.client, tenantId, entryIds);
    const status = await fx.waitForCycles(tenantId, before + 1, 30_000);
    return { released: result.released, status };
  };

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 5, tenants: 3, employees: 4, days: 7 }));
    await Promise.all(fx.seed.tenants.map((t) => fx.start(t.id)));
    await Promise.all(fx.seed.tenants.map((t) => fx.waitForCycles(t.id, 1, 60_000)));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('holds exactly the unmatched employee’s entries, with a reason naming the employee and the fix; an edit re-judges without duplicates', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    const user = await unmatchedUser(tenantId);
    const held = await eligibleEntriesOf(tenantId, user.id);
    expect(held.length).toBeGreaterThan(2);
    const status = await fx.status(tenantId);
    expect(status.quarantined.map((q) => q.entryId).sort()).toEqual(held.map((e) => e.id).sort());
    for (const q of status.quarantined) {
      expect(q.reason).toContain(user.fullname);
      expect(q.reason).toContain(user.id);
      expect(q.reason).toContain(normalise(user.email));
      expect(q.reason).toMatch(/make the e-mail the same in both systems/);
      expect(q.reason).toContain('matching.overrides');
    }
    for (const e of held) {
      expect(e.status).toBe('changeable');
      expect(syncMetadataOf(e)).toBeUndefined();
    }
    await expectCleanAudit(tenantId);

    // Edited while held but still unmatched: looked at again, held again with the new timestamp.
    const edited = held[0]!;
    await fx.control.editWorkingTime(tenantId, edited.id, { notes: 'nachgetragen' });
    const lastModified = (await timrState(tenantId)).workingTimes.find((e) => e.id === edited.id)!.last_modified;
    const summary = await syncTenantNow(fx.env.client, tenantId);
    expect(summary?.counts).toMatchObject({ quarantined: 1, transferred: 0 });
    const after = await fx.status(tenantId);
    expect(after.quarantined).toHaveLength(held.length);
    expect(after.quarantined.find((q) => q.entryId === edited.id)?.lastModified).toBe(lastModified);
  });

  it('fix (a): an override to a Personio person, then retrying one entry, then all', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    const user = await unmatchedUser(tenantId);
    const held = (await fx.status(tenantId)).quarantined.map((q) => q.entryId);
    const person: Person = { id: '99000001', email: 'p.extern@payroll.example', first_name: user.firstname, last_name: user.lastname, status: 'active', employee_number: null };
    await addPersonioPerson(tenantId, person);
    const view = await updateTenantConfig(fx.env.client, tenantId, { sync: { matching: { strategy: 'email', overrides: { [user.id]: person.id } } } });
    expect(view.settings.sync.matching.overrides).toEqual({ [user.id]: person.id });
    // Zeitausgleich matching and the time zone survive a change to another part of sync.
    expect(view.settings.sync.zeitausgleich.typeIds.length).toBeGreaterThan(0);

    // Fixed but not released: an unchanged held entry is not retried by itself.
    const runs = (await fx.status(tenantId)).runCount;
    await syncTenantNow(fx.env.client, tenantId);
    expect((await fx.status(tenantId)).runCount).toBe(runs);
    expect((await fx.status(tenantId)).quarantined).toHaveLength(held.length);

    const [first, ...rest] = held;
    const one = await retryAndWait(tenantId, [first!]);
    expect(one.released).toBe(1);
    expect(one.status.quarantined.map((q) => q.entryId).sort()).toEqual([...rest].sort());
    expect(one.status.recentRuns[0]?.counts).toMatchObject({ transferred: 1, quarantined: 0, failed: 0 });
    await expectTransferredTo(tenantId, [first!], person.id);

    const all = await retryAndWait(tenantId);
    expect(all.released).toBe(rest.length);
    expect(all.status.quarantined).toEqual([]);
    await expectTransferredTo(tenantId, held, person.id);
    await expectCleanAudit(tenantId);
  });

  it('fix (b): the person created in Personio with that e-mail; an entry edited meanwhile goes by itself, the rest on retry', async () => {
    const tenantId = fx.seed.tenants[1]!.id;
    const user = await unmatchedUser(tenantId);
    const held = (await fx.status(tenantId)).quarantined.map((q) => q.entryId);
    expect(held.length).toBeGreaterThan(2);
    const person: Person = { id: '99000002', email: user.email!.toUpperCase(), first_name: user.firstname, last_name: user.lastname, status: 'active', employee_number: null };
    await addPersonioPerson(tenantId, person);

    const [edited, ...rest] = held;
    await fx.control.editWorkingTime(tenantId, edited!, { notes: 'nachgetragen' });
    const summary = await syncTenantNow(fx.env.client, tenantId);
    expect(summary?.counts).toMatchObject({ transferred: 1, quarantined: 0, failed: 0 });
    await expectTransferredTo(tenantId, [edited!], person.id);
    const personio = await personioState(tenantId);
    const meta = syncMetadataOf((await timrState(tenantId)).workingTimes.find((e) => e.id === edited)!)!;
    const works = personio.attendancePeriods.filter((p) => meta.periodIds.includes(p.id) && p.type === 'WORK');
    expect(works.map((p) => p.comment)).toEqual(works.map(() => 'nachgetragen'));
    expect((await fx.status(tenantId)).quarantined.map((q) => q.entryId).sort()).toEqual([...rest].sort());

    const all = await retryAndWait(tenantId);
    expect(all.released).toBe(rest.length);
    expect(all.status.quarantined).toEqual([]);
    expect(all.status.recentRuns[0]?.counts).toMatchObject({ transferred: rest.length, quarantined: 0 });
    await expectTransferredTo(tenantId, held, person.id);
    await expectCleanAudit(tenantId);
  });

  it('drops held entries that were deleted in timr or retyped to an absence', async () => {
    const tenantId = fx.seed.tenants[2]!.id;
    const held = (await fx.status(tenantId)).quarantined.map((q) => q.entryId);
    expect(held.length).toBeGreaterThan(2);
    const [deleted, retyped] = held;
    const sickness = (await timrState(tenantId)).workingTimeTypes.find((t) => t.category === 'paid_time_off' && !t.archived)!;
    await fx.control.deleteWorkingTime(tenantId, deleted!);
    await fx.control.editWorkingTime(tenantId, retyped!, { working_time_type_id: sickness.id });

    await syncTenantNow(fx.env.client, tenantId);
    const after = (await fx.status(tenantId)).quarantined.map((q) => q.entryId);
    expect(after).not.toContain(deleted);
    expect(after).not.toContain(retyped);
    await expectCleanAudit(tenantId);
  });

  it('rejects retrying an entry that is not held, naming it', async () => {
    const tenantId = fx.seed.tenants[1]!.id;
    const err = await retryQuarantined(fx.env.client, tenantId, ['no-such-entry']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(messagesOf(err)).toMatch(/not quarantined for tenant .*: no-such-entry/);
  });
});

/** The error and its causes as one text (update failures carry the validator's message as cause). */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err; e instanceof Error; e = (e as { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}
