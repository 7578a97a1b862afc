/**
 * Drift: HR deletes or edits transferred attendance periods by hand in Personio (here over
 * Personio's own API with the tenant's credentials, as HR's tools would). `timr-sync audit`
 * (the control call behind it) finds exactly what was done — the counts are derived here from
 * the edits themselves and from the sandbox's raw state, not from the product's answer — and
 * `--repair` restores it through the tenant loop's ordinary run; a second repair is a no-op, and
 * repairs sent concurrently with each other and with a sync never duplicate a period.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/timr-sync.js';
import { PersonioClient } from '../../src/clients/personio/client.js';
import type { AttendancePeriod } from '../../src/clients/personio/schemas.js';
import type { WorkingTime } from '../../src/clients/timr/schemas.js';
import { auditTenant, syncTenantNow, updateTenantConfig } from '../../src/control/tenants.js';
import { registry } from '../../src/observability/metrics.js';
import { typeCategories } from '../../src/domain/entry-classification.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

type TimrTenant = TimrSandboxState[string];
type PersonioTenant = PersonioSandboxState['tenants'][string];

/** A Personio local date-time moved by some minutes (read and written as UTC-axis wall time). */
const shift = (localDateTime: string, minutes: number) => new Date(Date.parse(`${localDateTime}Z`) + minutes * 60_000).toISOString().slice(0, 19);

