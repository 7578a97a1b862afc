/**
 * A quiet cycle costs what changed, not the window (issue 10): between full passes the check
 * reads timr's changes since the previous check and the deletion feed; every entry still has a
 * visible fate (the full pass's view plus the changes since).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { fateCounts, totalEntries } from '../../src/domain/entry-fates.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { expectSyncInvariants, recordMatchedEntry, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const bytes = (requests: LoggedRequest[]) => requests.reduce((n, r) => n + (r.bytes ?? 0), 0);
const listings = (requests: LoggedRequest[]) => requests.filter((r) => r.method === 'GET' && r.route === '/v1/working-times');

describe('incremental change detection', () => {
  let fx: SyncFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 21, tenants: 1, employees: 12, days: 30 }));
    tenantId = fx.seed.tenants[0]!.id;
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  /** One sync-now cycle; the timr requests it sent. */
  const cycle = async () => {
    await fx.control.clearRequests('timr');
    const summary = await syncTenantNow(fx.env.client, tenantId);
    return { summary, requests: await fx.control.requests('timr', tenantId) };
  };

  it('reads only the changes between full passes, and every entry keeps a visible fate', async () => {
    // No overlap: the test's clocks are one machine's, and the previous cycle's own locks would be read again otherwise.
    await fx.start(tenantId, { sync: { changeOverlapSeconds: 0 } });
    await fx.waitForCycles(tenantId, 1, 120_000);
    await expectSyncInvariants(fx, tenantId);
    const full = await cycle();
    // After the backfill the check reads the run's own locks once (they changed in timr).
    const windowBytes = bytes(listings(full.requests));
    const view = (await fx.status(tenantId)).window!;
    const entries = totalEntries(view.fates);
    expect(entries).toBeGreaterThan(250);
    expect(windowBytes).toBeGreaterThan(200_000);

    // Quiet: nothing changed since the previous check.
    const quiet = await cycle();
    expect(quiet.summary).toBeNull();
    const quietBytes = bytes(quiet.requests);
    console.log(`window ${entries} entries, ${windowBytes} B listed; quiet cycle ${quiet.requests.length} requests, ${quietBytes} B`);
    expect(quietBytes).toBeLessThan(20_000);
    expect(listings(quiet.requests).every((r) => r.url.includes('last_modified_after='))).toBe(true);
    // The view is still the whole window's.
    const after = await fx.status(tenantId);
    expect(totalEntries(after.window!.fates)).toBe(entries);

    // A new entry to transfer and one still running: the next cycle transfers the one, and the
    // other shows as waiting among the changes since the full view — both read as changes only.
    await recordMatchedEntry(fx, tenantId, '2026-11-25');
    await recordMatchedEntry(fx, tenantId, '2026-11-26', { end: null, break_times: [] });
    const changed = await cycle();
    expect(changed.summary?.counts?.transferred).toBe(1);
    // The run's plan: the window as the previous run read it plus the changes, or read in full.
    expect(listings(changed.requests).filter((r) => !r.url.includes('last_modified_after=')).length).toBeLessThanOrEqual(1);
    await expectSyncInvariants(fx, tenantId);
    const quietAgain = await cycle();
    expect(quietAgain.summary).toBeNull();
    expect(bytes(quietAgain.requests)).toBeLessThan(20_000);
    const shown = (await fx.status(tenantId)).window!;
    expect(shown.source).toBe('run');
    expect(fateCounts(shown.fates).waiting).toBeGreaterThan(0);
    expect(totalEntries(shown.fates)).toBe(entries + 2);

    // A change that is no work (another running entry): no run, and status shows it among the changes.
    await recordMatchedEntry(fx, tenantId, '2026-11-27', { end: null, break_times: [] });
    const noWork = await cycle();
    expect(noWork.summary).toBeNull();
    const withChanges = (await fx.status(tenantId)).window!;
    expect(totalEntries(withChanges.fates)).toBe(entries + 2);
    expect(fateCounts(withChanges.changes?.fates).waiting).toBe(1);
  });
});

describe('a chunked backfill reads the window once (the check\'s full pass), not once per run', () => {
  let fx: SyncFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 22, tenants: 1, employees: 12, days: 30 }));
    tenantId = fx.seed.tenants[0]!.id;
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('plans each further run from the window read before plus timr’s changes since', async () => {
    await fx.control.clearRequests('timr');
    await fx.start(tenantId, { chunkSize: 25 });
    const status = await fx.waitForCycles(tenantId, 1, 180_000);
    const runs = status.runCount;
    expect(runs).toBeGreaterThanOrEqual(5);
    await expectSyncInvariants(fx, tenantId);
    const requests = await fx.control.requests('timr', tenantId);
    const fullReads = listings(requests).filter((r) => !r.url.includes('last_modified_after=') && !r.url.includes('page_token='));
    console.log(`${runs} runs; ${fullReads.length} full reads of the window; ${listings(requests).length} listing requests, ${bytes(listings(requests))} B`);
    // The check's full pass only: it leaves its read in the window cache, so even the first run's
    // plan reads just the changes since (before: the first plan read the whole window again).
    expect(fullReads.length).toBe(1);
  });
});
