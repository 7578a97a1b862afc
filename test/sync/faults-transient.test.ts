/**
 * Transient trouble — 5xx bursts, 429 storms with and without Retry-After, connection resets,
 * slow answers — is absorbed by retries: the run succeeds and the invariants hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

describe('transient vendor faults', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 31, tenants: 2, employees: 4, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('5xx bursts, 429 storms, resets and latency on both vendors: the run still transfers everything once', async () => {
    const tenantId = fx.seed.tenants[0]!.id;
    const add = fx.control.addFault.bind(fx.control);
    await add('timr', { tenantId, route: 'GET /v1/working-times', times: 2, fault: { kind: 'error', status: 503 } });
    await add('timr', { tenantId, route: 'PATCH /v1/working-times/:id', after: 3, times: 3, fault: { kind: 'error', status: 502 } });
    await add('timr', { tenantId, route: 'GET /v1/working-times/:id', probability: 0.2, fault: { kind: 'reset' } });
    await add('personio', { tenantId, route: 'POST /v2/attendance-periods', after: 5, times: 4, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    await add('personio', { tenantId, route: 'POST /v2/attendance-periods', after: 15, times: 3, fault: { kind: 'rate-limit', retryAfterSeconds: null } });
    await add('personio', { tenantId, route: 'POST /v2/attendance-periods', after: 25, times: 3, fault: { kind: 'error', status: 500 } });
    await add('personio', { tenantId, route: 'GET /v2/persons', times: 1, fault: { kind: 'reset' } });
    await add('personio', { tenantId, route: '*', fault: { kind: 'latency', minMs: 0, maxMs: 30 } });

    await fx.start(tenantId);
    const status = await fx.waitForCycles(tenantId, 1, 120_000);
    expect(status.recentRuns[0]?.outcome).toBe('succeeded');
    expect(status.status).toBe('active');

    const faults = [...(await fx.control.faults('timr')), ...(await fx.control.faults('personio'))];
    // Every burst fired in full: the run really went through them.
    for (const f of faults.filter((f) => f.times !== undefined)) expect(f.fired, JSON.stringify(f)).toBe(f.times);

    const personioLog = await fx.control.requests('personio', tenantId);
    expect(personioLog.filter((r) => r.status === 429).length).toBe(7);

    await expectSyncInvariants(fx, tenantId);
  });

  it('a vendor that stays down leaves the posts unresolved (never assumed failed); the next cycle resolves and heals them', async () => {
    const tenantId = fx.seed.tenants[1]!.id;
    // Personio refuses every create for long enough to exhaust the activity retries of the run.
    const outage = await fx.control.addFault('personio', { tenantId, route: 'POST /v2/attendance-periods', fault: { kind: 'error', status: 503 } });
    await fx.start(tenantId, { activityTimeoutSeconds: 5, activityMaxAttempts: 2 });
    const first = await fx.waitForCycles(tenantId, 1, 240_000);
    const run = first.recentRuns[0]!;
    expect(run.outcome).toBe('partial');
    // A 5xx does not prove that nothing was written: the posts stay unknown in the tenant's state.
    expect(run.counts?.unresolved).toBeGreaterThan(0);
    expect(run.counts?.transferred).toBe(0);
    expect(first.unresolved.length).toBe(run.counts?.unresolved);
    const during = await fx.audit([tenantId]);
    expect(during.entriesTransferred).toBe(0);
    expect(during.periodsInPersonio).toBe(0);

    await fetch(`${fx.sandbox.personioControlUrl}/faults/${outage.id}`, { method: 'DELETE' });
    const { syncTenantNow } = await import('../../src/control/tenants.js');
    const healed = await syncTenantNow(fx.env.client, tenantId);
    expect(healed?.outcome).toBe('succeeded');
    expect((await fx.status(tenantId)).unresolved).toEqual([]);
    await expectSyncInvariants(fx, tenantId);
  }, 120_000);
});
