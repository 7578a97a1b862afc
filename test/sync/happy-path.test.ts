import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

describe('tenant sync: happy path on the real dev server and sandbox', () => {
  let fx: SyncFixture;
  let tenantId: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 7, tenants: 1, employees: 5, days: 7 }));
    tenantId = fx.seed.tenants[0]!.id;
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('transfers every eligible entry exactly once, locks it, and quarantines the unmatched employee', async () => {
    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 90_000);
    expect(status.recentRuns[0]?.outcome).toMatch(/succeeded|partial/);
    const audit = await expectSyncInvariants(fx, tenantId);
    expect(audit.entriesEligible).toBeGreaterThan(10);
    expect(audit.zeitausgleichDays).toBeGreaterThan(0);
    expect(status.quarantined.some((q) => /no Personio|not found|match/i.test(q.reason))).toBe(true);

    // History stays bounded: the run's events per transferred entry.
    const run = status.recentRuns[0]!;
    const history = await fx.env.client.workflow.getHandle(run.workflowId).fetchHistory();
    const events = history.events?.length ?? 0;
    const perEntry = events / Math.max(1, run.counts!.transferred);
    console.log(`run ${run.workflowId}: ${events} events for ${run.counts!.transferred} transferred entries (${perEntry.toFixed(1)} per entry)`);
    expect(perEntry).toBeLessThanOrEqual(10);
  });
});
