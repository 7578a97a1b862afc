/**
 * The check between full passes keeps the working-time types it read for a while (collect-work.ts
 * TYPES_MAX_AGE_MS): a quiet cycle then sends two requests to timr, not three (issue 10). Every
 * other read is fresh, the kept read ages out, and a change naming a type the kept read lacks
 * reads the types at once — so that entry is judged by its real type, not as an unknown one.
 * Real HTTP to the sandbox; requests counted in its request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearTypesCache, collectWork, TYPES_MAX_AGE_MS, type CollectInput } from '../../src/activities/collect-work.js';
import { TimrClient } from '../../src/clients/timr/client.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const seed = generateDemoData({ seed: 8, tenants: 1, employees: 6, days: 20 });
const tenant = seed.tenants[0]!;

describe('the working-time types of a change check', () => {
  let sandbox: RunningSandbox;
  let control: SandboxControl;
  let timr: TimrClient;
  const settings = TenantSettings.parse({ tenantId: tenant.id, credentialsRef: tenant.id, lookbackDays: 3650, sync: { timezone: tenant.timezone } });
  const base: CollectInput = { tenantId: tenant.id, sync: settings.sync, lookbackDays: settings.lookbackDays, held: {}, deletionWatermark: null };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    control = new SandboxControl(sandbox);
    timr = new TimrClient({
      tenantId: tenant.id,
      baseUrl: sandbox.timrBaseUrl,
      tokenUrl: sandbox.timrTokenUrl,
      credentials: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret },
    });
    clearTypesCache();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const typeReads = async () => (await control.requests('timr', tenant.id)).filter((r) => r.method === 'GET' && r.route === '/v1/working-time-types').length;

  it('reads them for a full pass, keeps them for the change checks after it, and reads them again once the read is old', async () => {
    const t0 = new Date();
    const full = await collectWork(timr, { ...base, now: t0 });
    expect(full.fullPass).toBe(true);
    expect(await typeReads()).toBe(1);

    const changes = { changedSince: t0.toISOString(), typesDigest: full.typesDigest };
    const quiet = await collectWork(timr, { ...base, ...changes, now: new Date(t0.getTime() + 60_000) });
    expect(quiet.fullPass).toBe(false);
    expect(quiet.typesDigest).toBe(full.typesDigest);
    expect(await typeReads(), 'the quiet check used the kept read').toBe(1);

    const later = await collectWork(timr, { ...base, ...changes, now: new Date(t0.getTime() + TYPES_MAX_AGE_MS + 1_000) });
    expect(later.fullPass).toBe(false);
    expect(await typeReads(), 'the kept read aged out').toBe(2);

    // A run's plan (no changedSince) reads them fresh whatever is kept.
    await collectWork(timr, { ...base, now: new Date(t0.getTime() + TYPES_MAX_AGE_MS + 2_000) });
    expect(await typeReads()).toBe(3);
  });

  it('reads them at once when a change names a type the kept read lacks, and judges the entry by that type', async () => {
    const first = await collectWork(timr, base);
    const before = await typeReads();
    // timr gains an attendance type (the seed again, with one more), and an employee records an entry of it.
    const newType = { ...tenant.timr.workingTimeTypes.find((t) => t.category === 'attendance_time' && !t.archived)!, id: '0b9a2c1e-6f1d-4c4e-9d7a-51f0c0ffee01', name: 'Dienstreise', short_name: 'DR' };
    await control.seed({ tenants: [{ ...tenant, timr: { ...tenant.timr, workingTimeTypes: [...tenant.timr.workingTimeTypes, newType] } }] });
    const since = new Date().toISOString();
    const user = tenant.timr.users.find((u) => tenant.personio.persons.some((p) => p.employee_number === u.employee_number))!;
    const created = (await control.createWorkingTime(tenant.id, {
      user_id: user.id,
      working_time_type_id: newType.id,
      start: '2030-05-06T08:00:00+02:00',
      end: '2030-05-06T12:00:00+02:00',
    })) as { id: string };

    const work = await collectWork(timr, { ...base, changedSince: since, typesDigest: first.typesDigest });
    expect(await typeReads(), 'the types were read again').toBe(before + 1);
    expect(work.typesDigest).not.toBe(first.typesDigest);
    // Changed types: the whole window is read (a full pass), and the entry is an attendance to transfer.
    expect(work.fullPass).toBe(true);
    expect(work.eligible.map((e) => e.id)).toContain(created.id);
    expect(work.invalid.map((i) => i.entry.id)).not.toContain(created.id);
  });
});