describe('audit and repair of drift in Personio', () => {
  let fx: SyncFixture;
  let tenantId: string;
  let hr: PersonioClient;
  let candidates: WorkingTime[];

  const timrState = async (): Promise<TimrTenant> => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
  const personioState = async (): Promise<PersonioTenant> => PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
  const periodsOf = async (entryId: string): Promise<AttendancePeriod[]> => {
    const e = (await timrState()).workingTimes.find((w) => w.id === entryId)!;
    const ids = syncMetadataOf(e)?.periodIds ?? [];
    return (await personioState()).attendancePeriods.filter((p) => ids.includes(p.id));
  };
  const personioWrites = async () => (await fx.control.requests('personio', tenantId)).filter((r) => r.route.includes('periods') && r.method !== 'GET').length;
  const take = () => {
    const next = candidates.shift();
    if (!next) throw new Error('the seed ran out of candidate entries');
    return next;
  };

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 23, tenants: 1, employees: 5, days: 7 }), { codecKey: randomBytes(32).toString('base64') });
    tenantId = fx.seed.tenants[0]!.id;
    const creds = await fx.secrets.get(tenantId);
    hr = new PersonioClient({ tenantId, baseUrl: fx.sandbox.personioBaseUrl, credentials: creds.personio });
    await fx.start(tenantId);
    await fx.waitForCycles(tenantId, 1, 90_000);
    await expectSyncInvariants(fx, tenantId);
    const timr = await timrState();
    const categories = typeCategories(timr.workingTimeTypes);
    const day = (e: WorkingTime) => `${e.user.id}|${e.start.slice(0, 10)}`;
    const perDay = new Map<string, number>();
    for (const e of timr.workingTimes) perDay.set(day(e), (perDay.get(day(e)) ?? 0) + 1);
    const personio = await personioState();
    // Transferred attendance entries, alone on their day, with at least two WORK periods of an hour or more.
    candidates = timr.workingTimes.filter((e) => {
      const ids = syncMetadataOf(e)?.periodIds ?? [];
      const work = personio.attendancePeriods.filter((p) => ids.includes(p.id) && p.type === 'WORK' && p.end && Date.parse(`${p.end.date_time}Z`) - Date.parse(`${p.start.date_time}Z`) >= 3_600_000);
      return e.status === 'locked' && categories[e.working_time_type.id] === 'attendance_time' && perDay.get(day(e)) === 1 && work.length >= 2;
    });
    expect(candidates.length).toBeGreaterThanOrEqual(4);
  }, 180_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('finds periods HR deleted, shortened and moved, repairs exactly those once, and a second repair changes nothing', async () => {
    const lost = take();
    const shortened = take();
    const moved = take();
    const workOf = async (e: WorkingTime) => (await periodsOf(e.id)).filter((p) => p.type === 'WORK');
    // Deleted by hand: the entry's record names a period Personio no longer has.
    await hr.deleteAttendancePeriod((await workOf(lost))[0]!.id);
    // Shortened by 15 minutes within the entry's span: the hours no longer match timr's.
    const cut = (await workOf(shortened)).at(-1)!;
    await hr.patchAttendancePeriod(cut.id, { end: { date_time: shift(cut.end!.date_time, -15) } });
    // Moved half an hour before the entry began: outside its span (and nothing else that day to collide with).
    const early = (await workOf(moved))[0]!;
    await hr.patchAttendancePeriod(early.id, { start: { date_time: shift(early.start.date_time, -30) } });

    // The independent sandbox audit (raw control state) sees the same three.
    const raw = await fx.audit([tenantId]);
    expect({ lost: raw.lost, hoursMismatch: raw.hoursMismatch, stale: raw.stale }).toEqual({ lost: 1, hoursMismatch: 1, stale: 1 });

    const report = await auditTenant(fx.client, tenantId);
    expect(report.error).toBeUndefined();
    expect(report.repair).toBeUndefined();
    const found = report.audit!;
    expect(found.clean).toBe(false);
    expect({ lost: found.counts.lost, hoursMismatch: found.counts.hoursMismatch, stale: found.counts.stale, duplicated: found.counts.duplicated, orphaned: found.counts.orphaned })
      .toEqual({ lost: 1, hoursMismatch: 1, stale: 1, duplicated: 0, orphaned: 0 });
    expect(found.samples.lost).toEqual([lost.id]);
    expect(found.samples.hoursMismatch.map((h) => h.entryId)).toEqual([shortened.id]);
    expect(found.samples.stale).toEqual([early.id]);
    expect(Object.keys(found.repair.replace).sort()).toEqual([lost.id, shortened.id, moved.id].sort());
    expect(found.repair.causes).toEqual({ lost: 1, hours: 1, stale: 1 });
    // An audit alone writes nothing and starts no run.
    const status = await fx.status(tenantId);
    expect(status.lastAudit).toMatchObject({ clean: false, repairable: 3, scheduled: false });
    expect(status.lastAudit!.workflowId).toBe(`tenant/${tenantId}/audit/${status.lastAudit!.number}`);
    expect(status.repairPending).toBe(0);

    const runsBefore = status.runCount;
    const repaired = await auditTenant(fx.client, tenantId, { repair: true });
    expect(repaired.repair).toMatchObject({ requested: 3, pending: 0 });
    expect(repaired.repair!.runs).toHaveLength(1);
    expect(repaired.repair!.runs[0]!.counts).toMatchObject({ updated: 3, transferred: 0, failed: 0, deferred: 0, unresolved: 0 });
    expect(repaired.verify?.clean).toBe(true);
    expect(repaired.verify?.counts).toMatchObject({ lost: 0, stale: 0, hoursMismatch: 0, duplicated: 0, orphaned: 0, waiting: 0 });
    expect((await fx.status(tenantId)).runCount).toBe(runsBefore + 1);

    // What payroll sees, from the raw state: clean, each repaired entry with fresh periods of timr's hours.
    await expectSyncInvariants(fx, tenantId);
    for (const e of [lost, shortened, moved]) {
      const after = (await timrState()).workingTimes.find((w) => w.id === e.id)!;
      expect(after.status).toBe('locked');
      expect(after.last_modified).not.toBe(e.last_modified);
      const periods = await periodsOf(e.id);
      const workMinutes = periods.filter((p) => p.type === 'WORK').reduce((m, p) => m + (Date.parse(`${p.end!.date_time}Z`) - Date.parse(`${p.start.date_time}Z`)) / 60_000, 0);
      expect(workMinutes).toBe(e.duration!.minutes);
    }

    // Twice: nothing found, no run, no write.
    const writes = await personioWrites();
    const again = await auditTenant(fx.client, tenantId, { repair: true });
    expect(again.audit?.clean).toBe(true);
    expect(again.repair).toBeUndefined();
    expect(await personioWrites()).toBe(writes);
    expect((await fx.status(tenantId)).runCount).toBe(runsBefore + 1);
  }, 180_000);

  it('repairs once when repairs and a sync are sent at the same time', async () => {
    const target = take();
    const gone = (await periodsOf(target.id)).filter((p) => p.type === 'WORK')[0]!;
    await hr.deleteAttendancePeriod(gone.id);
    const periodsBefore = (await personioState()).attendancePeriods.length;
    const writes = await personioWrites();

    const [a, b] = await Promise.all([auditTenant(fx.client, tenantId, { repair: true }), auditTenant(fx.client, tenantId, { repair: true }), syncTenantNow(fx.client, tenantId)]);
    // The loop serves them one after the other: requests waiting together share one audit; one
    // that came later gets an audit of its own, which finds the repair done.
    const outcomes = [...new Map([a, b].map((o) => [JSON.stringify(o), o])).values()];
    const repairs = outcomes.filter((o) => o.repair);
    expect(repairs).toHaveLength(1);
    expect(repairs[0]!.audit?.counts.lost).toBe(1);
    expect(repairs[0]!.repair!.runs.map((r) => r.counts?.updated)).toEqual([1]);
    expect(repairs[0]!.verify?.clean).toBe(true);
    for (const other of outcomes.filter((o) => !o.repair)) expect(other.audit?.clean).toBe(true);

    // One replacement: the entry's periods are all back, once (the deleted one created again, the rest replaced).
    const record = syncMetadataOf((await timrState()).workingTimes.find((w) => w.id === target.id)!)!;
    expect(record.periodIds).not.toContain(gone.id);
    expect((await periodsOf(target.id)).length).toBe(record.periodIds.length);
    expect((await personioState()).attendancePeriods.length).toBe(periodsBefore + 1);
    expect(await personioWrites()).toBeGreaterThan(writes);
    await expectSyncInvariants(fx, tenantId);
  }, 180_000);

  it('audits on its schedule (auditIntervalHours): report only, findings in the status and the metrics', async () => {
    const target = take();
    const gone = (await periodsOf(target.id)).filter((p) => p.type === 'WORK')[0]!;
    await hr.deleteAttendancePeriod(gone.id);
    const before = (await fx.status(tenantId)).lastAudit!.number;
    // About a second: the next cycle sets the schedule, the one after it is due.
    await updateTenantConfig(fx.client, tenantId, { auditIntervalHours: 0.0003 });
    await syncTenantNow(fx.client, tenantId);
    await new Promise((r) => setTimeout(r, 1_500));
    await syncTenantNow(fx.client, tenantId);
    const status = await fx.status(tenantId);
    expect(status.lastAudit).toMatchObject({ scheduled: true, clean: false, repairable: 1, counts: { lost: 1 } });
    expect(status.lastAudit!.number).toBeGreaterThan(before);
    expect(status.repairPending).toBe(0);
    // Report only: the period is still missing.
    expect((await fx.audit([tenantId])).lost).toBe(1);
    const metrics = await registry.getSingleMetricAsString('timr_sync_audit_findings');
    expect(metrics).toContain(`timr_sync_audit_findings{tenant="${tenantId}",kind="lost"} 1`);

    await updateTenantConfig(fx.client, tenantId, { auditIntervalHours: 0 });
    const repaired = await auditTenant(fx.client, tenantId, { repair: true });
    expect(repaired.verify?.clean).toBe(true);
    await expectSyncInvariants(fx, tenantId);
  }, 180_000);

  it('timr-sync audit and audit --repair on the command line: exit 1 while drift is found, 0 once repaired; status shows the audit', async () => {
    const cli = async (...argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: fx.cliEnv });
      return { code, stdout, stderr };
    };
    const target = take();
    await hr.deleteAttendancePeriod((await periodsOf(target.id)).filter((p) => p.type === 'WORK')[0]!.id);

    const found = await cli('audit', tenantId, '--json');
    expect(found.code, found.stderr).toBe(1);
    const outcome = JSON.parse(found.stdout) as { audit: { counts: { lost: number }; repair: { replace: Record<string, string> } } };
    expect(outcome.audit.counts.lost).toBe(1);
    expect(Object.keys(outcome.audit.repair.replace)).toEqual([target.id]);
    const human = await cli('audit', tenantId);
    expect(human.stdout).toContain(`lost (entries; a recorded period is missing): ${target.id}`);
    expect(human.stdout).toContain(`→ repair: timr-sync audit ${tenantId} --repair`);

    const repaired = await cli('audit', tenantId, '--repair');
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/repair: 1 item\(s\) handed to the tenant's next run/);
    expect(repaired.stdout).toMatch(/audit after the repair \(from [\d-]+, read [^)]+\): clean/);
    const status = await cli('status', tenantId);
    expect(status.stdout).toMatch(/Audit of timr and Personio \(timr-sync audit\)\n {2}#\d+ at .*: clean/);
    await expectSyncInvariants(fx, tenantId);
  }, 180_000);
});
