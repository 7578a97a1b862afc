/**
 * Backfill: a tenant whose look-back window covers only its last days, then `timr-sync backfill`
 * (the control calls behind it) of the older days. The dry run writes nothing and names what the
 * backfill then transfers; the backfill goes in chunked runs through the tenant loop with
 * progress in the status; a second backfill of the same days writes nothing. Judged from both
 * sandboxes' raw state by the independent audit over the whole range.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/timr-sync.js';
import { previewBackfill, startBackfill, waitForBackfill } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { TimrSandboxState, auditSync, auditTenantFromStatus, syncMetadataOf } from '../../src/sandbox/sync-audit.js';
import type { BackfillState } from '../../src/workflows/types.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const DAY_MS = 86_400_000;
const START = '2026-10-19';
const DAYS = 21;

describe('backfill of days beyond the look-back window', () => {
  let fx: SyncFixture;
  let tenantId: string;
  /** The window covers the data's last 5–6 days; the backfill takes the 16 before (its last day may overlap the window). */
  const from = START;
  const to = new Date(Date.parse(`${START}T00:00:00Z`) + 15 * DAY_MS).toISOString().slice(0, 10);
  const beyond = new Date(Date.parse(`${START}T00:00:00Z`) + 14 * DAY_MS).toISOString().slice(0, 10);

  const timrState = async () => TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!;
  const personioWrites = async () => (await fx.control.requests('personio', tenantId)).filter((r) => r.route.includes('periods') && r.method !== 'GET').length;
  /** Entries of the range carrying our transfer record, by id → the run that wrote it. */
  const transferredInRange = async () =>
    new Map((await timrState()).workingTimes.filter((e) => e.start.slice(0, 10) >= from && e.start.slice(0, 10) <= to && syncMetadataOf(e)).map((e) => [e.id, syncMetadataOf(e)!.run]));

  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 31, tenants: 1, employees: 4, days: DAYS, startDate: START }), { codecKey: randomBytes(32).toString('base64') });
    tenantId = fx.seed.tenants[0]!.id;
    const windowStart = Date.parse(`${START}T00:00:00Z`) + 15 * DAY_MS;
    const lookbackDays = Math.floor((Date.now() - windowStart) / DAY_MS);
    await fx.start(tenantId, { lookbackDays, chunkSize: 10 });
    await fx.waitForCycles(tenantId, 1, 90_000);
    // Nothing before the window was looked at.
    const timr = await timrState();
    expect(timr.workingTimes.filter((e) => e.start.slice(0, 10) <= beyond && syncMetadataOf(e)).length).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('a dry run writes nothing; the backfill transfers exactly what it named, in chunks, with progress; a second one writes nothing', async () => {
    const before = await transferredInRange();
    const writesBefore = await personioWrites();
    const runsBefore = (await fx.status(tenantId)).runCount;
    const preview = await previewBackfill(fx.client, tenantId, { from, to });
    expect(await personioWrites()).toBe(writesBefore);
    expect((await fx.status(tenantId)).runCount).toBe(runsBefore);
    expect(preview.range).toEqual({ from, to });
    expect(preview.wouldTransfer).toBeGreaterThan(20);
    expect(preview.wouldUpdate + preview.wouldRelock).toBe(0);
    expect(preview.runs).toBe(Math.ceil(preview.wouldTransfer / 10));

    const started = await startBackfill(fx.client, tenantId, { from, to });
    expect(started.backfill).toMatchObject({ from, to, status: 'running' });
    const seen: BackfillState[] = [];
    const final = await waitForBackfill(fx.client, tenantId, started.backfill!.number, (b) => seen.push(b), 200);
    expect(final).toMatchObject({ status: 'done', remaining: 0, quarantined: preview.quarantined });
    expect(final.runs).toBeGreaterThanOrEqual(preview.runs);
    expect(final.total).toBe(preview.wouldTransfer + preview.quarantined + before.size);
    // Progress went up run by run.
    const done = seen.filter((b) => b.total !== null).map((b) => b.done);
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect([...done].sort((a, b) => a - b)).toEqual(done);

    // Exactly the entries the dry run counted, each by a backfill run, once.
    const transferred = await transferredInRange();
    const added = [...transferred.keys()].filter((id) => !before.has(id));
    expect(added).toHaveLength(preview.wouldTransfer);
    expect(preview.sample.every((s) => added.includes(s.entryId))).toBe(true);
    expect([...before].every(([id, run]) => transferred.get(id) === run)).toBe(true);
    const status = await fx.status(tenantId);
    // The backfill's quarantine is its own (the tenant's is the window's): the dry run named every one with its reason.
    expect(preview.quarantineSample).toHaveLength(preview.quarantined);
    const judged = auditTenantFromStatus(status);
    const audit = auditSync(await fx.control.state('timr'), await fx.control.state('personio'), [
      { ...judged, windowStart: from, quarantinedEntryIds: [...judged.quarantinedEntryIds, ...preview.quarantineSample.map((q) => q.entryId)] },
    ]);
    expect({ lost: audit.lost, duplicated: audit.duplicated, orphaned: audit.orphaned, stale: audit.stale, doubleClaimed: audit.doubleClaimed, waiting: audit.waiting, hoursMismatch: audit.hoursMismatch }).toEqual({
      lost: 0,
      duplicated: 0,
      orphaned: 0,
      stale: 0,
      doubleClaimed: 0,
      waiting: 0,
      hoursMismatch: 0,
    });
    // The window's view is the regular runs', not the backfill's days.
    expect(status.window?.source === 'run' ? status.window.runNumber : 0).toBeLessThanOrEqual(runsBefore + 1);

    // Twice: nothing more is written, the records stay those of the first backfill.
    const writes = await personioWrites();
    const again = await startBackfill(fx.client, tenantId, { from, to });
    const second = await waitForBackfill(fx.client, tenantId, again.backfill!.number, () => undefined, 200);
    expect(second).toMatchObject({ status: 'done', remaining: 0, total: final.total, done: final.done });
    expect(await personioWrites()).toBe(writes);
    expect(await transferredInRange()).toEqual(transferred);
  }, 240_000);

  it('refuses a range that is no range, and a second backfill while one runs', async () => {
    await expect(startBackfill(fx.client, tenantId, { from: to, to: from })).rejects.toThrow(/is after to/);
    await expect(previewBackfill(fx.client, tenantId, { from: '2026-02-30', to })).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('timr-sync backfill on the command line: --dry-run names what it would do, the backfill prints its progress and ends done', async () => {
    const cli = async (...argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: fx.cliEnv });
      return { code, stdout, stderr };
    };
    const dry = await cli('backfill', tenantId, '--from', from, '--to', to, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ range: { from, to }, wouldTransfer: 0 });
    const human = await cli('backfill', tenantId, '--from', from, '--to', to, '--dry-run');
    expect(human.stdout).toMatch(new RegExp(`backfill of ${tenantId} ${from} to ${to} would transfer 0 entries .*nothing was written`));
    const run = await cli('backfill', tenantId, '--from', from, '--to', to);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Backfill #\d+ .* running/);
    expect(run.stdout).toMatch(new RegExp(`Backfill #\\d+ ${from} to ${to} done: (\\d+) of \\1 entries \\(100 %\\)`));
    const usage = await cli('backfill', tenantId, '--from', '2026-13-01');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--from takes a date YYYY-MM-DD');
  }, 120_000);
});
