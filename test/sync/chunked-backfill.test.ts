/**
 * A backfill bigger than one run's chunk is worked off in consecutive runs of the same cycle,
 * each run's history staying small.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

describe('chunked backfill', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 41, tenants: 1, employees: 5, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('transfers everything in runs of at most chunkSize entries within one cycle', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    await fx.start(tenantId, { chunkSize: 8, batchSize: 3 });
    const status = await fx.waitForCycles(tenantId, 1, 90_000);
    const runs = [...status.recentRuns].reverse();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.map((r) => r.runNumber)).toEqual(runs.map((_, i) => i + 1));
    for (const r of runs) {
      expect(r.outcome).toBe('succeeded');
      expect(r.counts!.transferred + r.counts!.updated).toBeLessThanOrEqual(8);
    }
    const audit = await expectSyncInvariants(fx, tenantId);
    expect(runs.reduce((n, r) => n + r.counts!.transferred, 0)).toBe(audit.entriesTransferred);
    expect(status.cycles).toBe(1);
  });
});
