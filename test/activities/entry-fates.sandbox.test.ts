/**
 * Nothing silent (issue 7): the plan and the cheap check give every entry in the look-back
 * window a fate — or hand it to the run as a transfer or a quarantine — and list the
 * non-attendance types nobody decided on. The activities run for real against the sandbox
 * vendors over HTTP; the expectations are computed here from the raw seed (category, status,
 * times), not with the product's classification code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { RunPlan, WorkCheck } from '../../src/activities/contracts.js';
import { PersonioLimits } from '../../src/clients/rate-limiter.js';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FileSecretStore } from '../../src/secrets/index.js';

const seed = generateDemoData({ seed: 23, tenants: 1, employees: 5, days: 8 });
const tenant = seed.tenants[0]!;
const typeNamed = (name: string) => tenant.timr.workingTimeTypes.find((t) => t.name === name)!;
const sickness = typeNamed('Krankenstand');

/** Sum of a fate's groups in a plan or check result. */
function countOf(fates: RunPlan['fates'] | undefined, fate: string): number {
  return (fates?.groups ?? []).filter((g) => g.fate === fate).reduce((n, g) => n + g.count, 0);
}
function idsOf(fates: RunPlan['fates'] | undefined, fate: string): string[] {
  return (fates?.groups ?? []).filter((g) => g.fate === fate).flatMap((g) => g.sample.map((s) => s.entryId));
}

