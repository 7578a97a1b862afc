/**
 * One tenant's state and rules, as one class (the shape of the Temporal sample
 * safe-message-handlers' ClusterManager): every update's validator and handler, the status
 * view, what a cycle passes to its activities and child runs, and what survives
 * continue-as-new. `tenant-sync.ts` only registers the handlers and runs the loop, so these
 * rules are unit-tested without a server (test/workflows/tenant-manager.test.ts).
 *
 * Rules worth knowing:
 *  - a validator that finds the tenant already where the caller wants it (pause a paused one,
 *    resume an active one, stop a stopping one) rejects with a `NoChange` failure: the caller
 *    reports a no-op, and nothing enters history;
 *  - `stop` is final: no later outcome (an auth failure of the run in flight) overwrites it;
 *  - a sync-now is always answered: by the cycle it waits for, or with null once no further
 *    cycle will run (stopped, auth-failed); continue-as-new waits for it, never the reverse.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { AuditInput, AuditResult, DateRange, EntryFates, QuarantinedEntry, WindowFates } from '../activities/contracts.js';
import { describeFateCounts, fateCounts, FateTally } from '../domain/entry-fates.js';
import { runOutcomeKeyword, type RunOutcomeKeyword } from '../domain/search-attributes.js';
import { fullPassDue, fullReconcileHoursOf } from '../domain/tenant-config.js';
import type { TenantSettings, TenantSettingsChange } from '../domain/tenant-settings.js';
import { describeFindings } from '../domain/audit-findings.js';
import { auditWorkflowId, runWorkflowId } from './ids.js';
import { NO_CHANGE } from './messages.js';
import { checkSettingsChange } from './settings-validation.js';
import type { AuditOutcome, AuditSummary, BackfillState, RunCounts, RunSummary, SyncRunInput, SyncRunReport, TenantCarry, TenantFinalView, TenantState, TenantStatus, TenantStatusView, TenantWorkflowInput, WindowView } from './types.js';

const RECENT_RUNS = 10;
/**
 * Bounds of the tenant's state at any tenant size (issue 8): held quarantined entries (id and
 * last_modified, about 70 bytes each; room for one run of chunkSize, at most 500, stays free for
 * its refusals, so 1,000 keeps at least 500 for the rest), settled entries, and the sample of quarantined entries
 * kept with their reasons. Quarantined entries beyond the hold list are derived again by every
 * run; the check recognises them by digest, so they are not new work while unchanged.
 */
export const HELD_LIMIT = 1_000;
export const SETTLED_LIMIT = 500;
export const QUARANTINE_SAMPLE = 50;
/** Quarantined entries one plan hands over to be held (each comes with its reason). */
export const HOLD_PER_RUN = 100;
/** A run's error in the recent-runs list; the full text is in the run's own history. */
const MAX_ERROR_CHARS = 500;
/** Continue-as-new well before the server would force it, to keep the UI snappy. */
export const MAX_HISTORY_EVENTS = 2_000;
/** …and well below the server's 10 MB warning, whatever a cycle's runs report. */
export const MAX_HISTORY_BYTES = 2 * 1024 * 1024;
const DEFAULT_CYCLES_BEFORE_CONTINUE_AS_NEW = 500;
/** Scheduled audits of tenants whose settings predate auditIntervalHours. */
const DEFAULT_AUDIT_INTERVAL_HOURS = 24;
const HOUR_MS = 3_600_000;

function initialState(settings: TenantSettings, nowMs: number): TenantState {
  return {
    status: 'active',
    runCount: 0,
    cycles: 0,
    // Deletions older than the look-back window cannot concern entries we will transfer.
    deletionWatermark: new Date(nowMs - settings.lookbackDays * 86_400_000).toISOString(),
    quarantined: [],
    recentRuns: [],
    nextSyncAt: null,
    // A new tenant syncs right away; its first interval starts after that.
    syncRequested: true,
  };
}

/**
 * The state a tenant starts with when it is started again after a stop (or a termination):
 * everything it knows about the vendors — run numbering (run ids are never reused), quarantine,
 * settled entries, writes of unknown outcome, the deletion watermark, recent runs — carries over;
 * only the lifecycle starts afresh: active, syncing right away.
 */
export function restartedState(previous: TenantState): TenantState {
  const { statusReason: _reason, ...rest } = previous;
  return { ...rest, status: 'active', nextSyncAt: null, syncRequested: true };
}

/** "112 transferred, 2 waiting …; 2 working-time types need a decision" — for the Temporal UI. */
export function windowPhrase(window: WindowView | undefined): string | undefined {
  if (!window) return undefined;
  const n = window.decisions.length;
  const types = n === 0 ? '' : `; ${n} working-time type${n === 1 ? ' needs' : 's need'} a decision`;
  return `${describeFateCounts(fateCounts(window.fates))}${types}`;
}

/** The last `limit` entries of a map (the oldest are dropped: judged again next time). */
function capped(map: Record<string, string>, limit: number): Record<string, string> {
  const keys = Object.keys(map);
  return keys.length <= limit ? map : Object.fromEntries(keys.slice(keys.length - limit).map((k) => [k, map[k]!]));
}

