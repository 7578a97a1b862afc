/**
 * A customer regenerates credentials while a run is in flight: the tenant stops cleanly as
 * auth-failed with a reason support can act on, nothing is lost, and once the new pair is in
 * the secret store a `resume` finishes the job. No secret ever reaches workflow history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeTenant, syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { expectSyncInvariants, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';


async function historyText(fx: SyncFixture, workflowId: string): Promise<string> {
  const history = await fx.env.client.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
}

describe('credential rotation mid-run', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 21, tenants: 2, employees: 5, days: 7 }));
  });
  afterAll(async () => {
    await fx?.teardown();
  });

  it('Personio credentials regenerated: auth-failed, then resume with the new pair completes without loss or duplicate', async () => {
    const tenant = fx.seed.tenants[0]!;
    await fx.control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 80, maxMs: 150 } });
    await fx.start(tenant.id);
    const posts = async () => (await fx.control.requests('personio', tenant.id)).filter((r) => r.method === 'POST' && r.route === '/v2/attendance-periods' && r.status === 201).length;
    await waitUntil('some Personio posts', async () => (await posts()) >= 8);

    const rotated = await fx.control.rotateCredentials('personio', tenant.id);
    const failed = await fx.waitForStatus(tenant.id, (s) => s.status === 'auth-failed', 60_000, 'auth-failed');
    expect(failed.statusReason).toMatch(/Personio/);
    expect(failed.statusReason).toMatch(/credentials/i);
    expect(failed.recentRuns[0]?.outcome).toBe('auth-failed');
    expect(failed.runInFlight).toBeNull();
    // While auth-failed, asking for a sync says what to do.
    await expect(syncTenantNow(fx.env.client, tenant.id)).rejects.toThrow(/store new credentials, then resume/);
    const midAudit = await fx.audit([tenant.id]);
    expect(midAudit).toMatchObject({ lost: 0, duplicated: 0, stale: 0, doubleClaimed: 0 });
    expect(midAudit.entriesTransferred).toBeLessThan(midAudit.entriesEligible - midAudit.quarantined);

    const current = await fx.secrets.get(tenant.id);
    await fx.secrets.put(tenant.id, { ...current, personio: rotated });
    await resumeTenant(fx.env.client, tenant.id);
    const healed = await fx.waitForStatus(tenant.id, (s) => s.status === 'active' && s.recentRuns[0]?.outcome === 'succeeded' && s.runInFlight === null, 90_000, 'a successful run after resume');
    expect(healed.statusReason).toBeUndefined();

    await expectSyncInvariants(fx, tenant.id);

    // Secrets (old and new) appear nowhere in the tenant's or its runs' histories.
    const ids = [`tenant/${tenant.id}`, ...healed.recentRuns.map((r) => r.workflowId)];
    for (const id of ids) {
      const text = await historyText(fx, id);
      for (const secret of [tenant.personio.clientSecret, rotated.clientSecret, tenant.timr.clientSecret]) expect(text).not.toContain(secret);
    }
  });

  it('timr credentials regenerated while locking: locks that cannot be read back stay unresolved, resume resolves them and completes', async () => {
    const tenant = fx.seed.tenants[1]!;
    await fx.control.addFault('timr', { tenantId: tenant.id, route: 'PATCH /v1/working-times/:id', fault: { kind: 'latency', minMs: 100, maxMs: 160 } });
    await fx.start(tenant.id);
    const locks = async () => (await fx.control.requests('timr', tenant.id)).filter((r) => r.method === 'PATCH' && r.status === 200).length;
    await waitUntil('some timr locks', async () => (await locks()) >= 5);

    const rotated = await fx.control.rotateCredentials('timr', tenant.id);
    const failed = await fx.waitForStatus(tenant.id, (s) => s.status === 'auth-failed', 60_000, 'auth-failed');
    expect(failed.statusReason).toMatch(/timr/);
    // timr cannot be read, so whether the last locks happened is unknown: nothing is deleted on an
    // assumption. Every period no timr record claims is one the tenant keeps as unresolved.
    const mid = await fx.audit([tenant.id]);
    expect(mid).toMatchObject({ lost: 0, duplicated: 0, stale: 0, doubleClaimed: 0 });
    const unresolvedIds = new Set(failed.unresolved.flatMap((w) => w.periodIds));
    expect(mid.orphaned).toBeLessThanOrEqual(unresolvedIds.size);
    for (const id of mid.samples.orphaned) expect(unresolvedIds).toContain(id);

    const current = await fx.secrets.get(tenant.id);
    await fx.secrets.put(tenant.id, { ...current, timr: rotated });
    await resumeTenant(fx.env.client, tenant.id);
    const healed = await fx.waitForStatus(tenant.id, (s) => s.status === 'active' && s.recentRuns[0]?.outcome === 'succeeded' && s.runInFlight === null, 90_000, 'a successful run after resume');
    expect(healed.unresolved).toEqual([]);
    await expectSyncInvariants(fx, tenant.id);
  });
});
