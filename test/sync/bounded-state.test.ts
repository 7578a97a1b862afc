/**
 * Every payload and every piece of workflow state stays bounded at any tenant size (issue 8):
 * a tenant with 20,000 entries in its window, about 19,000 of them quarantined (their
 * employees have no Personio person), syncs to completion. No payload in the tenant's or its
 * runs' histories, no query answer and no continue-as-new input grows with the tenant: counts
 * plus bounded samples, with the details on demand. The figures are printed for the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { listQuarantined, tenantHandle } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { Seed } from '../../src/sandbox/seed.js';
import { carryQuery } from '../../src/workflows/messages.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';

/** Temporal warns above 512 KiB per payload and refuses 2 MiB: stay below the warning. */
const PAYLOAD_BOUND = 512 * 1024;

/** The largest payload (data bytes) anywhere in a history. */
function largestPayload(history: temporal.api.history.v1.IHistory): number {
  let largest = 0;
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (v instanceof Uint8Array) return;
    const o = v as Record<string, unknown>;
    if (o.data instanceof Uint8Array && o.metadata && typeof o.metadata === 'object') largest = Math.max(largest, o.data.length);
    for (const child of Object.values(o)) visit(child);
  };
  for (const e of history.events ?? []) visit(e);
  return largest;
}

const historyBytes = (history: temporal.api.history.v1.IHistory) => temporal.api.history.v1.History.encode(history).finish().length;

/** A whole history, a few events per page (a single page of a big history exceeds gRPC's 4 MB). */
async function fetchHistory(fx: SyncFixture, workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  const events: temporal.api.history.v1.IHistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await fx.env.client.workflowService.getWorkflowExecutionHistory({
      namespace: fx.env.client.options.namespace,
      execution: { workflowId },
      maximumPageSize: 20,
      ...(nextPageToken && { nextPageToken }),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events };
}

describe('bounded state and payloads: a 20,000-entry tenant', () => {
  let fx: SyncFixture;
  let seed: Seed;

  beforeAll(async () => {
    // 54 employees × 500 days ≈ 20,000 entries; Personio knows three of the employees.
    seed = generateDemoData({ seed: 12, tenants: 1, employees: 54, days: 500 });
    const t = seed.tenants[0]!;
    t.personio.persons = t.personio.persons.slice(0, 3);
    fx = await startSyncFixture(seed);
  }, 180_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('syncs to completion; every payload, query answer and carried state stays bounded', async () => {
    const tenant = fx.seed.tenants[0]!;
    const entries = tenant.timr.workingTimes.length;
    expect(entries).toBeGreaterThanOrEqual(20_000);
    await fx.start(tenant.id, { activityTimeoutSeconds: 60 });
    const done = await fx.waitForStatus(tenant.id, (s) => s.cycles >= 1 && s.runInFlight === null, 600_000, 'the first cycle');
    expect(done.status).toBe('active');
    expect(done.recentRuns[0]?.outcome, JSON.stringify(done.recentRuns[0])).toMatch(/succeeded|partial/);

    // A second cycle with nothing new does not start a run (the quarantine is not "new work").
    const runs = done.runCount;
    const { syncTenantNow } = await import('../../src/control/tenants.js');
    expect(await syncTenantNow(fx.env.client, tenant.id)).toBeNull();
    const status = await fx.status(tenant.id);
    expect(status.runCount).toBe(runs);

    // Counts plus a bounded sample; the whole list on demand.
    expect(status.quarantineCount).toBeGreaterThan(18_000);
    expect(status.quarantined.length).toBeLessThanOrEqual(50);
    const all = await listQuarantined(fx.env.client, tenant.id);
    expect(all.length).toBe(status.quarantineCount);
    expect(new Set(all.map((q) => q.entryId)).size).toBe(all.length);

    // Nothing lost, duplicated or left waiting: the audit with the full quarantine list.
    const [timrState, personioState] = await Promise.all([fx.control.state('timr'), fx.control.state('personio')]);
    const { auditSync, auditTenantFromStatus } = await import('../../src/sandbox/sync-audit.js');
    const audit = auditSync(timrState, personioState, [{ ...auditTenantFromStatus(status), quarantinedEntryIds: all.map((q) => q.entryId) }]);
    expect({ lost: audit.lost, duplicated: audit.duplicated, orphaned: audit.orphaned, stale: audit.stale, doubleClaimed: audit.doubleClaimed, waiting: audit.waiting }).toEqual({
      lost: 0,
      duplicated: 0,
      orphaned: 0,
      stale: 0,
      doubleClaimed: 0,
      waiting: 0,
    });
    expect(audit.entriesTransferred).toBeGreaterThan(500);

    // The figures: largest payload and history size of the tenant and of each run.
    const handle = tenantHandle(fx.env.client, tenant.id);
    const tenantHistory = await fetchHistory(fx, `tenant/${tenant.id}`);
    const figures = { entries, quarantined: status.quarantineCount, transferred: audit.entriesTransferred, runs: status.runCount, tenant: { events: tenantHistory.events!.length, bytes: historyBytes(tenantHistory), largestPayload: largestPayload(tenantHistory) }, runsHistory: [] as { run: number; events: number; bytes: number; largestPayload: number }[] };
    for (let n = 1; n <= status.runCount; n++) {
      const h = await fetchHistory(fx, `tenant/${tenant.id}/run/${n}`);
      figures.runsHistory.push({ run: n, events: h.events!.length, bytes: historyBytes(h), largestPayload: largestPayload(h) });
    }
    const statusBytes = Buffer.byteLength(JSON.stringify(status));
    const carryBytes = Buffer.byteLength(JSON.stringify(await handle.query(carryQuery)));
    const largestByEvent = (h: temporal.api.history.v1.IHistory) =>
      (h.events ?? []).map((e) => ({ id: Number(e.eventId), type: temporal.api.enums.v1.EventType[e.eventType ?? 0], largest: largestPayload({ events: [e] }) })).sort((a, b) => b.largest - a.largest).slice(0, 3);
    console.log(`bounded-state figures: ${JSON.stringify({ ...figures, statusBytes, carryBytes, tenantLargest: largestByEvent(tenantHistory), run1Largest: largestByEvent(await fetchHistory(fx, `tenant/${tenant.id}/run/1`)) })}`);

    expect(figures.tenant.largestPayload).toBeLessThan(PAYLOAD_BOUND);
    for (const r of figures.runsHistory) expect(r.largestPayload, `run ${r.run}`).toBeLessThan(PAYLOAD_BOUND);
    expect(statusBytes).toBeLessThan(PAYLOAD_BOUND);
    expect(carryBytes).toBeLessThan(PAYLOAD_BOUND);
    // The tenant's history per cycle does not grow with the tenant: well below 1 MB here.
    expect(figures.tenant.bytes).toBeLessThan(1024 * 1024);
  }, 900_000);
});
