/**
 * The worker's observability endpoint after a real sync on the test stack: the product metrics
 * per tenant match what the runs reported, the JSON log lines parse, carry tenant/run/entry ids
 * and no secret, and the health endpoints follow the worker's state.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, setLogger, temporalLogger } from '../../src/observability/logger.js';
import { startObservabilityServer, type ObservabilityServer } from '../../src/observability/server.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal.js';
import { waitUntil } from '../helpers/wait.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
    done();
  },
});

/** `name{a="x",b="y"} 3` → value, for the sample whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('worker metrics, JSON logs and health', () => {
  let fx: SyncFixture;
  let obs: ObservabilityServer;
  beforeAll(async () => {
    setLogger(createLogger({ level: 'info', destination: sink }));
    // Seed 5 quarantines entries (an employee without a Personio match) and transfers the rest.
    fx = await startSyncFixture(generateDemoData({ seed: 5, tenants: 2, employees: 4, days: 7 }));
    obs = await startObservabilityServer({ port: 0, target: { worker: fx.worker, connection: fx.env.nativeConnection } });
    await Promise.all(fx.seed.tenants.map((t) => fx.start(t.id)));
    await Promise.all(fx.seed.tenants.map((t) => fx.waitForCycles(t.id, 1, 90_000)));
  }, 120_000);
  afterAll(async () => {
    await obs?.close();
    await fx?.teardown();
  });

  it('serves per-tenant counts that match the runs, vendor requests and limiter waits', async () => {
    const res = await fetch(`${obs.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    let quarantinedSomewhere = false;
    for (const t of fx.seed.tenants) {
      const status = await fx.status(t.id);
      const locked = status.recentRuns.reduce((n, r) => n + (r.counts ? r.counts.transferred + r.counts.updated + r.counts.relocked : 0), 0);
      expect(locked).toBeGreaterThan(0);
      expect(sample(text, 'timr_sync_entries_transferred_total', { tenant: t.id })).toBe(locked);
      expect(sample(text, 'timr_sync_entries_quarantined', { tenant: t.id })).toBe(status.quarantined.length);
      const age = sample(text, 'timr_sync_oldest_untransferred_entry_age_seconds', { tenant: t.id });
      // Everything transferrable was transferred: only quarantined entries are left untransferred.
      if (status.quarantined.length > 0) {
        quarantinedSomewhere = true;
        expect(age).toBeGreaterThan(3600);
      }
      expect(sample(text, 'timr_sync_plan_duration_seconds_count', { tenant: t.id })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'timr_sync_run_duration_seconds', { tenant: t.id })).toBeGreaterThan(0);
    }
    expect(quarantinedSomewhere).toBe(true);
    expect(sample(text, 'timr_sync_vendor_requests_total', { vendor: 'timr', status: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'timr_sync_vendor_requests_total', { vendor: 'personio', status: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'timr_sync_limiter_wait_seconds_count', { vendor: 'personio' })).toBeGreaterThan(0);
    // No 429 in a clean sync: the counter exists only once one was seen.
    expect(sample(text, 'timr_sync_vendor_rate_limited_total', { vendor: 'personio' })).toBeUndefined();
  });

  it('logs JSON lines with tenant, run and entry ids and no secret', () => {
    expect(lines.length).toBeGreaterThan(0);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const tenantIds = new Set(fx.seed.tenants.map((t) => t.id));
    const locks = parsed.filter((p) => p.msg === 'entry lock');
    expect(locks.length).toBeGreaterThan(0);
    for (const p of locks) {
      expect(tenantIds.has(p.tenantId as string)).toBe(true);
      expect(p.runId).toMatch(/\S/);
      expect(p.entryId).toMatch(/\S/);
      expect(p.level).toBe('info');
    }
    expect(parsed.some((p) => p.msg === 'run planned' && typeof p.quarantined === 'number')).toBe(true);
    const all = lines.join('\n');
    for (const t of fx.seed.tenants) {
      expect(all).not.toContain(t.timr.clientSecret);
      expect(all).not.toContain(t.personio.clientSecret);
    }
  });

  it('redacts a secret the SDK would log and drops the task token', () => {
    const secret = fx.seed.tenants[0]!.personio.clientSecret;
    const before = lines.length;
    temporalLogger(createLogger({ level: 'info', destination: sink })).warn(`activity failed: client_secret=${secret}`, {
      taskToken: 'AAECAwQ=',
      activityType: 'postPeriods',
      detail: `Bearer abc.def and ${secret}`,
    });
    const line = lines.slice(before).join('\n');
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', source: 'temporal', activityType: 'postPeriods' });
    expect(entry.taskToken).toBeUndefined();
    expect(line).not.toContain(secret);
    expect(line).not.toContain('abc.def');
  });

  it('is live and ready while the worker runs and Temporal answers; not ready otherwise', async () => {
    expect((await fetch(`${obs.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${obs.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, worker: 'RUNNING', temporal: 'reachable' });

    obs.watch({ worker: fx.worker, connection: { workflowService: { getSystemInfo: () => Promise.reject(new Error('connection refused')) } } as never });
    const unreachable = await fetch(`${obs.url}/readyz`);
    expect(unreachable.status).toBe(503);
    expect(await unreachable.json()).toMatchObject({ ready: false, worker: 'RUNNING', temporal: 'unreachable' });

    // A worker of its own, so the fixture's keeps running for teardown.
    const worker = await createTestWorker(fx.env, { taskQueue: uniqueTaskQueue('obs'), activities: {} });
    obs.watch({ worker, connection: fx.env.nativeConnection });
    expect((await fetch(`${obs.url}/readyz`)).status).toBe(503); // INITIALIZED: not polling yet
    const running = worker.run();
    await waitUntil('worker RUNNING', async () => worker.getState() === 'RUNNING', 10_000, 20);
    expect((await fetch(`${obs.url}/readyz`)).status).toBe(200);
    worker.shutdown();
    const stopping = await fetch(`${obs.url}/readyz`);
    expect(stopping.status).toBe(503);
    expect((await stopping.json() as { worker: string }).worker).toMatch(/STOPP|DRAIN/);
    await running;
    expect(await (await fetch(`${obs.url}/readyz`)).json()).toMatchObject({ ready: false, worker: 'STOPPED' });
    expect((await fetch(`${obs.url}/healthz`)).status).toBe(200);
  });
});
