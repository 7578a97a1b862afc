/**
 * The standing chaos soak: the whole product under fire for N minutes, then a settle and an
 * independent audit of both vendors' state.
 *
 *  chaos   the worker SIGKILLed at random at least once a minute (back after 0.5–3 s); the dev
 *          server restarted once on its SQLite file; vendor fault phases over a standing
 *          commit-then-drop baseline; people editing, unlocking, deleting and recording entries;
 *          one Personio credential rotation, answered by storing the new pair and `resume` once
 *          the tenant reports auth-failed.
 *  settle  faults cleared, killing stopped, a worker running, auth-failed tenants resumed; every
 *          tenant is driven with sync-now until two consecutive cycles had nothing to do.
 *  judge   `auditSync` over the raw sandbox state, failed/timed-out/terminated workflows and
 *          anything still running or not active.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { resumeTenant, startTenant, syncTenantNow, tenantStatus } from '../../control/tenants.js';
import type { TenantSettingsInput } from '../../domain/tenant-settings.js';
import type { LoggedRequest } from '../../sandbox/request-log.js';
import type { Seed } from '../../sandbox/seed.js';
import { auditClean, auditSync, auditTenantFromStatus, type SyncAudit } from '../../sandbox/sync-audit.js';
import type { RunSummary, TenantStatusView } from '../../workflows/types.js';
import { allDemoTenantSettings } from '../demo-tenants.js';
import { baselineRules, FaultLedger, planFaultPhases, type FaultPhase } from './fault-plan.js';
import { Humans } from './humans.js';
import { Random } from './random.js';
import { ChaosStack } from './stack.js';
import { errorText, Mutex, sleep, withTimeout } from './util.js';

export interface ChaosOptions {
  minutes: number;
  seed: number;
  /** The demo data set. */
  data: Seed;
  employees: number;
  days: number;
  intervalSeconds: number;
  activityTimeoutSeconds: number;
  httpTimeoutMs: number;
  settleSeconds: number;
  runDir: string;
  log: (msg: string) => void;
  /** Set by the CLI's signal handler: the soak stops where it is and shuts everything down. */
  interrupt: AbortSignal;
}

export interface ChaosResult {
  seed: number;
  minutes: number;
  tenants: number;
  employees: number;
  days: number;
  clean: boolean;
  audit: SyncAudit;
  faults: Record<string, Record<string, number>>;
  commitThenDrop: Record<string, { dropped: number; of: number; percent: number }>;
  kills: number;
  workerCrashes: number;
  devServerRestarts: number;
  rotations: number;
  rotation: RotationReport | null;
  humanActions: Record<string, number>;
  workflows: { failed: string[]; stuck: string[] };
  longestHistory: { workflowId: string; events: number };
  settle: { settled: boolean; seconds: number; cycles: Record<string, number>; unsettled: Record<string, string> };
  seconds: number;
  dataDir: string;
}

interface RotationReport {
  tenantId: string;
  vendor: 'personio';
  /** Seconds into the chaos. */
  at: number;
  authFailedAfterSeconds: number | null;
  statusReason?: string;
  resumed: boolean;
}

// A query right after a kill waits for the dead worker's sticky queue to time out (about 10 s).
const QUERY_TIMEOUT_MS = 20_000;
const SYNC_NOW_TIMEOUT_MS = 180_000;

export class InterruptedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'InterruptedError';
  }
}

/** Where an error nobody awaited goes while a soak runs (see guardProcess). */
let onStrayError: ((err: Error) => void) | undefined;
let guarded = false;

/**
 * An error thrown from a timer or an unawaited promise must end a soak as "could not run"
 * (exit 2) with everything shut down, not crash it with exit 1 as if the product had failed.
 * One known stray is harmless: gRPC retrying, from a timer, a call on a connection closed
 * meanwhile ("Channel has been shut down") — it is ignored for the life of the process.
 */