describe('entry fates in the plan and the check', () => {
  let sandbox: RunningSandbox;
  let control: SandboxControl;
  let dir: string;
  let acts: ReturnType<typeof createActivities>;
  let zeroMinute: WorkingTime;
  let entries: WorkingTime[];
  const settings = TenantSettings.parse({
    tenantId: tenant.id,
    credentialsRef: tenant.id,
    lookbackDays: 3650,
    // A careless onboarding: Zeitausgleich left at the default name match, sickness ignored.
    sync: { timezone: tenant.timezone, ignoreTypeIds: [sickness.id] },
  });
  const input = (extra: object = {}) => ({
    tenantId: tenant.id,
    credentialsRef: tenant.id,
    sync: settings.sync,
    lookbackDays: settings.lookbackDays,
    chunkSize: 500,
    held: {},
    deletionWatermark: null,
    runId: `tenant/${tenant.id}/run/1`,
    ...extra,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    control = new SandboxControl(sandbox);
    dir = mkdtempSync(path.join(os.tmpdir(), 'fates-secrets-'));
    const secrets = new FileSecretStore(dir);
    await secrets.put(tenant.id, {
      timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret },
      personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret },
    });
    acts = createActivities({ endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
      secrets,
      // The per-client limit is the lower one: the plan names it (a run's batches in flight follow it).
      personioLimits: new PersonioLimits({ perIp: { ratePerSecond: 33, burst: 33 }, perClient: { ratePerSecond: 6, burst: 15 } }),
    });
    // An employee clocks in and straight out again: an attendance of zero minutes.
    const someone = tenant.personio.persons[0]!;
    const user = tenant.timr.users.find((u) => u.employee_number === someone.employee_number)!;
    zeroMinute = (await control.createWorkingTime(tenant.id, {
      user_id: user.id,
      working_time_type_id: typeNamed('Arbeitszeit').id,
      start: '2026-10-21T05:00:00+02:00',
      end: '2026-10-21T05:00:00+02:00',
    })) as WorkingTime;
    entries = (await control.state<Record<string, { workingTimes: WorkingTime[] }>>('timr', tenant.id))[tenant.id]!.workingTimes;
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const planWith = (extra: object = {}): Promise<RunPlan> => new MockActivityEnvironment().run(acts.planSyncRun, input(extra)) as Promise<RunPlan>;
  const checkWith = (arg: object): Promise<WorkCheck> => new MockActivityEnvironment().run(acts.checkForWork, arg as Parameters<typeof acts.checkForWork>[0]) as Promise<WorkCheck>;
  const category = (w: WorkingTime) => tenant.timr.workingTimeTypes.find((t) => t.id === w.working_time_type.id)!.category;

  it('accounts for every entry of the window exactly once: planned, quarantined, or with a fate and its reason', async () => {
    const plan = await planWith();
    const total = (plan.fates?.groups ?? []).reduce((n, g) => n + g.count, 0) + plan.entries.length + plan.quarantined.length;
    expect(total).toBe(entries.length);
    const accounted = [...plan.entries.map((e) => e.entryId), ...plan.quarantined.map((q) => q.entryId), ...(plan.fates?.groups ?? []).flatMap((g) => g.sample.map((s) => s.entryId))];
    expect(new Set(accounted).size).toBe(accounted.length);
    for (const g of plan.fates?.groups ?? []) {
      expect(g.reason.length, JSON.stringify(g)).toBeGreaterThan(0);
      expect(g.sample.length).toBe(Math.min(g.count, 20));
    }
  });

  it('running and paused entries wait; a zero-minute attendance is empty; an ignored type is ignored (were: dropped without a word)', async () => {
    const plan = await planWith();
    const unfinished = entries.filter((w) => w.status === 'running' || w.status === 'paused');
    expect(unfinished.length).toBeGreaterThanOrEqual(2);
    expect(countOf(plan.fates, 'waiting')).toBe(unfinished.length);
    expect(idsOf(plan.fates, 'waiting').sort()).toEqual(unfinished.map((w) => w.id).sort());
    const zero = entries.filter((w) => category(w) === 'attendance_time' && w.end === w.start);
    expect(zero.map((w) => w.id)).toContain(zeroMinute.id);
    expect(idsOf(plan.fates, 'empty').sort()).toEqual(zero.map((w) => w.id).sort());
    const sick = entries.filter((w) => w.working_time_type.id === sickness.id);
    expect(sick.length).toBeGreaterThan(0);
    expect(countOf(plan.fates, 'ignored')).toBe(sick.length);
  });

  it('"Zeitausgleich ganztägig", not matched by the default name, is not an attendance — named with type and category, and listed as a decision with the commands (was: silently not booked)', async () => {
    const plan = await planWith();
    const fullDay = typeNamed('Zeitausgleich ganztägig');
    const fullDayEntries = entries.filter((w) => w.working_time_type.id === fullDay.id);
    expect(fullDayEntries.length).toBeGreaterThan(0);
    const group = plan.fates?.groups.find((g) => g.fate === 'not-attendance' && g.reason.includes('Zeitausgleich ganztägig'));
    expect(group?.reason).toContain('unpaid_time_off');
    expect(group?.count).toBe(fullDayEntries.length);
    // Not attendances by the raw data: any category but attendance_time, neither ignored nor named "Zeitausgleich".
    const notAttendance = entries.filter((w) => category(w) !== 'attendance_time' && w.working_time_type.id !== sickness.id && w.working_time_type.name !== 'Zeitausgleich');
    expect(countOf(plan.fates, 'not-attendance')).toBe(notAttendance.length);

    const decisions = plan.decisions ?? [];
    const za = decisions.find((d) => d.typeId === fullDay.id);
    expect(za?.zeitausgleichHint).toMatch(/ausgleich/i);
    expect(za?.entries).toBe(fullDayEntries.length);
    // Configuring ids switches the name match off: the command keeps the type recognised by name today.
    expect(za?.zeitausgleichSettings).toEqual([`sync.zeitausgleich.typeIds+=${typeNamed('Zeitausgleich').id}`, `sync.zeitausgleich.typeIds+=${fullDay.id}`]);
    expect(za?.ignoreSetting).toBe(`sync.ignoreTypeIds+=${fullDay.id}`);
    expect(decisions[0]?.typeId).toBe(fullDay.id);
    const vacation = decisions.find((d) => d.name === 'Urlaub');
    expect(vacation).toMatchObject({ category: 'vacation' });
    expect(vacation?.zeitausgleichHint).toBeUndefined();
    // Decided types are not asked about again.
    expect(decisions.map((d) => d.typeId)).not.toContain(sickness.id);
    expect(decisions.map((d) => d.typeId)).not.toContain(typeNamed('Zeitausgleich').id);
    expect(decisions.every((d) => d.category !== 'attendance_time')).toBe(true);
  });

  it('entries beyond the chunk are pending for the next run', async () => {
    const plan = await planWith({ chunkSize: 3 });
    expect(plan.entries).toHaveLength(3);
    expect(plan.more).toBe(true);
    const full = await planWith();
    expect(countOf(plan.fates, 'pending')).toBe(full.entries.length - 3);
  });

  it("names the rate this worker sends the tenant's Personio requests at (its client's limit here, 6/s)", async () => {
    const plan = await planWith();
    expect(plan.personioRatePerSecond).toBe(6);
  });

  it("sizes the run's write batches by that rate, within the tenant's batchSize (10 at 6/s; a tenant's 3 stays 3)", async () => {
    expect((await planWith({ batchSize: 50 })).entriesPerBatch).toBe(10);
    expect((await planWith({ batchSize: 3 })).entriesPerBatch).toBe(3);
    // A run of an older version asks without its batch size: the plan leaves the batching to it.
    expect((await planWith()).entriesPerBatch).toBeUndefined();
  });

  it('held entries (quarantined, unchanged) are held; the check sends the window only when it changed', async () => {
    const plan = await planWith();
    const quarantined = plan.quarantined[0]!;
    const held = { [quarantined.entryId]: quarantined.lastModified };
    const check: WorkCheck = await checkWith({ ...input({ held }), windowDigest: null });
    expect(check.windowDigest).toMatch(/^[0-9a-f]{16,}$/);
    expect(idsOf(check.window?.fates, 'held')).toEqual([quarantined.entryId]);
    // Entries a run would transfer are pending in the check's view.
    expect(countOf(check.window?.fates, 'pending')).toBe(plan.entries.length + plan.quarantined.length - 1);
    const again: WorkCheck = await checkWith({ ...input({ held }), windowDigest: check.windowDigest });
    expect(again.windowDigest).toBe(check.windowDigest);
    expect(again.window).toBeUndefined();
  });
});
