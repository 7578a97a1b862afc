/**
 * Nothing silent (issue 7), end to end: a demo tenant onboarded carelessly (its renamed
 * Zeitausgleich types not configured, sickness ignored) on the real stack — dev server, worker
 * with the payload codec, sandbox vendors over HTTP — operated through the CLI as support would.
 * After each step `status` and `report` must show every entry of the window with its fate, and
 * the counts must equal what is computed here from the raw sandbox state (types, categories,
 * statuses, times, e-mails, transfer records) — not with the product's classification code.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/timr-sync.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { PersonioSandboxState, TimrSandboxState, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { SyncRunReport, TenantStatusView, WindowView } from '../../src/workflows/types.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

type TimrTenant = TimrSandboxState[string];
type Entry = TimrTenant['workingTimes'][number];

const normalise = (email: string | null | undefined) => (email ?? '').trim().toLowerCase();

/** The fates as this test reads them from raw data, per entry id. */
interface Expected {
  transferable: Entry[];
  waiting: Entry[];
  empty: Entry[];
  ignored: Entry[];
  /** Type id → entries of a non-attendance type nobody decided on. */
  notAttendance: Map<string, Entry[]>;
  unmatched: Entry[];
}

describe('every entry has a visible fate: status and report on a demo tenant', () => {
  let fx: SyncFixture;
  let tenantId: string;
  let sickTypeId: string;
  /** Zeitausgleich type ids the tenant has configured (none at first: the careless onboarding). */
  const zeitausgleichIds = new Set<string>();
  const ignoredIds = new Set<string>();

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: fx.cliEnv });
    if (process.env.CLI_TEST_ECHO) console.log(`$ timr-sync ${argv.join(' ')}  → ${code}\n${stdout}${stderr}`);
    return { code, stdout, stderr };
  }
  async function json<T>(...argv: string[]): Promise<T> {
    const r = await cli(...argv, '--json');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  }
  const timrState = async (): Promise<TimrTenant> => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;

  /** Computed from the raw sandbox state and the settings this test made, nothing else. */
  async function expected(): Promise<Expected> {
    const timr = await timrState();
    const personio = PersonioSandboxState.parse(await fx.control.state('personio', tenantId)).tenants[tenantId]!;
    const category = new Map(timr.workingTimeTypes.map((t) => [t.id, t.category]));
    const emails = new Set(personio.persons.map((p) => normalise(p.email)));
    const out: Expected = { transferable: [], waiting: [], empty: [], ignored: [], notAttendance: new Map(), unmatched: [] };
    for (const e of timr.workingTimes) {
      const type = e.working_time_type.id;
      const zeitausgleich = zeitausgleichIds.has(type);
      if (e.status === 'running' || e.status === 'paused') out.waiting.push(e);
      else if (!zeitausgleich && category.get(type) !== 'attendance_time') {
        if (ignoredIds.has(type)) out.ignored.push(e);
        else out.notAttendance.set(type, [...(out.notAttendance.get(type) ?? []), e]);
      } else if (!zeitausgleich && e.end === e.start) out.empty.push(e);
      else if (!emails.has(normalise(e.user.email))) out.unmatched.push(e);
      else out.transferable.push(e);
    }
    return out;
  }

  const count = (w: WindowView | SyncRunReport | null | undefined, fate: string, reason?: RegExp) =>
    (w?.fates?.groups ?? []).filter((g) => g.fate === fate && (!reason || reason.test(g.reason))).reduce((n, g) => n + g.count, 0);
  const sampled = (w: WindowView | null | undefined, fate: string) => (w?.fates.groups ?? []).filter((g) => g.fate === fate).flatMap((g) => g.sample.map((s) => s.entryId));
  const total = (w: WindowView | null | undefined) => (w?.fates.groups ?? []).reduce((n, g) => n + g.count, 0);
  const ids = (entries: Entry[]) => entries.map((e) => e.id).sort();

  /** The count `timr-sync status` prints in the row of a fate. */
  function statusRow(stdout: string, label: string): number | undefined {
    const escaped = label.replace(/[()]/g, (c) => `\\${c}`);
    const m = new RegExp(`^ {2}${escaped}\\s{2,}(\\d+)\\s`, 'm').exec(stdout);
    return m ? Number(m[1]) : undefined;
  }

  /** What every view must show, whatever step: the fates that depend on data alone. */
  async function expectDataFates(w: WindowView | null | undefined, exp: Expected, statusText: string) {
    expect(count(w, 'waiting')).toBe(exp.waiting.length);
    expect(sampled(w, 'waiting').sort()).toEqual(ids(exp.waiting));
    expect(count(w, 'empty')).toBe(exp.empty.length);
    expect(sampled(w, 'empty').sort()).toEqual(ids(exp.empty));
    expect(count(w, 'ignored')).toBe(exp.ignored.length);
    expect(count(w, 'not-attendance')).toBe([...exp.notAttendance.values()].flat().length);
    // One group per type, named with type and category.
    for (const [typeId, entries] of exp.notAttendance) {
      const group = w?.fates.groups.find((g) => g.fate === 'not-attendance' && g.reason.includes(typeId));
      expect(group?.count, `not-attendance group of type ${typeId}`).toBe(entries.length);
      expect(group?.reason).toMatch(/of category (vacation|paid_time_off|unpaid_time_off|suspension|break_time)/);
    }
    expect(statusRow(statusText, 'waiting (unfinished or unapproved)')).toBe(exp.waiting.length);
    expect(statusRow(statusText, 'empty (zero minutes)')).toBe(exp.empty.length);
    expect(statusRow(statusText, 'not an attendance')).toBe([...exp.notAttendance.values()].flat().length);
    if (exp.ignored.length) expect(statusRow(statusText, 'ignored by configuration')).toBe(exp.ignored.length);
  }

  const syncNow = async () => {
    const r = await cli('sync-now', tenantId);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    // Tenant 2 of the demo renamed both Zeitausgleich types ("ZA – …", external id ZA).
    const seed = generateDemoData({ seed: 29, tenants: 2, employees: 5, days: 8 });
    fx = await startSyncFixture({ tenants: [seed.tenants[1]!] }, { codecKey: randomBytes(32).toString('base64') });
    const tenant = fx.seed.tenants[0]!;
    tenantId = tenant.id;
    sickTypeId = tenant.timr.workingTimeTypes.find((t) => t.name === 'Krankenstand')!.id;
    ignoredIds.add(sickTypeId);
    await fx.start(tenantId, { sync: { zeitausgleich: { typeIds: [], externalIds: [], names: ['Zeitausgleich'] }, ignoreTypeIds: [sickTypeId] } });
    await fx.waitForCycles(tenantId, 1, 90_000);
  });
  afterAll(async () => {
    await fx?.client.workflow.getHandle(`tenant/${tenantId}`).terminate('test cleanup').catch(() => undefined);
    await fx?.teardown();
  });

  it('after the first run: transferred, quarantined, waiting, not an attendance (by type), ignored, empty — each counted as the raw data says (were: only counted, then dropped)', async () => {
    const exp = await expected();
    expect(exp.waiting.length).toBeGreaterThanOrEqual(2);
    expect(exp.empty.length).toBe(1);
    expect(exp.ignored.length).toBeGreaterThan(0);
    expect(exp.unmatched.length).toBeGreaterThan(0);
    const view = await json<TenantStatusView>('status', tenantId);
    const w = view.window;
    expect(w).toMatchObject({ source: 'run', runNumber: 1 });
    const timr = await timrState();
    expect(total(w)).toBe(timr.workingTimes.length);

    expect(count(w, 'transferred', /this run/)).toBe(exp.transferable.length);
    // The raw state agrees: exactly those entries are locked with our record.
    expect(timr.workingTimes.filter((e) => e.status === 'locked' && syncMetadataOf(e)).map((e) => e.id).sort()).toEqual(ids(exp.transferable));
    expect(count(w, 'quarantined')).toBe(exp.unmatched.length);
    expect(w?.fates.groups.find((g) => g.fate === 'quarantined')?.reason).toMatch(/employee not matched/);
    expect(view.quarantined.map((q) => q.entryId).sort()).toEqual(ids(exp.unmatched));
    // The renamed Zeitausgleich types are nobody's attendance yet: visible, not silently dropped.
    const renamed = timr.workingTimeTypes.filter((t) => t.category === 'unpaid_time_off');
    for (const t of renamed) expect(exp.notAttendance.get(t.id)?.length ?? 0, t.name).toBeGreaterThan(0);

    const status = await cli('status', tenantId);
    expect(status.code).toBe(0);
    await expectDataFates(w, exp, status.stdout);
    expect(statusRow(status.stdout, 'transferred')).toBe(exp.transferable.length);
    expect(statusRow(status.stdout, 'quarantined')).toBe(exp.unmatched.length);
    expect(status.stdout).toContain(`Entries in the look-back window (${timr.workingTimes.length}, as of run #1`);
  });

  it('status lists every undecided non-attendance type with both commands, and calls the renamed Zeitausgleich types out', async () => {
    const timr = await timrState();
    const undecided = timr.workingTimeTypes.filter((t) => t.category !== 'attendance_time' && !t.archived && t.id !== sickTypeId);
    const view = await json<TenantStatusView>('status', tenantId);
    const decisions = view.window?.decisions ?? [];
    expect(decisions.map((d) => d.typeId).sort()).toEqual(undecided.map((t) => t.id).sort());
    const suspects = decisions.filter((d) => d.zeitausgleichHint).map((d) => d.typeId).sort();
    expect(suspects).toEqual(undecided.filter((t) => t.category === 'unpaid_time_off').map((t) => t.id).sort());
    const status = (await cli('status', tenantId)).stdout;
    expect(status).toContain(`Working-time types that need a decision (${undecided.length})`);
    for (const t of undecided) {
      expect(status).toContain(`timr-sync config ${tenantId} --set sync.ignoreTypeIds+=${t.id}`);
      expect(status).toMatch(new RegExp(`"${t.name.replace(/[()]/g, '.')}" \\(${t.category}, id ${t.id}`));
    }
    expect(status.match(/looks like a renamed Zeitausgleich/g)?.length).toBe(suspects.length);
  });

  it('report lists the entries behind each count; report --run 1 fetches the run\'s own result from Temporal', async () => {
    const exp = await expected();
    const { window } = await json<{ window: WindowView }>('report', tenantId);
    const text = (await cli('report', tenantId)).stdout;
    for (const e of [...exp.waiting, ...exp.empty, ...exp.unmatched.slice(0, 20)]) expect(text).toContain(e.id);
    expect(text).toContain(`transferred (${exp.transferable.length})`);
    expect(text).toContain(`not an attendance (${[...exp.notAttendance.values()].flat().length})`);
    const run = await json<SyncRunReport>('report', tenantId, '--run', '1');
    expect(run.runId).toBe(`tenant/${tenantId}/run/1`);
    expect(run.fates).toEqual(window.fates);
    expect(run.counts.transferred).toBe(exp.transferable.length);
    const runText = (await cli('report', tenantId, '--run', '1')).stdout;
    expect(runText.split('\n')[0]).toMatch(new RegExp(`^run #1 of tenant ${tenantId} \\(tenant/${tenantId}/run/1\\): (succeeded|partial)$`));
    const missing = await cli('report', tenantId, '--run', '999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`tenant ${tenantId} has no run 999`);
  });

  it('an admin edit and a deletion: updated and deleted; the quarantined entries are held; the rest transferred before', async () => {
    const before = await expected();
    const [edited, deleted] = before.transferable.filter((e) => e.end !== e.start && !zeitausgleichIds.has(e.working_time_type.id));
    await fx.control.editWorkingTime(tenantId, edited!.id, { status: 'changeable', notes: 'korrigiert vom Admin' });
    await fx.control.deleteWorkingTime(tenantId, deleted!.id);
    const out = await syncNow();
    expect(out).toMatch(/^run #2 /m);
    expect(out).toContain(`every entry and its fate: timr-sync report ${tenantId} --run 2`);

    const exp = await expected();
    const w = (await json<TenantStatusView>('status', tenantId)).window;
    expect(w).toMatchObject({ source: 'run', runNumber: 2 });
    expect(count(w, 'updated')).toBe(1);
    expect(sampled(w, 'updated')).toEqual([edited!.id]);
    expect(count(w, 'deleted')).toBe(1);
    expect(sampled(w, 'deleted')).toEqual([deleted!.id]);
    expect(count(w, 'held')).toBe(exp.unmatched.length);
    expect(count(w, 'transferred', /before/)).toBe(exp.transferable.length - 1);
    expect(count(w, 'quarantined')).toBe(0);
    const status = (await cli('status', tenantId)).stdout;
    await expectDataFates(w, exp, status);
    expect(statusRow(status, 'updated')).toBe(1);
    expect(statusRow(status, 'deleted')).toBe(1);
    expect(statusRow(status, 'held (quarantined, unchanged)')).toBe(exp.unmatched.length);
    await expectSyncInvariants(fx, tenantId);
  });

  it('the printed Zeitausgleich command books the renamed type; the ignore command silences the other; a quiet cycle shows the check\'s view', async () => {
    const view = await json<TenantStatusView>('status', tenantId);
    const byMinute = view.window!.decisions.find((d) => d.name.includes('Zeitausgleich'))!;
    const byDay = view.window!.decisions.find((d) => d.zeitausgleichHint && d.typeId !== byMinute.typeId)!;
    const status = (await cli('status', tenantId)).stdout;
    // Run the command exactly as status prints it (shell quotes removed, as a shell would).
    const printed = status.split('\n').find((l) => l.includes('Zeitausgleich (books 0 hours)') && l.includes(byMinute.typeId))!;
    expect(printed).toContain(`timr-sync config ${tenantId} --set sync.zeitausgleich.typeIds+=${byMinute.typeId}`);
    const args = printed.slice(printed.indexOf('timr-sync ') + 'timr-sync '.length).replace(/'([^']*)'/g, '$1').split(' ');
    const set = await cli(...args);
    expect(set.code, set.stderr).toBe(0);
    zeitausgleichIds.add(byMinute.typeId);
    const zaEntries = (await expected()).transferable.filter((e) => e.working_time_type.id === byMinute.typeId);
    expect(zaEntries.length).toBeGreaterThan(0);
    await syncNow();
    const afterZa = (await json<TenantStatusView>('status', tenantId)).window;
    expect(count(afterZa, 'transferred', /this run/)).toBe(zaEntries.length);
    expect(afterZa?.decisions.map((d) => d.typeId)).not.toContain(byMinute.typeId);
    expect(afterZa?.decisions.map((d) => d.typeId)).toContain(byDay.typeId);

    const ignore = await cli('config', tenantId, '--set', byDay.ignoreSetting);
    expect(ignore.code, ignore.stderr).toBe(0);
    ignoredIds.add(byDay.typeId);
    const quiet = await syncNow();
    expect(quiet).toContain('nothing to do');
    const exp = await expected();
    const w = (await json<TenantStatusView>('status', tenantId)).window;
    expect(w?.source).toBe('check');
    expect(total(w)).toBe((await timrState()).workingTimes.length);
    expect(count(w, 'transferred', /before/)).toBe(exp.transferable.length);
    expect(count(w, 'held')).toBe(exp.unmatched.length);
    expect(w?.decisions.map((d) => d.typeId)).not.toContain(byDay.typeId);
    const text = (await cli('status', tenantId)).stdout;
    await expectDataFates(w, exp, text);
    expect(text).toContain('as of the check at');
    await expectSyncInvariants(fx, tenantId);
  });

  it('a lock whose answer is lost and cannot be read back is unresolved in status and report, and resolved by the next run', async () => {
    const exp = await expected();
    const someone = exp.transferable.find((e) => e.working_time_type.name === 'Arbeitszeit')!;
    const created = (await fx.control.createWorkingTime(tenantId, {
      user_id: someone.user.id,
      working_time_type_id: someone.working_time_type.id,
      start: '2026-10-31T09:00:00+01:00',
      end: '2026-10-31T11:00:00+01:00',
      notes: 'Samstagsdienst',
    })) as { id: string };
    expect((await cli('config', tenantId, '--set', 'activityMaxAttempts=2', '--set', 'activityTimeoutSeconds=5')).code).toBe(0);
    const drops = await fx.control.addFault('timr', { tenantId, route: 'PATCH /v1/working-times/:id', fault: { kind: 'commit-then-drop', mode: 'reset' } });
    // The lock PATCH is the lock's only request (its answer is the read): every read back fails.
    const outage = await fx.control.addFault('timr', { tenantId, route: 'GET /v1/working-times/:id', fault: { kind: 'error', status: 503 } });
    await syncNow();
    const view = await json<TenantStatusView>('status', tenantId);
    expect(view.unresolved.map((u) => u.entryId)).toEqual([created.id]);
    expect(count(view.window, 'unresolved')).toBe(1);
    expect(sampled(view.window, 'unresolved')).toEqual([created.id]);
    expect(statusRow((await cli('status', tenantId)).stdout, 'unresolved (write of unknown outcome)')).toBe(1);
    const runNumber = view.window!.runNumber!;
    const run = (await cli('report', tenantId, '--run', String(runNumber))).stdout;
    expect(run).toContain('unresolved (write of unknown outcome) (1)');
    expect(run).toMatch(new RegExp(`Writes of unknown outcome \\(1\\)[\\s\\S]*${created.id}`));

    await fx.control.removeFault('timr', outage.id);
    await fx.control.removeFault('timr', drops.id);
    await syncNow();
    const healed = await json<TenantStatusView>('status', tenantId);
    expect(healed.unresolved).toEqual([]);
    expect(count(healed.window, 'unresolved')).toBe(0);
    await expectSyncInvariants(fx, tenantId);
  }, 180_000);
});