function guardProcess(log: (msg: string) => void): void {
  if (guarded) return;
  guarded = true;
  const handle = (raw: unknown) => {
    const err = raw instanceof Error ? raw : new Error(String(raw));
    if (/Channel has been shut down/.test(err.message)) return;
    if (onStrayError) onStrayError(err);
    else {
      log(`unexpected error: ${err.stack ?? err.message}`);
      process.exit(2);
    }
  };
  process.on('uncaughtException', handle);
  process.on('unhandledRejection', handle);
}

/** Counts of a run that mean it changed something (anything but looking and quarantining). */
function changedSomething(run: RunSummary): boolean {
  if (run.runNumber === 0 || run.outcome !== 'succeeded' || !run.counts) return true;
  return Object.entries(run.counts).some(([k, v]) => k !== 'eligible' && k !== 'quarantined' && typeof v === 'number' && v > 0);
}

const runKey = (r: RunSummary) => `${r.workflowId}@${r.finishedAt}`;

export async function runChaosSoak(opts: ChaosOptions): Promise<ChaosResult> {
  const { log, data } = opts;
  const started = Date.now();
  const chaosSeconds = Math.round(opts.minutes * 60);
  const tenantIds = data.tenants.map((t) => t.id);
  const elapsed = () => `+${Math.round((Date.now() - started) / 1000)}s`;
  const say = (msg: string) => log(`${elapsed()} ${msg}`);
  mkdirSync(opts.runDir, { recursive: true });

  guardProcess(say);
  // Stops everything in flight: Ctrl-C, or an error of the harness itself.
  const halt = new AbortController();
  let strayError: Error | undefined;
  onStrayError = (err) => {
    strayError ??= err;
    say(`harness error: ${err.stack ?? err.message}`);
    halt.abort();
  };
  const onInterrupt = () => {
    say('interrupted: shutting down the worker, the sandbox and the dev server…');
    halt.abort();
  };
  opts.interrupt.addEventListener('abort', onInterrupt, { once: true });
  const stack = await ChaosStack.start({ seed: data, runDir: opts.runDir, faultSeed: opts.seed, httpTimeoutMs: opts.httpTimeoutMs, log: say });
  try {
    const checkInterrupt = () => {
      if (strayError) throw new Error(`the soak's harness failed: ${strayError.message}`, { cause: strayError });
      if (opts.interrupt.aborted) throw new InterruptedError();
    };
    const client = (): Client => stack.client;
    /**
     * A call to Temporal with a gRPC deadline (so it ends by itself, never left retrying) and a
     * time limit on top (an update or query can wait on a worker that is down).
     */
    const call = <T>(what: string, ms: number, fn: (c: Client) => Promise<T>): Promise<T> => {
      const c = client();
      return withTimeout(c.withDeadline(Date.now() + ms, () => fn(c)), ms + 5_000, what);
    };
    const status = (tenantId: string) => call(`status of ${tenantId}`, QUERY_TIMEOUT_MS, (c) => tenantStatus(c, tenantId));

    await stack.workers.start();
    say(`worker up; dev server ${stack.port}, db ${path.relative(process.cwd(), stack.dbFile)}`);
    checkInterrupt();

    const ledger = new FaultLedger(stack.control);
    await ledger.install(baselineRules(opts.httpTimeoutMs));
    const phases = planFaultPhases(Random.stream(opts.seed, 'faults'), chaosSeconds, tenantIds, opts.httpTimeoutMs);
    writeFileSync(path.join(opts.runDir, 'fault-plan.json'), JSON.stringify({ baseline: baselineRules(opts.httpTimeoutMs), phases }, null, 2));

    const settings: TenantSettingsInput[] = allDemoTenantSettings(data, { intervalSeconds: opts.intervalSeconds, activityTimeoutSeconds: opts.activityTimeoutSeconds });
    for (const s of settings) await call(`start ${s.tenantId}`, 30_000, (c) => startTenant(c, s));
    say(`started ${settings.length} tenants (every ${opts.intervalSeconds} s); chaos for ${chaosSeconds} s, seed ${opts.seed}`);

    const chaosStart = Date.now();
    const chaosEnd = chaosStart + chaosSeconds * 1000;
    const chaos = new AbortController();
    const stopChaos = () => chaos.abort();
    halt.signal.addEventListener('abort', stopChaos, { once: true });
    const serverLock = new Mutex();
    const humans = new Humans(stack.control, Random.stream(opts.seed, 'humans'), data.tenants.map((t) => ({ tenantId: t.id, timezone: t.timezone })), chaosStart);

    const killer = async () => {
      const random = Random.stream(opts.seed, 'kills');
      for (;;) {
        await sleep(random.between(12, 42) * 1000, chaos.signal);
        if (chaos.signal.aborted) return;
        const downMs = random.between(500, 3_000);
        await serverLock.run(async () => {
          // Just restarted or still starting: wait for it to poll, then kill.
          for (let i = 0; i < 40 && !stack.workers.running && !chaos.signal.aborted; i++) await sleep(500);
          if (chaos.signal.aborted) return;
          if (await stack.workers.chaosKill()) say(`SIGKILL worker (kill ${stack.workers.kills}); back in ${(downMs / 1000).toFixed(1)} s`);
          await sleep(downMs);
          await stack.workers.start();
        });
      }
    };

    const serverRestart = async () => {
      const random = Random.stream(opts.seed, 'dev-server');
      await sleep(random.between(0.35, 0.65) * chaosSeconds * 1000, chaos.signal);
      if (chaos.signal.aborted) return;
      await serverLock.run(async () => {
        say('restarting the Temporal dev server (same port and db file; worker down with it)…');
        const { downSeconds } = await stack.restartDevServer();
        say(`dev server back after ${downSeconds.toFixed(1)} s; fresh worker polling`);
      });
    };

    const faultPhases = async () => {
      for (const phase of phases) {
        await sleep(chaosStart + phase.at * 1000 - Date.now(), chaos.signal);
        if (chaos.signal.aborted) return;
        const installed = await ledger.install(phase.rules);
        say(`fault phase ${describePhase(phase)}`);
        await sleep(phase.seconds * 1000, chaos.signal);
        await ledger.remove(installed);
        if (chaos.signal.aborted) return;
      }
    };

    const people = async () => {
      const random = Random.stream(opts.seed, 'human-pace');
      for (;;) {
        await sleep(random.between(1_000, 3_500), chaos.signal);
        if (chaos.signal.aborted) return;
        const done = await humans.act().catch((err) => void say(`human action failed: ${errorText(err)}`));
        if (done) say(`person: ${done.action} ${done.tenantId} ${done.entryId}${done.detail ? ` (${done.detail})` : ''}`);
      }
    };

    let rotation: RotationReport | null = null;
    const rotationDone = (async () => {
      const random = Random.stream(opts.seed, 'rotation');
      const tenant = random.pick(data.tenants);
      await sleep(random.between(0.2, 0.4) * chaosSeconds * 1000, chaos.signal);
      if (chaos.signal.aborted) return;
      const fresh = await stack.control.rotateCredentials('personio', tenant.id);
      const rotatedAt = Date.now();
      rotation = { tenantId: tenant.id, vendor: 'personio', at: Math.round((rotatedAt - chaosStart) / 1000), authFailedAfterSeconds: null, resumed: false };
      say(`customer regenerated the Personio credentials of ${tenant.id}; waiting for auth-failed`);
      // Give the tenant something to post, so its next cycle talks to Personio.
      await humans.act({ tenantId: tenant.id, timezone: tenant.timezone }, 'create').catch(() => undefined);
      const deadline = chaosEnd + Math.min(120_000, opts.settleSeconds * 500);
      while (Date.now() < deadline && !halt.signal.aborted) {
        const view = await status(tenant.id).catch(() => undefined);
        if (view?.status === 'auth-failed') {
          rotation.authFailedAfterSeconds = Math.round((Date.now() - rotatedAt) / 1000);
          if (view.statusReason !== undefined) rotation.statusReason = view.statusReason.slice(0, 300);
          say(`${tenant.id} is auth-failed after ${rotation.authFailedAfterSeconds} s (${(view.statusReason ?? '').slice(0, 120)})`);
          break;
        }
        await sleep(2_000, halt.signal);
      }
      if (rotation.authFailedAfterSeconds === null) say(`${tenant.id} never reported auth-failed after the rotation`);
      const current = await stack.secrets.get(tenant.id);
      await stack.secrets.put(tenant.id, { ...current, personio: fresh });
      for (let i = 0; i < 30 && !halt.signal.aborted; i++) {
        const view = await status(tenant.id).catch(() => undefined);
        if (view && view.status !== 'auth-failed') break;
        if (view) {
          const ok = await call(`resume ${tenant.id}`, QUERY_TIMEOUT_MS, (c) => resumeTenant(c, tenant.id)).then(
            () => true,
            (err) => void say(`resume ${tenant.id}: ${errorText(err)}`),
          );
          if (ok) {
            rotation.resumed = true;
            say(`stored the new Personio pair of ${tenant.id} and resumed it`);
            break;
          }
        }
        await sleep(2_000, halt.signal);
      }
    })().catch((err) => say(`rotation failed: ${errorText(err)}`));

    const ticker = async () => {
      for (;;) {
        await sleep(20_000, chaos.signal);
        if (chaos.signal.aborted) return;
        const views = await Promise.all(tenantIds.map((id) => status(id).catch(() => undefined)));
        const line = views.map((v, i) => (v ? `${v.tenantId} ${v.status} runs=${v.runCount}${v.runInFlight ? ' (running)' : ''}` : `${tenantIds[i]} ?`)).join(', ');
        say(`kills=${stack.workers.kills} restarts=${stack.devServerRestarts} people=${humans.log.length} | ${line}`);
      }
    };

    const timer = setTimeout(stopChaos, chaosSeconds * 1000);
    // The harness failing (no worker starts, the server does not come back, the sandbox control
    // API errs) ends the soak as "could not run", never as a verdict on the product.
    let harnessFailure: Error | undefined;
    const essential = (name: string, task: Promise<void>) =>
      task.catch((err: Error) => {
        harnessFailure ??= new Error(`chaos ${name} failed: ${errorText(err)}`, { cause: err });
        say(harnessFailure.message);
        stopChaos();
      });
    await Promise.all([
      essential('worker kills', killer()),
      essential('dev-server restart', serverRestart()),
      essential('fault phases', faultPhases()),
      people().catch((err) => say(`people stopped: ${errorText(err)}`)),
      ticker().catch(() => undefined),
    ]);
    clearTimeout(timer);
    checkInterrupt();
    if (harnessFailure) throw harnessFailure;

    // ── settle ──────────────────────────────────────────────────────────────────────────────
    const settleStart = Date.now();
    const settleDeadline = settleStart + opts.settleSeconds * 1000;
    say('chaos over: clearing faults, worker up, settling');
    await ledger.clearAll();
    await serverLock.run(() => stack.workers.start());
    await Promise.race([rotationDone, sleep(Math.max(0, settleDeadline - Date.now()), halt.signal)]);
    checkInterrupt();

    const cycles: Record<string, number> = {};
    const unsettled: Record<string, string> = {};
    const settleTenant = async (tenantId: string): Promise<boolean> => {
      let quiet = 0;
      cycles[tenantId] = 0;
      let why = 'settle timed out';
      while (Date.now() < settleDeadline && !halt.signal.aborted) {
        try {
          if (!stack.workers.running) await serverLock.run(() => stack.workers.start());
          const before = await status(tenantId);
          if (before.status === 'auth-failed') {
            say(`${tenantId} is auth-failed in the settle (${(before.statusReason ?? '').slice(0, 120)}); resuming`);
            await call(`resume ${tenantId}`, QUERY_TIMEOUT_MS, (c) => resumeTenant(c, tenantId));
            quiet = 0;
            continue;
          }
          if (before.status !== 'active') {
            why = `status ${before.status}`;
            await sleep(2_000, halt.signal);
            continue;
          }
          await call(`sync-now ${tenantId}`, Math.min(SYNC_NOW_TIMEOUT_MS, Math.max(1_000, settleDeadline - Date.now())), (c) => syncTenantNow(c, tenantId));
          const after = await status(tenantId);
          cycles[tenantId]!++;
          const seen = new Set(before.recentRuns.map(runKey));
          const fresh = after.recentRuns.filter((r) => !seen.has(runKey(r)));
          const isQuiet = after.status === 'active' && after.runInFlight === null && !fresh.some(changedSomething);
          quiet = isQuiet ? quiet + 1 : 0;
          if (!isQuiet) why = fresh.length ? `last cycle: ${fresh.map((r) => `${r.workflowId} ${r.outcome}`).join(', ')}` : `status ${after.status}`;
          if (quiet >= 2) return true;
        } catch (err) {
          quiet = 0;
          why = errorText(err);
          await sleep(2_000, halt.signal);
        }
      }
      unsettled[tenantId] = why;
      return false;
    };
    const settledAll = (await Promise.all(tenantIds.map(settleTenant))).every(Boolean);
    checkInterrupt();
    const settleSeconds = Math.round((Date.now() - settleStart) / 1000);
    say(settledAll ? `settled in ${settleSeconds} s` : `NOT settled after ${settleSeconds} s: ${JSON.stringify(unsettled)}`);

    // ── judge ───────────────────────────────────────────────────────────────────────────────
    const views: TenantStatusView[] = [];
    const stuck: string[] = [];
    for (const id of tenantIds) {
      const v = await status(id).catch(() => undefined);
      if (!v) stuck.push(`tenant/${id} (no status)`);
      else {
        views.push(v);
        if (v.status !== 'active') stuck.push(`tenant/${id} (${v.status}${v.statusReason ? `: ${v.statusReason.slice(0, 120)}` : ''})`);
        else if (unsettled[id]) stuck.push(`tenant/${id} (not settled: ${unsettled[id]!.slice(0, 160)})`);
      }
    }
    const [timrState, personioState] = await Promise.all([stack.control.state('timr'), stack.control.state('personio')]);
    const now = new Date();
    const audit = auditSync(timrState, personioState, views.map((v) => auditTenantFromStatus(v, now)));

    const ids = async (query: string) => {
      const out: string[] = [];
      for await (const wf of client().workflow.list({ query })) out.push(wf.workflowId);
      return out.sort();
    };
    const failed = await ids("ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'Canceled'");
    const runningTenants = new Set(await ids("WorkflowType = 'tenantSyncWorkflow' AND ExecutionStatus = 'Running'"));
    for (const id of tenantIds) if (!runningTenants.has(`tenant/${id}`)) stuck.push(`tenant/${id} (workflow not running)`);
    for (const id of await ids("WorkflowType = 'syncRunWorkflow' AND ExecutionStatus = 'Running'")) stuck.push(id);

    let longestHistory = { workflowId: '', events: 0 };
    for await (const wf of client().workflow.list()) {
      if (wf.historyLength > longestHistory.events) longestHistory = { workflowId: wf.workflowId, events: wf.historyLength };
    }

    const clean = auditClean(audit) && audit.waiting === 0 && failed.length === 0 && stuck.length === 0;
    const result: ChaosResult = {
      seed: opts.seed,
      minutes: opts.minutes,
      tenants: tenantIds.length,
      employees: opts.employees,
      days: opts.days,
      clean,
      audit,
      faults: ledger.firedByKind(),
      commitThenDrop: ledger.commitThenDrop(),
      kills: stack.workers.kills,
      workerCrashes: stack.workers.crashes,
      devServerRestarts: stack.devServerRestarts,
      rotations: rotation ? 1 : 0,
      rotation,
      humanActions: humans.summary(),
      workflows: { failed, stuck },
      longestHistory,
      settle: { settled: settledAll, seconds: settleSeconds, cycles, unsettled },
      seconds: Math.round((Date.now() - started) / 100) / 10,
      dataDir: path.relative(process.cwd(), opts.runDir),
    };

    // Everything needed to trace a violation back to the faults that caused it.
    const [timrRequests, personioRequests] = await Promise.all([stack.control.requests('timr'), stack.control.requests('personio')]);
    const dump = (name: string, value: unknown) => writeFileSync(path.join(opts.runDir, name), JSON.stringify(value, null, 1));
    dump('result.json', result);
    dump('timr-state.json', timrState);
    dump('personio-state.json', personioState);
    dump('timr-requests.json', timrRequests);
    dump('personio-requests.json', personioRequests);
    dump('tenants.json', views);
    dump('humans.json', humans.log);
    dump('diagnosis.json', diagnose(audit, humans.log, timrRequests, personioRequests, timrState));
    return result;
  } finally {
    opts.interrupt.removeEventListener('abort', onInterrupt);
    await stack.stop();
    onStrayError = undefined;
  }
}

