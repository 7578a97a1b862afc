import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { TimrSandboxState } from '../../src/sandbox/sync-audit.js';
import { expectSyncInvariants, recordMatchedEntry, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

const byRoute = (requests: LoggedRequest[]) => {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[`${r.method} ${r.route}`] = (counts[`${r.method} ${r.route}`] ?? 0) + 1;
  return counts;
};

describe('timr requests per transferred entry (issue 10)', () => {
  let fx: SyncFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 11, tenants: 1, employees: 4, days: 7 }));
    tenantId = fx.seed.tenants[0]!.id;
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('locks with one PATCH whose answer is the read: no GET of the entry before it, the customer metadata kept', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const withTheirs = await recordMatchedEntry(fx, tenantId, today, { metadata: { payrollBatch: 'B-17', approvedBy: { id: 'u-1' } } });
    await fx.control.clearRequests('timr');
    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 90_000);
    const run = status.recentRuns[0]!;
    expect(run.outcome).toMatch(/succeeded|partial/);
    await expectSyncInvariants(fx, tenantId);
    const locks = run.counts!.transferred + run.counts!.updated + run.counts!.relocked;
    expect(locks).toBeGreaterThan(10);

    const counts = byRoute(await fx.control.requests('timr', tenantId));
    expect(counts['GET /v1/working-times/:id'] ?? 0, JSON.stringify(counts)).toBe(0);
    expect(counts['PATCH /v1/working-times/:id'], JSON.stringify(counts)).toBe(locks);

    const theirs = TimrSandboxState.parse(await fx.control.state('timr', tenantId))[tenantId]!.workingTimes.find((w) => w.id === withTheirs)!;
    expect(theirs.status).toBe('locked');
    expect(theirs.metadata).toMatchObject({ payrollBatch: 'B-17', approvedBy: { id: 'u-1' }, personioSync: { periodIds: expect.any(Array) } });
  });
});
