/**
 * The benchmark's phases. Each loads its own data into the sandbox, starts a fresh worker
 * process and measures from counts: requests the sandbox served (and their bytes), entries
 * the independent audit finds transferred, events Temporal stored, CPU and memory /proc
 * accounts to the worker. Wall-clock spans come from the sandbox's request timestamps.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { IN_FLIGHT_MS } from '../../activities/window-cache.js';
import { startTenant, syncTenantNow, tenantStatus } from '../../control/tenants.js';
import { parseTenantSyncConfig } from '../../domain/tenant-config.js';
import type { TenantSettingsInput } from '../../domain/tenant-settings.js';
import type { LoggedRequest } from '../../sandbox/request-log.js';
import type { Seed } from '../../sandbox/seed.js';
import { auditSync, auditTenantFromStatus } from '../../sandbox/sync-audit.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { compiledFile } from '../chaos/stack.js';
import { demoTenantSettings } from '../demo-tenants.js';
import { PROJECT_ROOT } from '../temporal-cli.js';
import { cycleDelays, historyFigures, type HistoryFigures } from './history.js';
import type { PlainResult, PlainTenant } from './plain.js';
import { cpuSeconds, machineLoad, round, rssBytes, threadCpuDelta, threadCpuSeconds } from './proc.js';
import type { BenchStack } from './stack.js';

/**
 * The limiter's burst the benchmark configures for a rate: one second of it, as the product's
 * per-IP default (33/s, burst 33); the sandbox's Personio allows a whole minute's. A 25-token
 * burst at 1000/s (25 ms) measured event-loop pauses, not the engine: every pause longer than
 * 25 ms lost its tokens, and the one-tenant backfill's writes reached 655 of the 1000/s.
 */
export const burstOf = (rate: number) => Math.max(1, rate);

/**
 * The worker's Personio limits for a phase: the per-client limit equal to the per-IP one, so a
 * single tenant may use the whole rate the phase measures (the product's per-client default,
 * 5/s, would pace a one-tenant backfill instead).
 */
export function personioEnv(rate: number, burst = burstOf(rate)): Record<string, string> {
  const r = String(rate);
  const b = String(burst);
  return { PERSONIO_RATE_PER_SECOND: r, PERSONIO_RATE_BURST: b, PERSONIO_CLIENT_RATE_PER_SECOND: r, PERSONIO_CLIENT_RATE_BURST: b };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Backfill phases sync once: no second cycle may start while the phase is measured. */
const ONE_CYCLE_INTERVAL_S = 7 * 86_400;

export type Log = (msg: string) => void;

function settingsFor(seed: Seed, overrides: Partial<TenantSettingsInput>): TenantSettingsInput[] {
  return seed.tenants.map((t) => demoTenantSettings(t, overrides));
}

async function startAll(stack: BenchStack, settings: TenantSettingsInput[], parallel = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, settings.length) }, async () => {
      for (let s = settings[next++]; s; s = settings[next++]) await startTenant(stack.client, s);
    }),
  );
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 1_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`benchmark: ${what} not reached in ${Math.round(timeoutMs / 1000)} s`);
    await sleep(everyMs);
  }
}

/** Every tenant finished its first cycle (all its runs) and has nothing in flight. */
function firstCyclesDone(stack: BenchStack, tenantIds: string[]) {
  return async (): Promise<TenantStatusView[] | undefined> => {
    const views: TenantStatusView[] = [];
    for (const id of tenantIds) {
      const v = await tenantStatus(stack.client, id);
      if (v.cycles < 1 || v.runInFlight !== null) return undefined;
      views.push(v);
    }
    return views;
  };
}

