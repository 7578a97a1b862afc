/**
 * Three tenants synced at the same time by one worker, each with its own credentials. The
 * seed sets traps for anything keyed without the tenant: one e-mail address exists in two
 * tenants (a consultant working for both), and two tenants share timr entry ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { Seed, TenantSeed } from '../../src/sandbox/seed.js';
import type { SyncMetadata } from '../../src/activities/contracts.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { TenantStatusView } from '../../src/workflows/types.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const SHARED_IDS = 3;
const normalise = (email: string | null | undefined) => (email ?? '').trim().toLowerCase();

/**
 * Gives tenant 1's first matched employee tenant 0's e-mail, and SHARED_IDS of tenant 1's
 * transferable entries the ids of tenant 0's transferable entries.
 */
function withCrossTenantTraps(seed: Seed): { seed: Seed; sharedEmail: string; sharedIds: string[] } {
  const [a, b] = seed.tenants;
  if (!a || !b) throw new Error('need two tenants');
  const personEmails = (t: TenantSeed) => new Set(t.personio.persons.map((p) => normalise(p.email)));
  const matched = (t: TenantSeed) => t.timr.users.find((u) => personEmails(t).has(normalise(u.email)))!;
  const transferable = (t: TenantSeed) => {
    const attendance = new Set(t.timr.workingTimeTypes.filter((w) => w.category === 'attendance_time').map((w) => w.id));
    return t.timr.workingTimes.filter((e) => e.end !== null && e.status === 'changeable' && attendance.has(e.working_time_type.id) && personEmails(t).has(normalise(e.user.email)));
  };
  const sharedEmail = normalise(matched(a).email);
  const bUser = matched(b);
  const bEmail = normalise(bUser.email);
  const sharedIds = transferable(a).slice(0, SHARED_IDS).map((e) => e.id);
  const renamed = new Map(transferable(b).slice(0, SHARED_IDS).map((e, i) => [e.id, sharedIds[i]!]));
  const users = b.timr.users.map((u) => (u.id === bUser.id ? { ...u, email: sharedEmail } : u));
  const persons = b.personio.persons.map((p) => (normalise(p.email) === bEmail ? { ...p, email: sharedEmail } : p));
  const workingTimes = b.timr.workingTimes.map((e) => ({
    ...e,
    id: renamed.get(e.id) ?? e.id,
    user: e.user.id === bUser.id ? { ...e.user, email: sharedEmail } : e.user,
  }));
  const trapped = { ...b, timr: { ...b.timr, users, workingTimes }, personio: { ...b.personio, persons } };
  return { seed: { tenants: seed.tenants.map((t) => (t === b ? trapped : t)) }, sharedEmail, sharedIds };
}

