/**
 * The tenant's rules without a server: TenantManager is plain state plus methods, so every
 * validator and every transition is checked in milliseconds.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { TenantManager } from '../../src/workflows/tenant-manager.js';
import type { SyncRunReport } from '../../src/workflows/types.js';

const settings = TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme' });

function manager(continueAsNewAfterCycles?: number) {
  const published: string[] = [];
  const m = new TenantManager({ settings, ...(continueAsNewAfterCycles !== undefined && { continueAsNewAfterCycles }) }, { publish: (a) => published.push(a.status) });
  return { m, published };
}

const thrown = (fn: () => void): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

const report = (over: Partial<SyncRunReport> = {}): SyncRunReport => ({
  tenantId: 'acme',
  runId: 'tenant/acme/run/1',
  outcome: 'succeeded',
  counts: { eligible: 0, transferred: 0, updated: 0, relocked: 0, deleted: 0, quarantined: 0, deferred: 0, failed: 0, unresolved: 0, notStarted: 0, compensations: 0 },
  entries: [],
  quarantined: [],
  deletionWatermark: null,
  more: false,
  ...over,
});

describe('TenantManager: verbs that find the tenant already so are no-ops (NoChange), real refusals are errors', () => {
  it('pause, resume and stop', () => {
    const { m } = manager();
    expect(thrown(() => m.validateResume())).toMatchObject({ type: 'NoChange', message: 'tenant acme is already active; nothing to resume' });
    m.validatePause();
    m.pause();
    expect(thrown(() => m.validatePause())).toMatchObject({ type: 'NoChange', message: 'tenant acme is already paused' });
    m.validateResume();
    m.resume();
    m.validateStop();
    m.stop();
    expect(thrown(() => m.validateStop())).toMatchObject({ type: 'NoChange', message: 'tenant acme is already stopping' });
    // Real refusals: not a NoChange.
    const pause = thrown(() => m.validatePause());
    expect(pause).toBeInstanceOf(Error);
    expect(pause).not.toBeInstanceOf(ApplicationFailure);
    expect((pause as Error).message).toBe('tenant acme is stopping; only an active tenant can be paused');
    expect((thrown(() => m.validateResume()) as Error).message).toMatch(/is stopping; only a paused or auth-failed tenant can be resumed/);
    m.stopped();
    expect(thrown(() => m.validateStop())).toMatchObject({ type: 'NoChange', message: 'tenant acme is already stopped' });
  });
});

describe('TenantManager: a stop is final', () => {
  it('an auth failure of the run in flight does not overwrite stopping', () => {
    const { m } = manager();
    m.beginCycle();
    m.runInFlight = 'tenant/acme/run/1';
    m.stop();
    m.authFailed('Personio rejected the client credentials');
    expect(m.status).toBe('stopping');
    expect(m.stopRequested()).toBe(true);
  });

  it('without a stop, an auth failure is the status (also over a pause)', () => {
    const { m, published } = manager();
    m.pause();
    m.authFailed('Personio rejected the client credentials');
    expect(m.view()).toMatchObject({ status: 'auth-failed', statusReason: 'Personio rejected the client credentials' });
    expect(published.at(-1)).toBe('auth-failed');
  });
});

describe('TenantManager: sync-now is always answered', () => {
  it('asked between cycles: the next cycle answers it with its run', () => {
    const { m } = manager();
    m.beginCycle();
    m.endCycle(); // the first cycle
    const target = m.requestSync();
    expect(target).toBe(2);
    expect(m.cycleWanted()).toBe(true);
    m.beginCycle();
    expect(m.syncAnswered(target)).toBe(false);
    m.recordRun({ runNumber: 1, workflowId: 'tenant/acme/run/1', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' }, report());
    m.endCycle();
    expect(m.syncAnswered(target)).toBe(true);
    expect(m.syncAnswer(target)).toMatchObject({ runNumber: 1 });
  });

  it('asked during a cycle: waits for the one after it, and that cycle is wanted at once', () => {
    const { m } = manager(1);
    m.beginCycle();
    const target = m.requestSync();
    expect(target).toBe(2);
    m.endCycle();
    expect(m.syncAnswered(target)).toBe(false);
    // Continue-as-new is due, but the loop sees a cycle is wanted and runs it first.
    expect(m.continueAsNewDue({ continueAsNewSuggested: false, historyLength: 10 })).toBe(true);
    expect(m.cycleWanted()).toBe(true);
  });

  it('a stop answers it with null once no cycle is running; so does an auth failure', () => {
    const { m } = manager();
    m.beginCycle();
    const target = m.requestSync();
    m.stop();
    expect(m.syncAnswered(target)).toBe(false); // the cycle in flight still finishes
    m.endCycle();
    expect(m.syncAnswered(target)).toBe(true);
    expect(m.syncAnswer(target)).toBeNull();

    const other = manager().m;
    const t2 = other.requestSync();
    other.authFailed('refused');
    expect(other.syncAnswered(t2)).toBe(true);
    expect(other.syncAnswer(t2)).toBeNull();
  });
});

describe('TenantManager: settings and recorded runs', () => {
  it('applyConfig assigns the change as it is (the validator checked it once)', () => {
    const { m } = manager();
    const sync = { ...settings.sync, timezone: 'Europe/Berlin' };
    m.validateConfig({ sync });
    expect(() => m.validateConfig({ sync: { ...sync, timezone: 'Mars/Olympus_Mons' } })).toThrow(/invalid config for tenant acme: sync\.timezone/);
    // On replay no validator runs: whatever was accepted is assigned, never re-parsed.
    m.applyConfig({ sync: { ...sync, timezone: 'Mars/Olympus_Mons' } });
    expect(m.settings.sync.timezone).toBe('Mars/Olympus_Mons');
    expect(m.settings.intervalSeconds).toBe(settings.intervalSeconds);
  });

  it('keeps ten recent runs and clips long errors', () => {
    const { m } = manager();
    for (let n = 1; n <= 12; n++) m.recordRun({ runNumber: n, workflowId: `tenant/acme/run/${n}`, startedAt: 'a', finishedAt: 'b', outcome: 'failed', error: 'x'.repeat(5_000) });
    const runs = m.view().recentRuns;
    expect(runs.map((r) => r.runNumber)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(runs[0]!.error!.length).toBe(500);
  });
});

describe('TenantManager: the window by fate (issue 7)', () => {
  const fates = (transferred: number) => ({ groups: [{ fate: 'transferred' as const, reason: 'transferred by this run', count: transferred, sample: [] }, { fate: 'waiting' as const, reason: 'still running in timr', count: 1, sample: [] }] });
  const decisions = [{ typeId: 'za2', name: 'Zeitausgleich ganztägig', externalId: null, category: 'unpaid_time_off' as const, entries: 2, zeitausgleichHint: 'its name contains "ausgleich"', zeitausgleichSettings: ['x'], ignoreSetting: 'y' }];

  it('a run report\'s fates become the view; the next check is asked without a digest, then with its own', () => {
    const details: string[] = [];
    const m = new TenantManager({ settings }, { publish: () => undefined, details: (d) => details.push(d) });
    expect(m.view().window).toBeNull();
    expect(m.checkInput().windowDigest).toBeNull();
    m.recordRun({ runNumber: 1, workflowId: 'tenant/acme/run/1', startedAt: 'a', finishedAt: '2026-12-01T10:00:00Z', outcome: 'succeeded' }, report({ fates: fates(12), decisions }));
    expect(m.view().window).toMatchObject({ source: 'run', runNumber: 1, at: '2026-12-01T10:00:00Z', decisions });
    expect(m.checkInput().windowDigest).toBeNull();
    expect(details.at(-1)).toContain('12 transferred, 1 waiting (unfinished or unapproved); 1 working-time type needs a decision');
    expect(details.at(-1)).toContain('Zeitausgleich ganztägig (looks like Zeitausgleich)');

    m.recordCheck({ windowDigest: 'd1', window: { fates: fates(13), decisions: [] } }, '2026-12-01T10:15:00Z');
    expect(m.view().window).toMatchObject({ source: 'check', digest: 'd1', at: '2026-12-01T10:15:00Z' });
    expect(m.checkInput().windowDigest).toBe('d1');
    // An unchanged window is not sent again: the view stays.
    m.recordCheck({ windowDigest: 'd1' }, '2026-12-01T10:30:00Z');
    expect(m.view().window?.at).toBe('2026-12-01T10:15:00Z');
    m.scheduleNext(Date.parse('2026-12-01T10:30:00Z'));
    expect(m.timerSummary()).toBe('next sync of acme at 2026-12-01T10:45:00.000Z · window: 13 transferred, 1 waiting (unfinished or unapproved)');
  });

  it('a report of an older version (no fates) leaves the view as it was', () => {
    const { m } = manager();
    m.recordCheck({ windowDigest: 'd1', window: { fates: fates(3), decisions: [] } }, 't');
    m.recordRun({ runNumber: 1, workflowId: 'w', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' }, report());
    expect(m.view().window?.digest).toBe('d1');
  });
});

describe('TenantManager: change checks between full passes (issue 10)', () => {
  const waiting = (count: number) => ({ groups: [{ fate: 'waiting' as const, reason: 'still running in timr', count, sample: [] }] });
  const full = { fullPass: true, changeWatermark: '2026-12-01T09:55:00.000Z', typesDigest: 't1', windowDigest: 'd1', window: { fates: waiting(5), decisions: [] } };

  it('asks for a full pass first, then for the changes since the watermark it was given', () => {
    const { m } = manager();
    expect(m.checkInput()).toMatchObject({ changeWatermark: null, lastFullPassAt: null, typesDigest: null });
    m.recordCheck(full, '2026-12-01T10:00:00Z');
    expect(m.checkInput()).toMatchObject({ changeWatermark: '2026-12-01T09:55:00.000Z', lastFullPassAt: '2026-12-01T10:00:00Z', typesDigest: 't1' });
    m.recordCheck({ fullPass: false, changeWatermark: '2026-12-01T10:10:00.000Z', typesDigest: 't1', deletionWatermark: '2026-12-01T10:09:00Z' }, '2026-12-01T10:15:00Z');
    expect(m.checkInput()).toMatchObject({ changeWatermark: '2026-12-01T10:10:00.000Z', lastFullPassAt: '2026-12-01T10:00:00Z', deletionWatermark: '2026-12-01T10:09:00Z' });
  });

  it('shows what changed since the full view beside it, until the next full view', () => {
    const { m } = manager();
    m.recordCheck(full, '2026-12-01T10:00:00Z');
    m.recordCheck({ fullPass: false, changes: waiting(1) }, '2026-12-01T10:15:00Z');
    m.recordCheck({ fullPass: false, changes: waiting(2) }, '2026-12-01T10:30:00Z');
    expect(m.view().window).toMatchObject({ at: '2026-12-01T10:00:00Z', fates: waiting(5), changes: { at: '2026-12-01T10:30:00Z', fates: waiting(3) } });
    // A full pass that found the view as shown: as of now, no changes left over.
    m.recordCheck({ fullPass: true, windowDigest: 'd1' }, '2026-12-02T10:00:00Z');
    expect(m.view().window?.at).toBe('2026-12-02T10:00:00Z');
    expect(m.view().window?.changes).toBeUndefined();
  });

  it('runs a cycle\'s check as a change check (a local activity) only between full passes, by the tenant\'s fullReconcileHours', () => {
    const { m } = manager();
    const at = Date.parse('2026-12-01T10:00:00Z');
    expect(m.changeCheckDue(at)).toBe(false);
    m.recordCheck(full, '2026-12-01T10:00:00Z');
    expect(m.changeCheckDue(at + 60_000)).toBe(true);
    expect(m.changeCheckDue(at + 23.9 * 3_600_000)).toBe(true);
    // The default of 24 h: the next check reads the whole window again, as an activity.
    expect(m.changeCheckDue(at + 24 * 3_600_000)).toBe(false);
    m.applyConfig({ sync: { ...m.settings.sync, fullReconcileHours: 2 } });
    m.recordCheck(full, '2026-12-01T10:00:00Z');
    expect(m.changeCheckDue(at + 3_600_000)).toBe(true);
    expect(m.changeCheckDue(at + 2 * 3_600_000)).toBe(false);
  });

  it('needs a full pass after a config change, a retry, and a run that left work behind', () => {
    const fresh = () => {
      const { m } = manager();
      m.recordCheck(full, '2026-12-01T10:00:00Z');
      return m;
    };
    const run = { runNumber: 1, workflowId: 'w', startedAt: 'a', finishedAt: 'b' };
    let m = fresh();
    m.recordRun({ ...run, outcome: 'succeeded' }, report());
    expect(m.checkInput().lastFullPassAt).toBe('2026-12-01T10:00:00Z');
    m.applyConfig({ intervalSeconds: 60 });
    expect(m.checkInput().lastFullPassAt).toBeNull();
    m = fresh();
    m.retry(undefined);
    expect(m.checkInput().lastFullPassAt).toBeNull();
    for (const over of [{ outcome: 'partial' as const }, { outcome: 'failed' as const }]) {
      m = fresh();
      m.recordRun({ ...run, ...over }, report(over));
      expect(m.checkInput().lastFullPassAt, over.outcome).toBeNull();
    }
    m = fresh();
    m.recordRun({ ...run, outcome: 'succeeded' }, report({ more: true }));
    expect(m.checkInput().lastFullPassAt).toBeNull();
  });
});

describe('TenantManager: quarantine state stays bounded at any tenant size', () => {
  const q = (i: number, lastModified = '2026-11-01T00:00:00Z') => ({ entryId: `e${i}`, employee: `Emp ${i} (timr user u${i})`, date: '2026-11-01', reason: `reason ${i % 3}`, code: 'employee-match' as const, lastModified });

  it('holds at most HELD_LIMIT entries, names a sample, counts all and remembers the digest of the rest', async () => {
    const { HELD_LIMIT, QUARANTINE_SAMPLE } = await import('../../src/workflows/tenant-manager.js');
    const { m } = manager();
    const hold = Object.fromEntries(Array.from({ length: HELD_LIMIT + 300 }, (_, i) => [`e${i}`, '2026-11-01T00:00:00Z']));
    m.recordRun(
      { runNumber: 1, workflowId: 'tenant/acme/run/1', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' },
      report({ quarantined: Array.from({ length: 50 }, (_, i) => q(i)), hold, unheld: { count: 19_000, digest: 'd-1', sample: Array.from({ length: 50 }, (_, i) => q(5_000 + i)) } }),
    );
    const view = m.view();
    expect(view.heldCount).toBe(HELD_LIMIT);
    expect(view.quarantined.length).toBe(QUARANTINE_SAMPLE);
    expect(view.quarantineCount).toBe(HELD_LIMIT + 19_000);
    expect(m.checkInput()).toMatchObject({ quarantineDigest: 'd-1' });
    expect(Object.keys(m.checkInput().held)).toHaveLength(HELD_LIMIT);
    // No room left for the plan to hand over more; the run's own refusals still fit in the reserve? No: the list is full.
    expect(m.nextRun().input.holdRoom).toBe(0);
    // Everything the tenant carries is small.
    expect(Buffer.byteLength(JSON.stringify(m.continueAsNewInput()))).toBeLessThan(150_000);
  });

  it('a retry releases held entries and makes the next check plan again (the digest is forgotten)', () => {
    const { m } = manager();
    m.recordRun(
      { runNumber: 1, workflowId: 'tenant/acme/run/1', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' },
      report({ quarantined: [q(1), q(2)], unheld: { count: 3, digest: 'd-1', sample: [q(10), q(11), q(12)] } }),
    );
    expect(m.view()).toMatchObject({ quarantineCount: 5, heldCount: 2 });
    m.validateRetry({ entryIds: ['e1', 'e10'] });
    expect(() => m.validateRetry({ entryIds: ['nope'] })).toThrow(/not quarantined for tenant acme: nope/);
    expect(m.retry({ entryIds: ['e1'] })).toEqual({ released: 1 });
    expect(m.view()).toMatchObject({ quarantineCount: 4, heldCount: 1 });
    expect(m.checkInput().quarantineDigest).toBeNull();
    expect(m.cycleWanted()).toBe(true);
  });

  it('state of an older version (every quarantined entry listed, all held) is brought within the bounds', async () => {
    const { HELD_LIMIT, QUARANTINE_SAMPLE } = await import('../../src/workflows/tenant-manager.js');
    const legacy = new TenantManager(
      {
        settings,
        state: { status: 'active', runCount: 3, cycles: 3, deletionWatermark: null, quarantined: Array.from({ length: 5_000 }, (_, i) => q(i)), recentRuns: [], nextSyncAt: null, syncRequested: false },
      },
      { publish: () => undefined },
    );
    expect(legacy.view()).toMatchObject({ quarantineCount: 5_000, heldCount: HELD_LIMIT });
    expect(legacy.view().quarantined).toHaveLength(QUARANTINE_SAMPLE);
    // No digest yet: the next check calls the rest work, and a run derives them again.
    expect(legacy.checkInput().quarantineDigest).toBeNull();
  });
});

describe('TenantManager: audits and repairs', () => {
  const auditResult = (replace: Record<string, string>, remove: { entryId: string; periodIds: string[] }[] = []) => ({
    tenantId: 'acme',
    at: '2026-12-01T10:00:00.000Z',
    windowStart: '2026-10-01',
    clean: false,
    counts: { entriesEligible: 5, entriesTransferred: 4, quarantined: 0, waiting: 0, periodsInPersonio: 9, zeitausgleichDays: 0, lost: 1, duplicated: 0, orphaned: 0, stale: 0, doubleClaimed: 0, hoursMismatch: 0 },
    samples: { lost: [], duplicated: [], orphaned: [], stale: [], doubleClaimed: [], waiting: [], hoursMismatch: [] },
    repair: { replace, remove, entries: Object.keys(replace).length, removals: remove.length, causes: { lost: 1, stale: 0, hours: 0 }, more: false },
  });

  it('queues requests for the loop: several waiting ones share one audit, a repair if any asked for one', () => {
    const { m } = manager();
    m.beginCycle();
    m.endCycle();
    expect(m.cycleWanted()).toBe(false);
    const a = m.requestAudit({});
    const b = m.requestAudit({ repair: true });
    expect(m.cycleWanted()).toBe(true);
    expect(m.auditWanted()).toBe(true);
    expect(m.takeAuditRequests()).toEqual({ ids: [a, b], repair: true, scheduled: false });
    expect(m.auditWanted()).toBe(false);
    expect(m.auditAnswered(a)).toBe(false);
    m.answerAudits([a, b], { audit: null, error: 'x' });
    expect(m.auditAnswered(b)).toBe(true);
    expect(m.auditAnswer(b)).toEqual({ audit: null, error: 'x' });
  });

  it('refuses audits of a tenant that is not active, and answers a waiting one once no audit will come', () => {
    const { m } = manager();
    const id = m.requestAudit({});
    m.pause();
    expect(m.auditAnswered(id)).toBe(true);
    expect(m.auditAnswer(id).error).toMatch(/is paused; no audit ran/);
    expect((thrown(() => m.validateAudit({})) as Error).message).toMatch(/is paused; .* resume it first/);
  });

  it('numbers audits (ids never reused), carries the repair into every run until a run reports it done', () => {
    const { m } = manager();
    const first = m.nextAudit();
    expect(first.workflowId).toBe('tenant/acme/audit/1');
    expect(first.input).toMatchObject({ tenantId: 'acme', credentialsRef: 'acme', lookbackDays: 62, unresolved: [] });
    m.auditIdTaken();
    expect(m.nextAudit().number).toBe(2);
    m.auditIdTaken();
    m.auditIdTaken();
    // Doubling gaps while ids keep being taken (as for runs): 2, then +1 and +3.
    expect(m.nextAudit().number).toBe(7);

    expect(m.queueRepair(auditResult({ e1: 'lm1', e2: 'lm2' }, [{ entryId: 'd1', periodIds: ['p'] }]))).toBe(3);
    expect(m.runNeeded({ hasWork: false })).toBe(true);
    expect(m.nextRun().input.repair).toEqual({ replace: { e1: 'lm1', e2: 'lm2' }, remove: [{ entryId: 'd1', periodIds: ['p'] }] });
    m.recordRun({ runNumber: 1, workflowId: 'w', startedAt: 'a', finishedAt: 'b', outcome: 'partial' }, report({ repairSettled: ['e1', 'd1'] }));
    expect(m.view().repairPending).toBe(1);
    expect(m.nextRun().input.repair).toEqual({ replace: { e2: 'lm2' }, remove: [] });
    m.recordRun({ runNumber: 2, workflowId: 'w', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' }, report({ repairSettled: ['e2'] }));
    expect(m.view().repairPending).toBe(0);
    expect(m.nextRun().input.repair).toBeUndefined();
    expect(m.runNeeded({ hasWork: false })).toBe(false);
  });

  it('schedules audits every auditIntervalHours after the first cycle; 0 turns them off', () => {
    const { m } = manager();
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    expect(m.scheduledAuditDue(t0)).toBe(false);
    expect(m.view().nextAuditAt).toBe('2026-12-02T00:00:00.000Z');
    expect(m.scheduledAuditDue(t0 + 23 * 3_600_000)).toBe(false);
    expect(m.scheduledAuditDue(t0 + 24 * 3_600_000)).toBe(true);
    m.requestScheduledAudit();
    expect(m.takeAuditRequests()).toEqual({ ids: [], repair: false, scheduled: true });
    m.recordAudit({ number: 1, workflowId: 'tenant/acme/audit/1', at: 'x', scheduled: true, clean: true }, t0 + 24 * 3_600_000);
    expect(m.view().nextAuditAt).toBe('2026-12-03T00:00:00.000Z');
    expect(m.details()).toMatch(/Audit #1 \(scheduled\) at x: clean/);
    m.applyConfig({ auditIntervalHours: 0 });
    expect(m.scheduledAuditDue(t0 + 100 * 3_600_000)).toBe(false);
  });
});

describe('TenantManager: backfills', () => {
  const fates = (groups: [string, number][]) => ({ groups: groups.map(([fate, count]) => ({ fate, reason: 'r', count, sample: [] })) }) as unknown as SyncRunReport['fates'];

  it('validates the range, runs one backfill at a time, and counts progress from each run\'s fates until nothing remains', () => {
    const { m } = manager();
    expect((thrown(() => m.validateBackfill({ from: '2026-02-30', to: '2026-03-01' })) as Error).message).toMatch(/YYYY-MM-DD/);
    expect((thrown(() => m.validateBackfill({ from: '2026-03-02', to: '2026-03-01' })) as Error).message).toMatch(/is after to/);
    m.validateBackfill({ from: '2026-01-01', to: '2026-03-01' });
    m.beginCycle();
    m.endCycle();
    const b = m.startBackfill({ from: '2026-01-01', to: '2026-03-01' }, 0);
    expect(b).toMatchObject({ number: 1, status: 'running', total: null });
    expect(m.cycleWanted()).toBe(true);
    expect(thrown(() => m.validateBackfill({ from: '2026-01-01', to: '2026-03-01' }))).toMatchObject({ type: 'NoChange' });
    expect((thrown(() => m.validateBackfill({ from: '2026-01-02', to: '2026-03-01' })) as Error).message).toMatch(/is running/);
    const run = m.nextRun(m.backfillRange());
    expect(run.input.range).toEqual({ from: '2026-01-01', to: '2026-03-01' });

    m.beginCycle();
    m.recordRun({ runNumber: 1, workflowId: 'w', startedAt: 'a', finishedAt: 'b', outcome: 'succeeded' }, report({ fates: fates([['transferred', 10], ['pending', 30], ['quarantined', 2]]), counts: { ...report().counts, transferred: 10 }, releasedQuarantine: ['held-1'] }), { backfill: true });
    m.recordBackfillRun(1, report({ fates: fates([['transferred', 10], ['pending', 30], ['quarantined', 2]]), counts: { ...report().counts, transferred: 10 } }), 1000);
    m.endCycle();
    expect(m.view().backfill).toMatchObject({ status: 'running', total: 42, done: 12, remaining: 30, quarantined: 2, runs: 1 });
    // The backfill run's view and releases are not the window's.
    expect(m.view().window).toBeNull();
    expect(m.cycleWanted()).toBe(true);
    m.recordBackfillRun(2, report({ fates: fates([['transferred', 40], ['quarantined', 2]]), counts: { ...report().counts, transferred: 30 } }), 2000);
    expect(m.view().backfill).toMatchObject({ status: 'done', total: 42, done: 42, remaining: 0, runs: 2 });
    expect(m.backfillRange()).toBeUndefined();
    expect(m.details()).toMatch(/Backfill #1 2026-01-01 to 2026-03-01 done: 42 of 42 entries \(100 %\), 2 quarantined, 2 runs/);
  });

  it('gives up after three runs in a row that transferred nothing', () => {
    const { m } = manager();
    m.startBackfill({ from: '2026-01-01', to: '2026-01-31' }, 0);
    for (let i = 1; i <= 3; i++) m.recordBackfillRun(i, report({ fates: fates([['failed', 5]]), error: 'timr unreachable' }), i);
    expect(m.view().backfill).toMatchObject({ status: 'incomplete', remaining: 5 });
    expect(m.view().backfill!.reason).toMatch(/3 backfill runs in a row transferred nothing: timr unreachable/);
  });
});
