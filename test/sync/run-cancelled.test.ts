/**
 * An operator cancels a run in the Temporal UI mid-way: the run waits for what its batches
 * really did, takes back every post it could not lock, and the next cycle transfers it all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';

describe('a run cancelled from the UI', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 43, tenants: 1, employees: 5, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('leaves nothing the next cycle cannot heal', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    await fx.control.addFault('personio', { tenantId, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 80, maxMs: 120 } });
    await fx.start(tenantId);
    const inFlight = await fx.waitForStatus(tenantId, (s) => s.runInFlight !== null, 30_000, 'a run in flight');
    const posts = async () => (await fx.control.requests('personio', tenantId)).filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods').length;
    await waitUntil('some posts', async () => (await posts()) >= 6);

    await fx.env.client.workflow.getHandle(inFlight.runInFlight!).cancel();
    const after = await fx.waitForCycles(tenantId, 1, 60_000);
    expect(['failed', 'partial']).toContain(after.recentRuns[0]?.outcome);
    // The run waited for what its batches really did and took back every post it could not lock.
    const mid = await expectSyncInvariants(fx, tenantId, { complete: false });
    expect(mid.periodsInPersonio).toBe(0);
    expect(after.recentRuns[0]?.counts?.compensations).toBeGreaterThan(0);

    await fx.control.clearFaults('personio');
    const healed = await syncTenantNow(fx.env.client, tenantId);
    expect(healed?.outcome).toBe('succeeded');
    await expectSyncInvariants(fx, tenantId);
  });
});