function describePhase(phase: FaultPhase): string {
  if (phase.rules.length === 0) return `${phase.at}s–${phase.at + phase.seconds}s: quiet`;
  const rules = phase.rules.map((r) => `${r.vendor} ${r.rule.route ?? '*'} ${r.rule.fault.kind}${r.rule.tenantId && r.rule.tenantId !== '*' ? ` (${r.rule.tenantId})` : ''}`);
  return `${phase.at}s–${phase.at + phase.seconds}s: ${rules.join('; ')}`;
}

/**
 * Per audit sample: what people did to the entry and every vendor request that names it (timr
 * by entry id, Personio by period id), with the faults that fired on each — the trail that
 * says which fault led to a violation.
 */
function diagnose(audit: SyncAudit, humans: { entryId: string; action: string; at: number; detail?: string }[], timr: LoggedRequest[], personio: LoggedRequest[], timrState: unknown) {
  const entries = Object.values(timrState as Record<string, { workingTimes: { id: string; metadata?: Record<string, unknown> | null }[] }>).flatMap((t) => t.workingTimes);
  const periodIdsOf = (entryId: string): string[] => {
    const meta = entries.find((e) => e.id === entryId)?.metadata;
    const ids = JSON.stringify(meta ?? {}).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g);
    return [...new Set(ids ?? [])];
  };
  const trail = (needle: string, log: LoggedRequest[]) =>
    log.filter((r) => r.url.includes(needle)).map((r) => `${r.at} ${r.method} ${r.route} ${r.status}${r.dropped ? ' dropped' : ''}${r.faults ? ` [${r.faults.join(', ')}]` : ''}`);
  const ofEntry = (entryId: string) => ({
    entryId,
    people: humans.filter((h) => h.entryId === entryId || h.detail?.includes(entryId)),
    timr: trail(entryId, timr),
    periods: periodIdsOf(entryId).map((id) => ({ periodId: id, personio: trail(id, personio) })),
  });
  const ofPeriod = (periodId: string) => ({
    periodId,
    personio: trail(periodId, personio),
    claimedBy: entries.filter((e) => JSON.stringify(e.metadata ?? {}).includes(periodId)).map((e) => e.id),
  });
  const s = audit.samples;
  return {
    lost: s.lost.map(ofEntry),
    waiting: s.waiting.map(ofEntry),
    hoursMismatch: s.hoursMismatch.map((h) => ({ ...h, ...ofEntry(h.entryId) })),
    duplicated: s.duplicated.map(ofPeriod),
    orphaned: s.orphaned.map(ofPeriod),
    stale: s.stale.map(ofPeriod),
    doubleClaimed: s.doubleClaimed.map(ofPeriod),
  };
}
