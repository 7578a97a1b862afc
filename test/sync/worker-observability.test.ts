/**
 * The worker's observability endpoint after a real sync on the test stack: the product metrics
 * per tenant match what the runs reported, the JSON log lines parse, carry tenant/run/entry ids
 * and no secret, and the health endpoints follow the worker's state.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, setLogger, temporalLogger } from '../../src/observability/logger.js';
import { startObservabilityServer, type ObservabilityServer } from '../../src/observability/server.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { createTestWorker, uniqueTaskQueue } from '../helpers/temporal.js';
import { waitUntil } from '../helpers/wait.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

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
      // Set by the cheap check of every cycle: what the tenant carries (its latest run left none here).
      expect(sample(text, 'timr_sync_unresolved_writes', { tenant: t.id })).toBe(status.unresolved.length);
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

describe('npm run worker with TIMR_SYNC_METRICS_PORT', () => {
  let fx: SyncFixture;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 3, tenants: 1, employees: 4, days: 7 }));
  }, 60_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('serves the SDK runtime metrics beside the product metrics, is ready, logs JSON lines only and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/worker.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TIMR_SYNC_TASK_QUEUE: uniqueTaskQueue('obs-worker'),
        TIMR_SYNC_WORKER_VERSIONING: 'off',
        TIMR_SYNC_METRICS_PORT: String(port),
        TIMR_SYNC_LOG_LEVEL: 'info',
        TIMR_SYNC_CODEC_KEY: Buffer.alloc(32, 7).toString('base64'),
        TIMR_SYNC_SECRETS_DIR: fx.secretsDir,
        TIMR_BASE_URL: fx.sandbox.timrBaseUrl,
        TIMR_TOKEN_URL: fx.sandbox.timrTokenUrl,
        PERSONIO_BASE_URL: fx.sandbox.personioBaseUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitUntil(`worker ready on ${base}`, async () => {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
        return (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200;
      }, 60_000, 250).catch((err: Error) => {
        throw new Error(`${err.message}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 2000)}`);
      });
      let text = '';
      // The SDK's exporter fills in once the worker has polled.
      await waitUntil('SDK metrics', async () => {
        text = await (await fetch(`${base}/metrics`)).text();
        return /^temporal_\w+/m.test(text);
      }, 30_000, 250);
      expect(text).toContain('# HELP timr_sync_entries_transferred_total');
      expect(text).toMatch(/^temporal_\w*poll\w*/m);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ ready: true, worker: 'RUNNING', temporal: 'reachable' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    expect(lines.some((l) => (JSON.parse(l) as { msg?: string }).msg?.startsWith('worker polling'))).toBe(true);
  }, 120_000);
});