/** Requests by vendor and "METHOD route", with the total. */
function byEndpoint(requests: LoggedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) out[`${r.method} ${r.route}`] = (out[`${r.method} ${r.route}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

const isPeriodCreate = (r: LoggedRequest) => r.method === 'POST' && (r.route === '/v2/attendance-periods' || r.route === '/v2/absence-periods') && r.status >= 200 && r.status < 300;

export interface TransferFigures {
  tenants: number;
  entriesSeeded: number;
  eligible: number;
  transferred: number;
  quarantined: number;
  waiting: number;
  clean: boolean;
  /** First request to last request the sandbox served in the phase. */
  seconds: number;
  entriesPerSecond: number;
  periodsCreated: number;
  requests: { timr: number; personio: number; timrByEndpoint: Record<string, number>; personioByEndpoint: Record<string, number> };
  timrRequestsPerEntry: number;
  personioRequestsPerEntry: number;
  periodsPerEntry: number;
  /** Personio requests per second over the phase ÷ the limiter's rate. */
  limiterUtilisation: number;
  load: ReturnType<typeof machineLoad>;
}

function transferFigures(seed: Seed, reqs: { timr: LoggedRequest[]; personio: LoggedRequest[] }, audit: ReturnType<typeof auditSync>, startMs: number, rate: number): TransferFigures {
  const all = [...reqs.timr, ...reqs.personio].map((r) => Date.parse(r.at));
  const endMs = all.length ? Math.max(...all) : startMs;
  const seconds = Math.max(0.001, (endMs - startMs) / 1000);
  const pTimes = reqs.personio.map((r) => Date.parse(r.at));
  const pSpan = pTimes.length > 1 ? (Math.max(...pTimes) - Math.min(...pTimes)) / 1000 : 0;
  const transferred = audit.entriesTransferred;
  const per = (n: number) => (transferred ? round(n / transferred) : 0);
  const periodsCreated = reqs.personio.filter(isPeriodCreate).length;
  return {
    tenants: seed.tenants.length,
    entriesSeeded: seed.tenants.reduce((n, t) => n + t.timr.workingTimes.length, 0),
    eligible: audit.entriesEligible,
    transferred,
    quarantined: audit.quarantined,
    waiting: audit.waiting,
    clean: audit.lost + audit.duplicated + audit.orphaned + audit.stale + audit.doubleClaimed === 0,
    seconds: round(seconds, 2),
    entriesPerSecond: round(transferred / seconds, 2),
    periodsCreated,
    requests: { timr: reqs.timr.length, personio: reqs.personio.length, timrByEndpoint: byEndpoint(reqs.timr), personioByEndpoint: byEndpoint(reqs.personio) },
    timrRequestsPerEntry: per(reqs.timr.length),
    personioRequestsPerEntry: per(reqs.personio.length),
    periodsPerEntry: per(periodsCreated),
    // The bucket's initial burst goes out at once: only what followed it is paced by the rate.
    limiterUtilisation: pSpan > 0 ? round(Math.max(0, reqs.personio.length - burstOf(rate)) / pSpan / rate) : 0,
    load: machineLoad(),
  };
}

/** CPU of the processes beside the one measured: the Temporal server and this one (the sandboxes). */
interface SideCpu {
  serverCpuSeconds: number | null;
  sandboxCpuSeconds: number;
}

function sideCpu(stack: BenchStack): () => SideCpu {
  const pid = stack.inner.devServerPid;
  const server0 = pid === undefined ? undefined : cpuSeconds(pid);
  const own0 = process.cpuUsage();
  return () => {
    const own = process.cpuUsage(own0);
    return {
      serverCpuSeconds: pid === undefined || server0 === undefined ? null : round(cpuSeconds(pid) - server0, 2),
      sandboxCpuSeconds: round((own.user + own.system) / 1e6, 2),
    };
  };
}

export interface ProductBackfill extends TransferFigures, SideCpu {
  workerCpuSeconds: number;
  /** By thread name (digits folded into #): node's main thread, the workflow threads, V8's, the SDK core's. */
  workerThreadCpuSeconds: Record<string, number>;
  workerCpuMsPerEntry: number;
  history: HistoryFigures & { eventsPerEntry: number };
  views: TenantStatusView[];
}

/** The product transfers `seed` (one cycle per tenant) with the Personio limiter at `rate`/s. */
export async function productBackfill(stack: BenchStack, seed: Seed, prefix: string, rate: number, log: Log, timeoutMs: number): Promise<ProductBackfill> {
  await stack.terminateAll();
  await stack.load(seed);
  const pid = await stack.startWorker(personioEnv(rate));
  const cpu0 = cpuSeconds(pid);
  const threads0 = threadCpuSeconds(pid);
  const side = sideCpu(stack);
  const startMs = Date.now();
  const settings = settingsFor(seed, { intervalSeconds: ONE_CYCLE_INTERVAL_S });
  await startAll(stack, settings);
  const views = await waitFor(`backfill of ${prefix}`, timeoutMs, firstCyclesDone(stack, seed.tenants.map((t) => t.id)), 1_000);
  const cpu1 = cpuSeconds(pid);
  const workerThreadCpuSeconds = threadCpuDelta(threads0, threadCpuSeconds(pid));
  const sideCpuSeconds = side();
  const reqs = await stack.requests(startMs);
  const audit = await auditNow(stack, views);
  const figures = transferFigures(seed, reqs, audit, startMs, rate);
  const history = await historyFigures(stack.client, prefix);
  log(`${prefix}: product transferred ${figures.transferred} entries in ${figures.seconds} s at ${rate}/s (${round(((cpu1 - cpu0) * 1000) / Math.max(1, figures.transferred), 1)} ms worker CPU per entry)`);
  return {
    ...figures,
    ...sideCpuSeconds,
    workerCpuSeconds: round(cpu1 - cpu0, 2),
    workerThreadCpuSeconds,
    workerCpuMsPerEntry: figures.transferred ? round(((cpu1 - cpu0) * 1000) / figures.transferred, 2) : 0,
    history: { ...history, eventsPerEntry: figures.transferred ? round(history.events / figures.transferred, 2) : 0 },
    views,
  };
}

async function auditNow(stack: BenchStack, views: TenantStatusView[]) {
  const [timrState, personioState] = await Promise.all([stack.control.state('timr'), stack.control.state('personio')]);
  return auditSync(timrState, personioState, views.map((v) => auditTenantFromStatus(v)));
}

export interface PlainBackfill extends TransferFigures, SideCpu {
  parallel: number;
  cpuMsPerEntry: number;
}

/** The plain baseline over the same data (loaded afresh), as its own process. */
export async function plainBackfill(stack: BenchStack, seed: Seed, views: TenantStatusView[], rate: number, parallel: number, log: Log): Promise<PlainBackfill> {
  await stack.terminateAll();
  await stack.stopWorker();
  await stack.load(seed);
  const tenants: PlainTenant[] = views.map((v) => ({ tenantId: v.tenantId, credentialsRef: v.settings.credentialsRef, lookbackDays: v.settings.lookbackDays, sync: v.settings.sync }));
  const jobFile = path.join(stack.runDir, `plain-${parallel}.json`);
  const s = stack.sandbox;
  writeFileSync(jobFile, JSON.stringify({ endpoints: { timrBaseUrl: s.timrBaseUrl, timrTokenUrl: s.timrTokenUrl, personioBaseUrl: s.personioBaseUrl }, secretsDir: stack.secretsDir, tenants, parallel }));
  const side = sideCpu(stack);
  const startMs = Date.now();
  const result = await new Promise<PlainResult & { cpuSeconds: number }>((resolve, reject) => {
    // Compiled like the worker (the stack's compiledWorker): both sides run as built, side by side.
    const child = spawn(process.execPath, [compiledFile(stack.runDir, 'src', 'devstack', 'bench', 'plain-main.js'), jobFile], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...personioEnv(rate), TIMR_SYNC_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as PlainResult & { cpuSeconds: number });
      else reject(new Error(`plain baseline exited ${code}: ${err.slice(-1_000)}`));
    });
  });
  const sideCpuSeconds = side();
  const reqs = await stack.requests(startMs);
  const audit = await auditNow(stack, views);
  const figures = transferFigures(seed, reqs, audit, startMs, rate);
  // The baseline's own clock, from its first read to its last lock (its process start-up is not the transfer).
  figures.seconds = round(result.seconds, 2);
  figures.entriesPerSecond = round(figures.transferred / Math.max(0.001, result.seconds), 2);
  log(`plain baseline ×${parallel}: ${figures.transferred} entries in ${figures.seconds} s at ${rate}/s`);
  return { ...figures, ...sideCpuSeconds, parallel, cpuMsPerEntry: figures.transferred ? round((result.cpuSeconds * 1000) / figures.transferred, 2) : 0 };
}

export interface NoChangeCycle {
  tenantId: string;
  entriesInTimr: number;
  /** The first check after the backfill, before the wait: it reads the backfill's own writes (what changed). */
  firstCheckBytes: number;
  /** Median of the repetitions. */
  bytesRead: number;
  requests: number;
  workerCpuMs: number;
  repetitions: number;
}

const tenantBytes = (reqs: { timr: LoggedRequest[]; personio: LoggedRequest[] }, tenantId: string) =>
  [...reqs.timr, ...reqs.personio].filter((r) => r.tenantId === tenantId).reduce((n, r) => n + (r.bytes ?? 0), 0);

/**
 * Sync-now on tenants that just finished their backfill. An idle cycle is one with nothing
 * changed since the previous check read: the checks right after a backfill still re-read its
 * own locks (they lie within the change overlap, sync.changeOverlapSeconds, plus the in-flight
 * margin), so the measured cycles come after that has passed — as every regular cycle of a quiet
 * tenant does at the default 60 s interval.
 */
export async function noChangeCycles(stack: BenchStack, seed: Seed, pid: number | undefined, repetitions: number, settle = true): Promise<NoChangeCycle[]> {
  const worker = pid ?? stack.inner.workers.pid;
  if (worker === undefined) throw new Error('benchmark: no worker for the no-change cycles');
  const firstCheckBytes = new Map<string, number>();
  for (const t of seed.tenants) {
    const since = Date.now();
    await syncTenantNow(stack.client, t.id); // also warms caches and tokens
    firstCheckBytes.set(t.id, tenantBytes(await stack.requests(since), t.id));
  }
  const overlapMs = Math.max(...seed.tenants.map((t) => parseTenantSyncConfig(demoTenantSettings(t, {}).sync, t.id).changeOverlapSeconds)) * 1000;
  // The smoke run checks the command, not the figures: it does not wait.
  if (settle) await sleep(overlapMs + IN_FLIGHT_MS + 1_000);
  const out: NoChangeCycle[] = [];
  for (const t of seed.tenants) {
    const samples: { bytes: number; requests: number; cpuMs: number }[] = [];
    await syncTenantNow(stack.client, t.id); // its read starts after the overlap: the next one reads only what changed since
    for (let i = 0; i < repetitions; i++) {
      const since = Date.now();
      const cpu0 = cpuSeconds(worker);
      await syncTenantNow(stack.client, t.id);
      const cpu1 = cpuSeconds(worker);
      const reqs = await stack.requests(since);
      const mine = [...reqs.timr, ...reqs.personio].filter((r) => r.tenantId === t.id);
      samples.push({ bytes: mine.reduce((n, r) => n + (r.bytes ?? 0), 0), requests: mine.length, cpuMs: (cpu1 - cpu0) * 1000 });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    out.push({
      tenantId: t.id,
      entriesInTimr: t.timr.workingTimes.length,
      firstCheckBytes: firstCheckBytes.get(t.id) ?? 0,
      bytesRead: median(samples.map((s) => s.bytes)),
      requests: median(samples.map((s) => s.requests)),
      workerCpuMs: round(median(samples.map((s) => s.cpuMs)), 1),
      repetitions,
    });
  }
  return out;
}

export interface IdleFigures {
  tenants: number;
  intervalSeconds: number;
  windowSeconds: number;
  workerRssBeforeMiB: number;
  workerRssMiB: number;
  workerRssPeakMiB: number;
  rssPerTenantMiB: number;
  /** Worker CPU over the window ÷ its length. */
  coreFraction: number;
  /** Cycles the tenants' intervals put in the window (each tenant one per interval). */
  cyclesInWindow: number;
  workerCpuMsPerCycle: number;
  /** timr requests the sandbox served in the window ÷ its cycles (the check's reads). */
  timrRequestsPerCycle: number;
  /** workerCpuMsPerCycle by thread name (digits folded into #): where an idle cycle's CPU goes. */
  workerThreadCpuMsPerCycle: Record<string, number>;
  /** The same worker with 1,000 such tenants, from the per-tenant figures (equal to the measurement when tenants = 1,000). */
  projectedFor1000: { rssMiB: number; coreFraction: number };
  startSeconds: number;
  load: ReturnType<typeof machineLoad>;
}

const MiB = 1024 * 1024;

/** `count` small tenants on one fresh worker at the given interval, measured once they are idle. */
export async function idleTenants(stack: BenchStack, seed: Seed, prefix: string, intervalSeconds: number, warmupSeconds: number, windowSeconds: number, log: Log): Promise<IdleFigures> {
  await stack.terminateAll();
  await stack.load(seed);
  const pid = await stack.startWorker(personioEnv(1000, 25));
  await sleep(3_000);
  const rssBefore = rssBytes(pid);
  const t0 = Date.now();
  await startAll(stack, settingsFor(seed, { intervalSeconds }));
  const n = seed.tenants.length;
  // Every tenant's first cycle has one run (each small tenant has entries to transfer).
  await waitFor(`first cycles of ${n} idle tenants`, 20 * 60_000, async () => {
    const done = await stack.client.workflow.count(`WorkflowId STARTS_WITH "tenant/${prefix}-" AND WorkflowType = "syncRunWorkflow" AND ExecutionStatus != "Running"`);
    const running = await stack.client.workflow.count(`WorkflowId STARTS_WITH "tenant/${prefix}-" AND WorkflowType = "syncRunWorkflow" AND ExecutionStatus = "Running"`);
    return done.count >= n && running.count === 0 ? true : undefined;
  }, 3_000);
  const startSeconds = (Date.now() - t0) / 1000;
  log(`${n} idle tenants started and through their first cycle in ${Math.round(startSeconds)} s; warm-up ${warmupSeconds} s, then ${windowSeconds} s measured`);
  await sleep(warmupSeconds * 1000);
  const cpu0 = cpuSeconds(pid);
  const threads0 = threadCpuSeconds(pid);
  const w0 = Date.now();
  let peak = rssBytes(pid);
  while (Date.now() - w0 < windowSeconds * 1000) {
    await sleep(5_000);
    peak = Math.max(peak, rssBytes(pid));
  }
  const cpu1 = cpuSeconds(pid);
  const threads = threadCpuSeconds(pid);
  const timrRequests = (await stack.requests(w0)).timr.length;
  const window = (Date.now() - w0) / 1000;
  const rss = rssBytes(pid);
  const cycles = (n * window) / intervalSeconds;
  const perCycle = Object.entries(threadCpuDelta(threads0, threads)).map(([k, v]) => [k, round((v * 1000) / cycles, 2)] as const);
  const perTenant = (rss - rssBefore) / n;
  const coreFraction = (cpu1 - cpu0) / window;
  return {
    tenants: n,
    intervalSeconds,
    windowSeconds: round(window, 1),
    workerRssBeforeMiB: round(rssBefore / MiB, 1),
    workerRssMiB: round(rss / MiB, 1),
    workerRssPeakMiB: round(peak / MiB, 1),
    rssPerTenantMiB: round(perTenant / MiB, 3),
    coreFraction: round(coreFraction, 3),
    cyclesInWindow: round(cycles, 1),
    workerCpuMsPerCycle: round(((cpu1 - cpu0) * 1000) / cycles, 2),
    timrRequestsPerCycle: round(timrRequests / cycles, 2),
    workerThreadCpuMsPerCycle: Object.fromEntries(perCycle.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1])),
    projectedFor1000: { rssMiB: round((rssBefore + perTenant * 1000) / MiB, 1), coreFraction: round((coreFraction / n) * 1000, 3) },
    startSeconds: round(startSeconds, 1),
    load: machineLoad(),
  };
}

export interface FairnessFigures {
  bigTenantEntries: number;
  otherTenants: number;
  intervalSeconds: number;
  windowSeconds: number;
  cycles: number;
  maxDelayMs: number;
  p95DelayMs: number;
  medianDelayMs: number;
  /** Cycles that started later than one interval after their timer fired. */
  lateCycles: number;
  bigTenantTransferredInWindow: number;
  load: ReturnType<typeof machineLoad>;
}

/** Other tenants' regular cycles while one tenant backfills at the default Personio rate. */
export async function fairness(stack: BenchStack, big: Seed, others: Seed, intervalSeconds: number, windowSeconds: number, log: Log): Promise<FairnessFigures> {
  await stack.terminateAll();
  await stack.load({ tenants: [...big.tenants, ...others.tenants] });
  await stack.startWorker(personioEnv(25, 25));
  await startAll(stack, settingsFor(others, { intervalSeconds }));
  await waitFor('first cycles of the other tenants', 5 * 60_000, firstCyclesDone(stack, others.tenants.map((t) => t.id)), 1_000);
  const bigId = big.tenants[0]!.id;
  await startAll(stack, settingsFor(big, { intervalSeconds: ONE_CYCLE_INTERVAL_S }));
  // A small backfill (the smoke run's) may be over before the first probe: a run that started counts.
  await waitFor('the backfill run to start', 10 * 60_000, async () => {
    const v = await tenantStatus(stack.client, bigId);
    return v.runInFlight || v.runCount > 0 ? true : undefined;
  }, 1_000);
  const from = Date.now();
  log(`fairness: ${bigId} backfills ${big.tenants[0]!.timr.workingTimes.length} entries; ${others.tenants.length} tenants cycle every ${intervalSeconds} s; ${windowSeconds} s measured`);
  await sleep(windowSeconds * 1000);
  const to = Date.now();
  const reqs = await stack.requests(from);
  const locks = reqs.timr.filter((r) => r.tenantId === bigId && r.method === 'PATCH' && r.status === 200).length;
  // A cycle timer fired near the end has its check a moment later: leave the last interval's out.
  const delays = await cycleDelays(
    stack.client,
    others.tenants.map((t) => `tenant/${t.id}`),
    from,
    to - intervalSeconds * 1000,
  );
  await stack.terminateAll();
  const sorted = delays.map((d) => d.delayMs).sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!, 0) : 0);
  return {
    bigTenantEntries: big.tenants[0]!.timr.workingTimes.length,
    otherTenants: others.tenants.length,
    intervalSeconds,
    windowSeconds: round((to - from) / 1000, 1),
    cycles: delays.length,
    maxDelayMs: sorted.length ? round(sorted[sorted.length - 1]!, 0) : 0,
    p95DelayMs: q(0.95),
    medianDelayMs: q(0.5),
    lateCycles: delays.filter((d) => d.delayMs > intervalSeconds * 1000).length,
    bigTenantTransferredInWindow: locks,
    load: machineLoad(),
  };
}