describe('tenant sync: several tenants at once on one worker', () => {
  let fx: SyncFixture;
  let tenants: string[];
  let sharedEmail: string;
  let sharedIds: string[];
  let statuses: TenantStatusView[];

  const states = async () => ({
    timr: TimrSandboxState.parse(await fx.control.state('timr')),
    personio: PersonioSandboxState.parse(await fx.control.state('personio')),
  });

  beforeAll(async () => {
    const trapped = withCrossTenantTraps(generateDemoData({ seed: 9, tenants: 3, employees: 4, days: 7 }));
    sharedEmail = trapped.sharedEmail;
    sharedIds = trapped.sharedIds;
    fx = await startSyncFixture(trapped.seed);
    tenants = fx.seed.tenants.map((t) => t.id);
    // Slightly slower Personio writes so the three first runs surely overlap in time.
    await fx.control.addFault('personio', { route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 30 } });
    await Promise.all(tenants.map((t) => fx.start(t)));
    statuses = await Promise.all(tenants.map((t) => fx.waitForCycles(t, 1, 60_000)));
    await fx.control.clearFaults('personio');
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('ran the tenants concurrently, each transferring its own entries', () => {
    const runs = statuses.map((s) => s.recentRuns[0]!);
    for (const [i, run] of runs.entries()) {
      expect(run.workflowId).toBe(`tenant/${tenants[i]}/run/1`);
      expect(run.counts).toMatchObject({ failed: 0, deferred: 0 });
      expect(run.counts!.transferred).toBeGreaterThan(10);
    }
    const latestStart = Math.max(...runs.map((r) => Date.parse(r.startedAt)));
    const earliestEnd = Math.min(...runs.map((r) => Date.parse(r.finishedAt)));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('keeps every Personio period with a person of its own tenant, and every transfer record pointing into its own tenant', async () => {
    const { timr, personio } = await states();
    for (const tenantId of tenants) {
      const own = personio.tenants[tenantId]!;
      const ownPersons = new Set(own.persons.map((p) => p.id));
      const ownPeriods = new Set(own.attendancePeriods.map((p) => p.id));
      expect(own.attendancePeriods.length).toBeGreaterThan(20);
      for (const period of own.attendancePeriods) expect(ownPersons.has(period.person.id), `period ${period.id} of tenant ${tenantId}`).toBe(true);

      const locked = timr[tenantId]!.workingTimes.filter((e) => e.status === 'locked');
      for (const entry of locked) {
        const meta = syncMetadataOf(entry)!;
        expect(ownPersons.has(meta.personId), `entry ${entry.id} of tenant ${tenantId} → person ${meta.personId}`).toBe(true);
        expect(meta.periodIds.every((id) => ownPeriods.has(id))).toBe(true);
        expect(meta.run.startsWith(`tenant/${tenantId}/run/`)).toBe(true);
      }
      for (const other of tenants.filter((t) => t !== tenantId)) {
        const foreign = new Set(personio.tenants[other]!.attendancePeriods.map((p) => p.id));
        expect(locked.flatMap((e) => syncMetadataOf(e)!.periodIds).filter((id) => foreign.has(id))).toEqual([]);
      }
    }
  });

  it('matched the shared e-mail to each tenant’s own person, and transferred both tenants’ entries with the same ids', async () => {
    const { timr, personio } = await states();
    for (const tenantId of tenants.slice(0, 2)) {
      const person = personio.tenants[tenantId]!.persons.find((p) => normalise(p.email) === sharedEmail)!;
      const entries = timr[tenantId]!.workingTimes.filter((e) => normalise(e.user.email) === sharedEmail && e.status === 'locked');
      expect(entries.length).toBeGreaterThan(2);
      for (const e of entries) expect(syncMetadataOf(e)!.personId).toBe(person.id);
    }
    const [a, b] = tenants;
    expect(sharedIds).toHaveLength(SHARED_IDS);
    for (const id of sharedIds) {
      const metas = [a!, b!].map((t) => {
        const entry = timr[t]!.workingTimes.find((e) => e.id === id)!;
        expect(entry.status, `entry ${id} of tenant ${t}`).toBe('locked');
        return syncMetadataOf(entry)!;
      });
      const [metaA, metaB] = metas as [SyncMetadata, SyncMetadata];
      expect(metaA.periodIds.some((p) => metaB.periodIds.includes(p))).toBe(false);
      expect(metaA.personId).not.toBe(metaB.personId);
      expect(personio.tenants[a!]!.persons.some((p) => p.id === metaA.personId)).toBe(true);
      expect(personio.tenants[b!]!.persons.some((p) => p.id === metaB.personId)).toBe(true);
    }
  });

  it('holds the audit invariants for all tenants, and used each tenant’s own credentials', async () => {
    const audit = await fx.audit(tenants);
    expect(audit.tenants).toBe(3);
    expect(audit).toMatchObject({ lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0 });
    expect(audit.entriesTransferred + audit.quarantined).toBe(audit.entriesEligible);
    for (const tenantId of tenants) {
      // The sandbox tells tenants apart by the token, so requests attributed to a tenant were made with its credentials.
      const requests = await fx.control.requests('personio', tenantId);
      expect(requests.some((r) => r.route === '/v2/auth/token' && r.status === 200)).toBe(true);
      expect(requests.filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods' && r.status === 201).length).toBe(
        PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!.attendancePeriods.length,
      );
    }
  });

  it('a sync of one tenant touches no other tenant', async () => {
    const [a, ...others] = tenants;
    const { timr } = await states();
    const target = timr[a!]!.workingTimes.find((e) => e.status === 'locked' && (syncMetadataOf(e)?.periodIds.length ?? 0) > 1)!;
    await fx.control.editWorkingTime(a!, target.id, { status: 'changeable', notes: 'nur Mandant A' });
    const before = await Promise.all(others.map(async (t) => ({ runs: (await fx.status(t)).runCount, requests: (await fx.control.requests('personio', t)).length })));
    const { personio: personioBefore } = await states();

    const summary = await syncTenantNow(fx.env.client, a!);
    expect(summary?.counts).toMatchObject({ updated: 1, failed: 0 });

    const { personio: personioAfter } = await states();
    for (const [i, t] of others.entries()) {
      expect((await fx.status(t)).runCount).toBe(before[i]!.runs);
      expect((await fx.control.requests('personio', t)).length).toBe(before[i]!.requests);
      expect(personioAfter.tenants[t]).toEqual(personioBefore.tenants[t]);
    }
    const audit = await fx.audit(tenants);
    expect(audit).toMatchObject({ lost: 0, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0 });
  });
});
