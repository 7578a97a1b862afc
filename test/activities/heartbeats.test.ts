/**
 * The sync activities as Temporal runs them (MockActivityEnvironment: heartbeats observed,
 * cancellation injected, timeouts in the activity info) over real HTTP to the sandboxes:
 *  - they heartbeat by time, not once per entry, and also while they wait (the deletion feed,
 *    a Retry-After, the limiter), so a long wait never looks like a dead worker;
 *  - a cancelled (or timed-out) attempt stops writing at the next write;
 *  - waiting out a 429 storm happens inside the attempt, so it does not use up attempts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { PostBatchInput } from '../../src/activities/contracts.js';
import { PersonioLimits } from '../../src/clients/rate-limiter.js';
import { demoTenantSettings } from '../../src/devstack/demo-tenants.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FileSecretStore } from '../../src/secrets/index.js';

const HEARTBEAT_TIMEOUT_MS = 2_000;

describe('sync activities: heartbeats, cancellation and rate-limit waits', () => {
  const seed = generateDemoData({ seed: 21, tenants: 1, employees: 12, days: 40 });
  const tenant = seed.tenants[0]!;
  let sandbox: RunningSandbox;
  let control: SandboxControl;
  let secretsDir: string;
  let activities: ReturnType<typeof createActivities>;
  const settings = TenantSettings.parse(demoTenantSettings(tenant, { lookbackDays: 3660 }));
  const ref = { tenantId: tenant.id, credentialsRef: tenant.id };
  const pairs = {
    timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret },
    personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret },
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    control = new SandboxControl(sandbox);
    secretsDir = mkdtempSync(path.join(os.tmpdir(), 'heartbeat-secrets-'));
    const secrets = new FileSecretStore(secretsDir);
    await secrets.put(tenant.id, pairs);
    activities = createActivities({
      endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
      secrets,
      personioLimits: new PersonioLimits({ perIp: { ratePerSecond: 500, burst: 100 }, perClient: { ratePerSecond: 500, burst: 100 } }),
      httpTimeoutMs: 5_000,
    });
  });
  afterEach(async () => {
    await control.clearFaults();
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(secretsDir, { recursive: true, force: true });
  });

  /**
   * An activity environment like a worker's, recording when the activity heartbeats. Times are
   * monotonic, and a probe timer in this process tells a silent pulse from a process that did
   * not run at all (a loaded CI machine once stalled this one for 7.5 s mid-test): a stretch
   * without a heartbeat counts only the time the probe kept ticking.
   */
  function environment(info: { startToCloseTimeoutMs?: number } = {}) {
    const env = new MockActivityEnvironment({
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      startToCloseTimeoutMs: info.startToCloseTimeoutMs ?? 120_000,
      currentAttemptScheduledTimestampMs: Date.now(),
      attempt: 1,
    });
    const beats: number[] = [];
    env.on('heartbeat', () => beats.push(performance.now()));
    /** Runs the activity; returns its outcome and the longest stretch without a heartbeat. */
    const run = async <T>(fn: () => Promise<T>) => {
      const PROBE_MS = 50;
      const ticks: number[] = [];
      const probe = setInterval(() => ticks.push(performance.now()), PROBE_MS);
      const started = performance.now();
      const outcome = await env.run(fn).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const ended = performance.now();
      clearInterval(probe);
      const points = [started, ...beats, ended];
      /** How long within (from, to) this process did not run: the probe's gaps beyond its period. */
      const stalledMs = (from: number, to: number) => {
        const inside = [from, ...ticks.filter((t) => t > from && t < to), to];
        return inside.slice(1).reduce((sum, t, i) => sum + Math.max(0, t - inside[i]! - 2 * PROBE_MS), 0);
      };
      const silences = points.slice(1).map((t, i) => t - points[i]! - stalledMs(points[i]!, t));
      return { outcome, beats: beats.length, longestSilenceMs: Math.round(Math.max(...silences)), ms: Math.round(ended - started) };
    };
    return { env, run };
  }

  /** Rotated Personio credentials under a new secret ref: no token for them is cached yet. */
  const freshPersonioCredentials = async (): Promise<string> => {
    const rotated = await control.rotateCredentials('personio', tenant.id);
    const refName = `fresh-${Math.random().toString(36).slice(2, 7)}`;
    await new FileSecretStore(secretsDir).put(refName, { timr: pairs.timr, personio: { clientId: rotated.clientId, clientSecret: rotated.clientSecret } });
    return refName;
  };

  const checkInput = () => ({ ...ref, sync: settings.sync, lookbackDays: settings.lookbackDays, held: {}, deletionWatermark: null });

  it('checkForWork heartbeats by time, not once per listed entry, and while the deletion feed is slow', async () => {
    const entries = tenant.timr.workingTimes.length;
    expect(entries).toBeGreaterThan(300);
    // A deleted entry, and a deletion feed that takes longer than the heartbeat timeout to answer.
    await control.deleteWorkingTime(tenant.id, tenant.timr.workingTimes[0]!.id);
    await control.addFault('timr', { tenantId: tenant.id, route: 'GET /v1/working-times::deleted', fault: { kind: 'latency', minMs: 3_000 } });
    const { run } = environment();
    const r = await run(() => activities.checkForWork(checkInput()));
    expect(r.outcome.ok, String((r.outcome as { error?: unknown }).error)).toBe(true);
    const fired = (await control.faults('timr')).find((f) => f.route === 'GET /v1/working-times::deleted');
    expect(fired?.fired, 'the slow deletion feed was read').toBeGreaterThan(0);
    expect(r.longestSilenceMs, `longest stretch without a heartbeat (${r.beats} heartbeats in ${r.ms} ms)`).toBeLessThan(HEARTBEAT_TIMEOUT_MS);
    // By time: a handful per second at most, not one per entry.
    expect(r.beats).toBeLessThan(entries / 10);
    expect(r.beats).toBeLessThanOrEqual(Math.ceil(r.ms / 250) + 2);
  });

  /** A batch of fresh entries for persons Personio knows, each on its own day. */
  function postBatchInput(count: number): PostBatchInput {
    const persons = tenant.personio.persons;
    return {
      ...ref,
      entries: Array.from({ length: count }, (_, i) => {
        const day = `2030-03-${String(i + 1).padStart(2, '0')}`;
        return {
          entryId: `hb-${i}`,
          personId: persons[i % persons.length]!.id,
          periods: [{ type: 'WORK' as const, start: `${day}T08:00:00`, end: `${day}T12:00:00` }],
        };
      }),
    };
  }

  it('postPeriods keeps heartbeating while it waits out a Retry-After longer than the heartbeat timeout', async () => {
    await control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/attendance-periods', after: 1, times: 1, fault: { kind: 'rate-limit', retryAfterSeconds: 3 } });
    const { run } = environment();
    const r = await run(() => activities.postPeriods(postBatchInput(3)));
    expect(r.outcome.ok, String((r.outcome as { error?: unknown }).error)).toBe(true);
    expect(r.ms).toBeGreaterThan(2_900);
    expect(r.longestSilenceMs, `longest stretch without a heartbeat (${r.beats} heartbeats in ${r.ms} ms)`).toBeLessThan(HEARTBEAT_TIMEOUT_MS);
  });

  it('a cancelled postPeriods stops writing at the next write and fails (its writes are then unknown to the saga)', async () => {
    await control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 300 } });
    const before = (await control.requests('personio', tenant.id)).filter((q) => q.method === 'POST' && q.route === '/v2/attendance-periods').length;
    const { env, run } = environment();
    const running = run(() => activities.postPeriods(postBatchInput(10)));
    await new Promise((r) => setTimeout(r, 1_000));
    env.cancel('CANCELLED');
    const r = await running;
    expect(r.outcome.ok).toBe(false);
    expect((r.outcome as { error: unknown }).error).toBeInstanceOf(CancelledFailure);
    // Whatever was in flight may land; nothing is started after the cancellation.
    await new Promise((r) => setTimeout(r, 1_500));
    const posts = (await control.requests('personio', tenant.id)).filter((q) => q.method === 'POST' && q.route === '/v2/attendance-periods').length - before;
    expect(posts).toBeGreaterThan(0);
    expect(posts).toBeLessThanOrEqual(5);
  });

  it('a 429 storm on the token endpoint is waited out inside the attempt (heartbeating), not failed to Temporal', async () => {
    // A fresh token is needed: new credentials, so nothing is cached. Eight refusals outlast the
    // in-process tries of a call (3) more than twice over.
    const fresh = await freshPersonioCredentials();
    await control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/auth/token', times: 8, fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    const { run } = environment({ startToCloseTimeoutMs: 120_000 });
    const r = await run(() => activities.planSyncRun({ ...checkInput(), credentialsRef: fresh, runId: 'tenant/x/run/1', chunkSize: 50 }));
    expect(r.outcome.ok, String((r.outcome as { error?: unknown }).error)).toBe(true);
    expect((await control.faults('personio')).find((f) => f.route === 'POST /v2/auth/token')?.fired).toBe(8);
    expect(r.longestSilenceMs).toBeLessThan(HEARTBEAT_TIMEOUT_MS);
  }, 30_000);

  it('a rate-limit wait that would outlast the attempt goes to Temporal (with nextRetryDelay) instead of timing out', async () => {
    const fresh = await freshPersonioCredentials();
    await control.addFault('personio', { tenantId: tenant.id, route: 'POST /v2/auth/token', fault: { kind: 'rate-limit', retryAfterSeconds: 30 } });
    const { run } = environment({ startToCloseTimeoutMs: 8_000 });
    const r = await run(() => activities.planSyncRun({ ...checkInput(), credentialsRef: fresh, runId: 'tenant/x/run/1', chunkSize: 50 }));
    expect(r.outcome.ok).toBe(false);
    expect((r.outcome as { error: unknown }).error).toMatchObject({ type: 'RateLimited', nextRetryDelay: 30_000 });
    expect(r.ms).toBeLessThan(8_000);
  });
});