/** "Backfill #2 2026-01-01 to 2026-03-31 running: 340 of 900 entries (38 %), 12 quarantined, 2 runs" */
export function backfillLine(b: BackfillState): string {
  const progress = b.total === null ? 'first run not finished' : `${b.done} of ${b.total} entries${b.total ? ` (${Math.floor((b.done / b.total) * 100)} %)` : ''}, ${b.quarantined} quarantined`;
  return `Backfill #${b.number} ${b.from} to ${b.to} ${b.status}: ${progress}, ${b.runs} run${b.runs === 1 ? '' : 's'}${b.reason ? ` (${b.reason})` : ''}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (d: unknown): d is string => typeof d === 'string' && DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
/** Backfill runs in a row without progress before a backfill gives up (e.g. every entry keeps failing). */
const BACKFILL_STALL_LIMIT = 3;

const noChange = (message: string) => ApplicationFailure.create({ type: NO_CHANGE, message, nonRetryable: true });

const clip = (text: string) => (text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text);

/** "12 transferred, 2 updated, 5 quarantined, 0 failed" — a run's counts, for the Temporal UI. */
export function runCountsPhrase(c: RunCounts): string {
  const parts: [number, string][] = [
    [c.transferred, 'transferred'],
    [c.updated, 'updated'],
    [c.relocked, 'relocked'],
    [c.deleted, 'deleted'],
    [c.quarantined, 'quarantined'],
    [c.failed, 'failed'],
    [c.deferred, 'deferred'],
    [c.unresolved, 'unresolved'],
    [c.notStarted, 'not started'],
  ];
  // Transferred, quarantined and failed always: "0 failed" is an answer support looks for.
  const always = new Set(['transferred', 'quarantined', 'failed']);
  return `${c.eligible} eligible: ${parts
    .filter(([n, label]) => n > 0 || always.has(label))
    .map(([n, label]) => `${n} ${label}`)
    .join(', ')}`;
}

/** The RunOutcome keyword of a recorded run (quarantined entries make a success "succeeded-with-quarantine"). */
export function runSummaryKeyword(run: RunSummary): RunOutcomeKeyword {
  return runOutcomeKeyword(run.outcome, run.counts?.quarantined ?? 0);
}

export interface TenantHooks {
  /**
   * Publishes the search attributes (status, last outcome, quarantine count); a no-op in unit
   * tests. `lastRunOutcome` is the run's outcome as recorded, `lastRunKeyword` its RunOutcome keyword.
   */
  publish(attributes: { tenantId: string; status: TenantStatus; lastRunOutcome: string; lastRunKeyword: string; quarantineCount: number }): void;
  /** Shows the tenant's "current details" (markdown) in the Temporal UI. */
  details?(markdown: string): void;
}

export class TenantManager {
  settings: TenantSettings;
  readonly state: TenantState;
  /** Workflow id of the child run in flight. */
  runInFlight: string | null = null;
  /** A cycle is running; a sync-now asked meanwhile waits for the next one. */
  private inCycle = false;
  /** The last run recorded in the current cycle (null when the cycle had nothing to do). */
  private cycleRun: RunSummary | null = null;
  private cyclesThisExecution = 0;
  /** Audit updates waiting for the loop (in memory: their handlers hold continue-as-new until answered). */
  private auditRequests: { id: number; repair: boolean }[] = [];
  private auditRequestSeq = 0;
  private readonly auditAnswers = new Map<number, AuditOutcome>();
  /** The schedule asked for an audit (report only). */
  private scheduledAudit = false;
  /** Audit ids found taken in a row (see auditIdTaken). */
  private takenAuditIds = 0;
  /** Run ids found taken in a row (see runIdTaken). */
  private takenRunIds = 0;
  readonly cyclesBeforeContinueAsNew: number;
  private readonly maxHistoryEvents: number;

  constructor(
    input: TenantWorkflowInput,
    private readonly hooks: TenantHooks,
    nowMs: number = Date.now(),
  ) {
    this.settings = input.settings;
    this.state = input.state ?? initialState(input.settings, nowMs);
    if (this.state.held === undefined) this.adoptLegacyQuarantine();
    this.cyclesBeforeContinueAsNew = input.continueAsNewAfterCycles ?? DEFAULT_CYCLES_BEFORE_CONTINUE_AS_NEW;
    this.maxHistoryEvents = input.continueAsNewAfterEvents ?? MAX_HISTORY_EVENTS;
  }

  /**
   * State of older versions listed every quarantined entry, all held: the first HELD_LIMIT stay
   * held, the rest are planned again by the next run (no digest yet, so the check calls it work).
   */
  private adoptLegacyQuarantine(): void {
    const s = this.state;
    const all = s.quarantined ?? [];
    s.held = Object.fromEntries(all.slice(0, HELD_LIMIT).map((q) => [q.entryId, q.lastModified]));
    s.quarantined = all.slice(0, QUARANTINE_SAMPLE);
    s.quarantineCount = all.length;
    s.quarantineDigest = null;
    if (s.settled) s.settled = capped(s.settled, SETTLED_LIMIT);
  }

  private get held(): Record<string, string> {
    return (this.state.held ??= {});
  }

  get tenantId(): string {
    return this.settings.tenantId;
  }

  get status(): TenantStatus {
    return this.state.status;
  }

  view(): TenantStatusView {
    const s = this.state;
    return {
      tenantId: this.tenantId,
      status: s.status,
      ...(s.statusReason !== undefined && { statusReason: s.statusReason }),
      settings: this.settings,
      nextSyncAt: s.status === 'active' ? s.nextSyncAt : null,
      runInFlight: this.runInFlight,
      runCount: s.runCount,
      cycles: s.cycles,
      recentRuns: s.recentRuns,
      quarantined: s.quarantined,
      quarantineCount: this.quarantineCount,
      heldCount: Object.keys(this.held).length,
      unresolved: s.unresolved ?? [],
      window: s.window ?? null,
      ...(s.lastAudit && { lastAudit: s.lastAudit }),
      repairPending: this.repairPending(),
      nextAuditAt: s.nextAuditAt ?? null,
      ...(s.backfill && { backfill: s.backfill }),
    };
  }

  publish(): void {
    const last = this.state.recentRuns[0];
    this.hooks.publish({
      tenantId: this.tenantId,
      status: this.state.status,
      lastRunOutcome: last?.outcome ?? 'none',
      lastRunKeyword: last ? runSummaryKeyword(last) : 'none',
      quarantineCount: this.quarantineCount,
    });
    this.hooks.details?.(this.details());
  }

  /** Quarantined entries in the window in all (state of older versions: the list is all of them). */
  get quarantineCount(): number {
    return this.state.quarantineCount ?? this.state.quarantined.length;
  }

  /**
   * The tenant's "current details" in the Temporal UI: status, next sync, the last run with its
   * counts, the quarantine, the window by fate and the decisions to make.
   */
  details(): string {
    const s = this.state;
    const last = s.recentRuns[0];
    const next = s.status === 'active' ? (s.nextSyncAt ? `next sync at ${s.nextSyncAt}` : this.inCycle ? 'syncing now' : 'next sync right away') : 'no sync scheduled';
    const lines = [`**${this.tenantId}** is **${s.status}**${s.statusReason ? ` (${s.statusReason})` : ''} · ${next}`];
    if (last) {
      const counts = last.counts ? ` — ${runCountsPhrase(last.counts)}` : '';
      const run = last.runNumber > 0 ? `run #${last.runNumber}` : 'check before a run';
      lines.push(`Last run: ${run} **${runSummaryKeyword(last)}** at ${last.finishedAt}${counts}${last.error ? `; error: ${last.error}` : ''}`);
    } else {
      lines.push('Last run: none yet');
    }
    const quarantined = this.quarantineCount;
    lines.push(quarantined > 0 ? `Quarantined entries: **${quarantined}** — see \`timr-sync quarantine ${this.tenantId}\`` : 'Quarantined entries: 0');
    const unresolved = s.unresolved?.length ?? 0;
    if (unresolved > 0) lines.push(`Writes of unknown outcome: ${unresolved} (resolved by the next run)`);
    const phrase = windowPhrase(s.window);
    if (phrase && s.window) lines.push(`Entries in the look-back window (${s.window.source === 'run' ? `run #${s.window.runNumber}` : 'check'} at ${s.window.at}): ${phrase}`);
    if (s.window?.changes) lines.push(`Changed in timr since (checks until ${s.window.changes.at}): ${describeFateCounts(fateCounts(s.window.changes.fates))}`);
    const decisions = s.window?.decisions ?? [];
    if (decisions.length) {
      const names = decisions.slice(0, 5).map((d) => `${d.name}${d.zeitausgleichHint ? ' (looks like Zeitausgleich)' : ''}`);
      lines.push(`Types needing a decision: ${names.join(', ')}${decisions.length > 5 ? ` and ${decisions.length - 5} more` : ''} — see \`timr-sync status ${this.tenantId}\``);
    }
    if (s.backfill) lines.push(backfillLine(s.backfill));
    const audit = s.lastAudit;
    if (audit) {
      const found = audit.error !== undefined ? `could not run (${audit.error})` : audit.counts ? describeFindings({ counts: audit.counts }) : 'clean';
      const pending = this.repairPending();
      lines.push(`Audit #${audit.number}${audit.scheduled ? ' (scheduled)' : ''} at ${audit.at}: ${found}${pending ? ` · ${pending} repair item(s) pending` : audit.repairable ? ` · repair: \`timr-sync audit ${this.tenantId} --repair\`` : ''}`);
    }
    return lines.join('\n\n');
  }

  /** The interval timer's summary: when, and what the window holds. */
  timerSummary(): string {
    const phrase = windowPhrase(this.state.window);
    return `next sync of ${this.tenantId} at ${this.state.nextSyncAt}${phrase ? ` · window: ${phrase}` : ''}`;
  }

  private setStatus(status: TenantStatus, reason?: string): void {
    this.state.status = status;
    this.state.statusReason = reason;
    this.publish();
  }

  // ---- updates: validate*() decides (and never changes state), the handler method applies ----

  validatePause(): void {
    const { status } = this.state;
    if (status === 'paused') throw noChange(`tenant ${this.tenantId} is already paused`);
    if (status !== 'active') throw new Error(`tenant ${this.tenantId} is ${status}; only an active tenant can be paused`);
  }

  pause(): TenantStatusView {
    this.setStatus('paused', 'paused by an operator');
    return this.view();
  }

  validateResume(): void {
    const { status } = this.state;
    if (status === 'active') throw noChange(`tenant ${this.tenantId} is already active; nothing to resume`);
    if (status !== 'paused' && status !== 'auth-failed') throw new Error(`tenant ${this.tenantId} is ${status}; only a paused or auth-failed tenant can be resumed`);
  }

  resume(): TenantStatusView {
    this.setStatus('active');
    // Continue where it stopped: entries left changeable are picked up right away.
    this.state.syncRequested = true;
    return this.view();
  }

  validateSyncNow(): void {
    const { status } = this.state;
    if (status === 'paused') throw new Error(`tenant ${this.tenantId} is paused; resume it first`);
    if (status === 'auth-failed') {
      throw new Error(`tenant ${this.tenantId} is auth-failed (${this.state.statusReason ?? 'credentials rejected'}); store new credentials, then resume`);
    }
    if (status !== 'active') throw new Error(`tenant ${this.tenantId} is ${status}`);
  }

  /** Asks for a cycle; returns the cycle count the caller waits for. */
  requestSync(): number {
    // A cycle already under way planned its work before this request: wait for the next one.
    const target = this.state.cycles + (this.inCycle ? 2 : 1);
    this.state.syncRequested = true;
    return target;
  }

  /** The cycle waited for is done, or none will come (stopped, credentials rejected). */
  syncAnswered(target: number): boolean {
    if (this.state.cycles >= target) return true;
    const { status } = this.state;
    return status === 'stopped' || status === 'auth-failed' || (status === 'stopping' && !this.inCycle);
  }

  syncAnswer(target: number): RunSummary | null {
    return this.state.cycles >= target ? this.cycleRun : null;
  }

  validateConfig(change: TenantSettingsChange): void {
    const { status } = this.state;
    if (status === 'stopping' || status === 'stopped') throw new Error(`tenant ${this.tenantId} is ${status}`);
    checkSettingsChange(this.settings, change);
  }

  /** Only assigns: the validator checked the change once, and this also runs on every replay. */
  applyConfig(change: TenantSettingsChange): TenantStatusView {
    // A new audit interval counts from the next cycle.
    if (change.auditIntervalHours !== undefined && change.auditIntervalHours !== this.settings.auditIntervalHours) this.state.nextAuditAt = null;
    this.settings = { ...this.settings, ...change };
    // New rules or window: every entry is judged again.
    this.fullPassNeeded();
    return this.view();
  }

  validateRetry(arg: { entryIds?: string[] } | undefined): void {
    if (this.state.status !== 'active') throw new Error(`tenant ${this.tenantId} is ${this.state.status}; resume it before retrying entries`);
    const known = (id: string) => id in this.held || this.state.quarantined.some((q) => q.entryId === id);
    // Beyond the sample the tenant cannot tell: the next run judges those entries anyway.
    const complete = (this.state.quarantineCount ?? 0) <= Object.keys(this.held).length + this.state.quarantined.filter((q) => !(q.entryId in this.held)).length;
    const unknown = (arg?.entryIds ?? []).filter((id) => !known(id));
    if (unknown.length && complete) throw new Error(`not quarantined for tenant ${this.tenantId}: ${unknown.join(', ')}`);
  }

  /** Releases held entries (all, or the named ones) and makes the next cycle plan again. */
  retry(arg: { entryIds?: string[] } | undefined): { released: number } {
    const s = this.state;
    const ids = arg?.entryIds ?? Object.keys(this.held);
    // Without ids every quarantined entry is judged again, held or not.
    const released = arg?.entryIds ? ids.filter((id) => id in this.held || s.quarantined.some((q) => q.entryId === id)).length : (s.quarantineCount ?? ids.length);
    this.dropQuarantined(ids);
    // A run plans again: what it still quarantines comes back with fresh verdicts.
    s.quarantineDigest = null;
    this.fullPassNeeded();
    s.syncRequested = true;
    return { released };
  }

  /** Releases held entries (a retry, or timr no longer needs them held): the next run judges them again. */
  private dropQuarantined(ids: readonly string[]): void {
    const s = this.state;
    const gone = new Set(ids.filter((id) => id in this.held));
    for (const id of gone) delete this.held[id];
    s.quarantined = s.quarantined.filter((q) => !gone.has(q.entryId));
    s.quarantineCount = Math.max(0, (s.quarantineCount ?? 0) - gone.size);
  }


  validateStop(): void {
    const { status } = this.state;
    if (status === 'stopping') throw noChange(`tenant ${this.tenantId} is already stopping`);
    if (status === 'stopped') throw noChange(`tenant ${this.tenantId} is already stopped`);
  }

  stop(): TenantStatusView {
    this.setStatus('stopping', this.runInFlight ? `finishing ${this.runInFlight}` : undefined);
    return this.view();
  }

  // ---- the loop ----

  stopRequested(): boolean {
    return this.state.status === 'stopping';
  }

  /** An active tenant with a sync asked for (by the interval, an operator or a resume). */
  cycleWanted(): boolean {
    return this.state.status === 'active' && this.state.syncRequested;
  }

  /** Sets the next sync time; returns how long to wait for it. */
  scheduleNext(nowMs: number): number {
    const at = nowMs + this.settings.intervalSeconds * 1000;
    this.state.nextSyncAt = new Date(at).toISOString();
    // The details name the next sync (setting them is no command: replay is unaffected).
    this.hooks.details?.(this.details());
    return at - nowMs;
  }

  beginCycle(): void {
    this.state.syncRequested = false;
    this.state.nextSyncAt = null;
    this.inCycle = true;
    this.cycleRun = null;
    this.hooks.details?.(this.details());
  }

  endCycle(): void {
    this.inCycle = false;
    this.state.cycles += 1;
    this.cyclesThisExecution += 1;
  }

  /**
   * The cycle's check reads only what timr changed (a quiet tenant's usual cycle), not the whole
   * window: short enough to run as a local activity. The check applies the same rule itself.
   */
  changeCheckDue(nowMs: number): boolean {
    return !fullPassDue(this.state, fullReconcileHoursOf(this.settings.sync), nowMs);
  }

  /** Input of the cheap check at the start of a cycle. */
  checkInput() {
    const s = this.settings;
    return {
      tenantId: this.tenantId,
      credentialsRef: s.credentialsRef,
      sync: s.sync,
      lookbackDays: s.lookbackDays,
      held: { ...this.state.settled, ...this.held },
      deletionWatermark: this.state.deletionWatermark,
      // Quarantined entries the tenant does not hold are no new work while unchanged.
      quarantineDigest: this.state.quarantineDigest ?? null,
      // An unchanged view is not sent again (a quiet tenant's history grows by a digest per cycle).
      windowDigest: this.state.window?.digest ?? null,
      // Between full passes the check reads only what changed since this instant.
      changeWatermark: this.state.changeWatermark ?? null,
      lastFullPassAt: this.state.lastFullPassAt ?? null,
      typesDigest: this.state.typesDigest ?? null,
      // For the worker's metrics only (workflow code records none itself).
      unresolvedWrites: this.state.unresolved?.length ?? 0,
    };
  }

  /**
   * What the check saw: where the next one reads changes from, and the window — all of it after
   * a full pass (sent when it changed), or the fates of what changed since.
   */
  recordCheck(
    check: { windowDigest?: string; window?: WindowFates; fullPass?: boolean; changeWatermark?: string; typesDigest?: string; changes?: EntryFates; deletionWatermark?: string },
    at: string,
  ): void {
    const s = this.state;
    if (check.changeWatermark !== undefined) s.changeWatermark = check.changeWatermark;
    if (check.typesDigest !== undefined) s.typesDigest = check.typesDigest;
    if (check.deletionWatermark !== undefined) s.deletionWatermark = check.deletionWatermark;
    if (check.fullPass) s.lastFullPassAt = at;
    if (check.window) {
      s.window = { source: 'check', at, ...(check.windowDigest !== undefined && { digest: check.windowDigest }), ...check.window };
    } else if (check.fullPass && s.window) {
      // Read in full and found as shown: the view is as of now, nothing changed since.
      const { changes: _changes, ...view } = s.window;
      s.window = { ...view, at };
    } else if (check.changes && s.window) {
      s.window = { ...s.window, changes: { at, fates: new FateTally(s.window.changes?.fates, check.changes).result() } };
    } else {
      return;
    }
    this.hooks.details?.(this.details());
  }

  /** The next check reads the whole window (what changed alone no longer tells the whole story). */
  private fullPassNeeded(): void {
    this.state.lastFullPassAt = null;
  }

  /** Writes of unknown outcome need a run even when timr has nothing new (e.g. the entry was deleted). */
  runNeeded(check: { hasWork: boolean }): boolean {
    return check.hasWork || (this.state.unresolved?.length ?? 0) > 0 || this.repairPending() > 0;
  }

  /**
   * The run id was taken already: this tenant was started again without its earlier state (it
   * could not be read). Skip ahead with a doubling gap, so a tenant with thousands of earlier
   * runs finds a free number in a handful of tries; numbers stay unique, gaps are harmless.
   */
  runIdTaken(): void {
    this.takenRunIds += 1;
    this.state.runCount += 2 ** (this.takenRunIds - 1) - 1;
  }

  runStarted(): void {
    this.takenRunIds = 0;
  }

  /** Numbers the next run. */
  nextRun(range?: DateRange): { runNumber: number; workflowId: string; input: SyncRunInput } {
    this.state.runCount += 1;
    const runNumber = this.state.runCount;
    const s = this.state;
    return {
      runNumber,
      workflowId: runWorkflowId(this.tenantId, runNumber),
      input: {
        settings: this.settings,
        runNumber,
        held: { ...s.settled, ...this.held },
        // Room for this run's refusals (at most one chunk) stays free; a run hands over at most HOLD_PER_RUN.
        holdRoom: Math.max(0, Math.min(HOLD_PER_RUN, HELD_LIMIT - this.settings.chunkSize - Object.keys(this.held).length)),
        deletionWatermark: s.deletionWatermark,
        unresolved: s.unresolved ?? [],
        ...(s.repair && { repair: s.repair }),
        ...(range && { range }),
      },
    };
  }

  /** Held entries that need nothing any more (the check or a run found them deleted, retyped, done). */
  release(ids: readonly string[] | undefined): void {
    if (!ids?.length) return;
    this.dropQuarantined(ids);
    if (this.state.settled) for (const id of ids) delete this.state.settled[id];
  }

  recordRun(summary: RunSummary, report?: SyncRunReport, opts: { backfill?: boolean } = {}): void {
    const s = this.state;
    const entry = summary.error !== undefined ? { ...summary, error: clip(summary.error) } : summary;
    s.recentRuns = [entry, ...s.recentRuns].slice(0, RECENT_RUNS);
    if (!opts.backfill) this.cycleRun = entry;
    if (report && opts.backfill) {
      // A backfill run saw other days than the window: its quarantine, fates and releases are the
      // backfill's progress, not the tenant's; what it left unknown is the tenant's like any run's.
      if (report.settled && Object.keys(report.settled).length) s.settled = capped({ ...s.settled, ...report.settled }, SETTLED_LIMIT);
      if (report.deletionWatermark) s.deletionWatermark = report.deletionWatermark;
      s.unresolved = report.unresolved ?? s.unresolved ?? [];
      if (report.repairSettled) this.settleRepair(report.repairSettled);
    } else if (report) {
      this.release(report.releasedQuarantine);
      if (report.settled && Object.keys(report.settled).length) s.settled = capped({ ...s.settled, ...report.settled }, SETTLED_LIMIT);
      this.recordQuarantine(report);
      if (report.deletionWatermark) s.deletionWatermark = report.deletionWatermark;
      // The run resolved what it could of the carried writes; what it reports is what is left.
      s.unresolved = report.unresolved ?? s.unresolved ?? [];
      // The run's view replaces the check's; without a digest, the next check sends its own.
      if (report.fates) s.window = { source: 'run', runNumber: summary.runNumber, at: summary.finishedAt, fates: report.fates, decisions: report.decisions ?? [] };
      if (report.repairSettled) this.settleRepair(report.repairSettled);
    }
    // Work left behind (deferred, failed, not started, beyond the chunk) is unchanged in timr: only
    // a full pass finds it again. So does a failed check or plan.
    if (summary.outcome !== 'succeeded' || report?.more) this.fullPassNeeded();
    this.publish();
  }

  // ---- backfills ----

  validateBackfill(range: DateRange | undefined, opts: { preview?: boolean } = {}): void {
    const { status } = this.state;
    if (!range || !isDate(range.from) || !isDate(range.to)) throw new Error('backfill expects { from: YYYY-MM-DD, to: YYYY-MM-DD }');
    if (range.from > range.to) throw new Error(`backfill: from (${range.from}) is after to (${range.to})`);
    if (opts.preview) {
      if (status === 'stopping' || status === 'stopped') throw new Error(`tenant ${this.tenantId} is ${status}`);
      return;
    }
    if (status !== 'active') throw new Error(`tenant ${this.tenantId} is ${status}; backfills run in an active tenant's loop${status === 'paused' || status === 'auth-failed' ? ' — resume it first' : ''}`);
    const b = this.state.backfill;
    if (b?.status === 'running') {
      if (b.from === range.from && b.to === range.to) throw noChange(`backfill #${b.number} of ${b.from} to ${b.to} is already running`);
      throw new Error(`backfill #${b.number} of ${b.from} to ${b.to} is running (${b.done} of ${b.total ?? '?'} entries); wait for it (timr-sync status ${this.tenantId})`);
    }
  }

  /** Starts a backfill: the loop runs its runs one per cycle, a cycle right after the other. */
  startBackfill(range: DateRange, nowMs: number): BackfillState {
    const s = this.state;
    s.backfills = (s.backfills ?? 0) + 1;
    s.backfill = { number: s.backfills, from: range.from, to: range.to, requestedAt: new Date(nowMs).toISOString(), status: 'running', runs: 0, total: null, done: 0, quarantined: 0, remaining: 0, stalled: 0 };
    s.syncRequested = true;
    this.publish();
    return s.backfill;
  }

  /** The range of the running backfill, if one runs and the tenant may write. */
  backfillRange(): DateRange | undefined {
    const b = this.state.backfill;
    return b?.status === 'running' && this.state.status === 'active' ? { from: b.from, to: b.to } : undefined;
  }

  /** Progress after one backfill run (its fates over the range), and whether it goes on. */
  recordBackfillRun(runNumber: number, report: SyncRunReport | undefined, nowMs: number): void {
    const b = this.state.backfill;
    if (!b || b.status !== 'running') return;
    b.runs += 1;
    b.lastRun = runNumber;
    let progressed = false;
    if (report?.fates) {
      const c = fateCounts(report.fates);
      b.done = c.transferred + c.updated + c.relocked + c.quarantined + c.held;
      b.remaining = c.pending + c.deferred + c.failed + c['not-started'] + c.unresolved;
      b.total = b.done + b.remaining;
      b.quarantined = c.quarantined + c.held;
      const k = report.counts;
      progressed = k.transferred + k.updated + k.relocked > 0;
    }
    b.stalled = progressed ? 0 : b.stalled + 1;
    if (report?.fates && b.remaining === 0) {
      b.status = 'done';
      b.finishedAt = new Date(nowMs).toISOString();
      delete b.reason;
    } else if (b.stalled >= BACKFILL_STALL_LIMIT) {
      b.status = 'incomplete';
      b.finishedAt = new Date(nowMs).toISOString();
      b.reason = `${BACKFILL_STALL_LIMIT} backfill runs in a row transferred nothing${report?.error ? `: ${clip(report.error)}` : ''}; see the runs' reports, fix the cause and start it again`;
    } else {
      // The next backfill run comes with the next cycle, right away.
      this.state.syncRequested = true;
    }
    this.publish();
  }

  /** Input of the dry run's activity: the range planned with the tenant's settings. */
  previewInput(range: DateRange) {
    const s = this.settings;
    return { tenantId: this.tenantId, credentialsRef: s.credentialsRef, sync: s.sync, lookbackDays: s.lookbackDays, chunkSize: s.chunkSize, held: {}, deletionWatermark: this.state.deletionWatermark, range };
  }

  // ---- audits and repairs ----

  validateAudit(arg: { repair?: boolean } | undefined): void {
    const { status } = this.state;
    if (status === 'auth-failed') throw new Error(`tenant ${this.tenantId} is auth-failed (${this.state.statusReason ?? 'credentials rejected'}); store new credentials, then resume`);
    if (status !== 'active') throw new Error(`tenant ${this.tenantId} is ${status}; audits run in an active tenant's loop between its runs${status === 'paused' ? ' — resume it first' : ''}`);
    if (arg !== undefined && arg !== null && typeof arg !== 'object') throw new Error('audit expects { repair?: boolean }');
  }

  /** Queues an audit for the loop (after the next cycle's runs); returns the request id to wait for. */
  requestAudit(arg: { repair?: boolean } | undefined): number {
    const id = ++this.auditRequestSeq;
    this.auditRequests.push({ id, repair: arg?.repair === true });
    // The loop wakes for a cycle; the audit follows its runs, so it never reads a run half-done.
    this.state.syncRequested = true;
    return id;
  }

  auditWanted(): boolean {
    return this.auditRequests.length > 0 || this.scheduledAudit;
  }

  /** All waiting requests are served by one audit (a repair if any asked for one). */
  takeAuditRequests(): { ids: number[]; repair: boolean; scheduled: boolean } {
    const taken = this.auditRequests;
    const scheduled = this.scheduledAudit && taken.length === 0;
    this.auditRequests = [];
    this.scheduledAudit = false;
    return { ids: taken.map((r) => r.id), repair: taken.some((r) => r.repair), scheduled };
  }

  answerAudits(ids: readonly number[], outcome: AuditOutcome): void {
    for (const id of ids) this.auditAnswers.set(id, outcome);
  }

  /** Answered, or no audit will come (stopped, credentials rejected). */
  auditAnswered(id: number): boolean {
    if (this.auditAnswers.has(id)) return true;
    const { status } = this.state;
    const waiting = this.auditRequests.some((r) => r.id === id);
    return waiting && (status === 'stopped' || status === 'auth-failed' || status === 'paused' || (status === 'stopping' && !this.inCycle));
  }

  auditAnswer(id: number): AuditOutcome {
    const answer = this.auditAnswers.get(id);
    this.auditAnswers.delete(id);
    if (answer) return answer;
    this.auditRequests = this.auditRequests.filter((r) => r.id !== id);
    return { audit: null, error: `tenant ${this.tenantId} is ${this.state.status}; no audit ran` };
  }

  /**
   * The schedule (settings.auditIntervalHours, 0 = off): the first audit comes one interval after
   * the first cycle (or after an upgrade from a version without audits), then every interval.
   */
  scheduledAuditDue(nowMs: number): boolean {
    const hours = this.settings.auditIntervalHours ?? DEFAULT_AUDIT_INTERVAL_HOURS;
    if (!(hours > 0)) return false;
    const s = this.state;
    if (!s.nextAuditAt) {
      s.nextAuditAt = new Date(nowMs + hours * HOUR_MS).toISOString();
      return false;
    }
    return nowMs >= Date.parse(s.nextAuditAt);
  }

  requestScheduledAudit(): void {
    this.scheduledAudit = true;
  }

  /** Numbers the next audit and builds its input. */
  nextAudit(): { number: number; workflowId: string; input: AuditInput } {
    const s = this.state;
    s.audits = (s.audits ?? 0) + 1;
    return {
      number: s.audits,
      workflowId: auditWorkflowId(this.tenantId, s.audits),
      input: {
        tenantId: this.tenantId,
        credentialsRef: this.settings.credentialsRef,
        sync: this.settings.sync,
        lookbackDays: this.settings.lookbackDays,
        quarantinedEntryIds: [...new Set([...Object.keys(this.held), ...s.quarantined.map((q) => q.entryId)])],
        unresolved: s.unresolved ?? [],
      },
    };
  }

  /** The audit id was taken (a restart without the earlier state): skip ahead, as runIdTaken does. */
  auditIdTaken(): void {
    this.takenAuditIds += 1;
    this.state.audits = (this.state.audits ?? 0) + 2 ** (this.takenAuditIds - 1) - 1;
  }

  recordAudit(summary: AuditSummary, nowMs: number): void {
    this.takenAuditIds = 0;
    this.state.lastAudit = summary;
    const hours = this.settings.auditIntervalHours ?? DEFAULT_AUDIT_INTERVAL_HOURS;
    if (hours > 0) this.state.nextAuditAt = new Date(nowMs + hours * HOUR_MS).toISOString();
    this.publish();
  }

  /** Hands an audit's repairable findings to the next runs; returns how many items are pending now. */
  queueRepair(result: AuditResult): number {
    const s = this.state;
    const current = s.repair ?? { replace: {}, remove: [] };
    const remove = new Map(current.remove.map((r) => [r.entryId, r]));
    for (const r of result.repair.remove) remove.set(r.entryId, r);
    const next = { replace: { ...current.replace, ...result.repair.replace }, remove: [...remove.values()] };
    if (Object.keys(next.replace).length + next.remove.length > 0) s.repair = next;
    return this.repairPending();
  }

  repairPending(): number {
    const r = this.state.repair;
    return r ? Object.keys(r.replace).length + r.remove.length : 0;
  }

  private settleRepair(ids: readonly string[]): void {
    const r = this.state.repair;
    if (!r) return;
    const done = new Set(ids);
    const replace = Object.fromEntries(Object.entries(r.replace).filter(([id]) => !done.has(id)));
    const remove = r.remove.filter((x) => !done.has(x.entryId));
    if (Object.keys(replace).length + remove.length === 0) delete this.state.repair;
    else this.state.repair = { replace, remove };
  }

  /**
   * The run's quarantine: what it quarantined is held (the plan handed over only what fits, the
   * run's own refusals fit in the room kept free); what it summarised replaces the last summary.
   */
  private recordQuarantine(report: SyncRunReport): void {
    const s = this.state;
    const held = this.held;
    const toHold = report.hold ?? Object.fromEntries(report.quarantined.map((q) => [q.entryId, q.lastModified]));
    for (const [id, lastModified] of Object.entries(toHold)) if (id in held || Object.keys(held).length < HELD_LIMIT) held[id] = lastModified;
    const heldNow = (q: QuarantinedEntry) => held[q.entryId] === q.lastModified;
    const fresh = report.quarantined.filter(heldNow);
    const freshIds = new Set(fresh.map((q) => q.entryId));
    const keptHeld = s.quarantined.filter((q) => heldNow(q) && !freshIds.has(q.entryId));
    const planned = report.unheld !== undefined;
    // A report of an older version (no summary) quarantined everything it knew: it is all held.
    const unheld = report.unheld ?? { count: 0, digest: null, sample: [] };
    if (!planned && Object.keys(toHold).length === 0) return;
    s.quarantined = [...fresh, ...keptHeld, ...unheld.sample.filter((q) => !(q.entryId in held))].slice(0, QUARANTINE_SAMPLE);
    s.quarantineCount = Object.keys(held).length + unheld.count;
    if (planned) s.quarantineDigest = unheld.digest;
  }

  /**
   * The credentials were refused. The tenant waits for new ones and a resume — unless an
   * operator asked it to stop meanwhile: a stop is never overwritten (the run's own record keeps
   * the auth failure).
   */
  authFailed(reason: string): void {
    if (this.state.status === 'stopping' || this.state.status === 'stopped') return;
    this.setStatus('auth-failed', reason);
  }

  /** Another child run in this cycle: a chunked backfill goes on while it makes progress. */
  continueCycle(report: SyncRunReport): boolean {
    const c = report.counts;
    const progressed = c.transferred + c.updated + c.relocked + c.deleted > 0;
    return report.more && progressed && this.state.status === 'active';
  }

  continueAsNewDue(info: { continueAsNewSuggested: boolean; historyLength: number; historySize?: number }): boolean {
    return (
      info.continueAsNewSuggested ||
      info.historyLength > this.maxHistoryEvents ||
      (info.historySize ?? 0) > MAX_HISTORY_BYTES ||
      this.cyclesThisExecution >= this.cyclesBeforeContinueAsNew
    );
  }

  continueAsNewInput(): TenantWorkflowInput {
    return {
      settings: this.settings,
      state: this.state,
      continueAsNewAfterCycles: this.cyclesBeforeContinueAsNew,
      ...(this.maxHistoryEvents !== MAX_HISTORY_EVENTS && { continueAsNewAfterEvents: this.maxHistoryEvents }),
    };
  }

  carry(): TenantCarry {
    return { settings: this.settings, state: this.state };
  }

  stopped(): TenantFinalView {
    this.state.status = 'stopped';
    this.state.statusReason = 'stopped by an operator';
    this.publish();
    return { ...this.view(), carry: this.carry() };
  }
}
