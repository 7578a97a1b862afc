/**
 * State and reports of the sync workflows: what the status query shows, what a run returns,
 * what survives continue-as-new. Plain data, no secrets.
 */
import type { AuditResult, DateRange, EntryFates, EntryLabel, QuarantinedEntry, QuarantineSummary, RepairRequest, TypeDecision, UnresolvedWrite } from '../activities/contracts.js';
import type { TenantSettings } from '../domain/tenant-settings.js';

export type TenantStatus = 'active' | 'paused' | 'auth-failed' | 'stopping' | 'stopped';

export type RunOutcome = 'succeeded' | 'partial' | 'auth-failed' | 'failed';

export type EntryOutcome =
  /** Posted to Personio and locked in timr. */
  | 'transferred'
  /** Transferred before, edited by an admin, now replaced in Personio and locked again. */
  | 'updated'
  /** Unlocked but unchanged: locked again, Personio untouched. */
  | 'relocked'
  /** Deleted in timr: its Personio periods were removed. */
  | 'deleted'
  /** Data the vendors refuse or we cannot map: held until fixed (see reason). */
  | 'quarantined'
  /** timr reported a conflict while locking: compensated, retried next cycle. */
  | 'deferred'
  /** Failed after retries; nothing of it is left in Personio; retried next cycle. */
  | 'failed'
  /**
   * A write's outcome is unknown (its answer was lost): the tenant keeps it and the next run
   * reads both vendors and resolves it before anything else is written for that employee.
   */
  | 'unresolved'
  /** Not started because the run stopped (credentials rejected). */
  | 'not-started';

export interface EntryReport extends Partial<EntryLabel> {
  entryId: string;
  outcome: EntryOutcome;
  periodIds?: string[];
  reason?: string;
  retryable?: boolean;
  warnings?: string[];
}

export interface RunCounts {
  eligible: number;
  transferred: number;
  updated: number;
  relocked: number;
  deleted: number;
  quarantined: number;
  deferred: number;
  failed: number;
  unresolved: number;
  notStarted: number;
  compensations: number;
}

export interface SyncRunReport {
  tenantId: string;
  runId: string;
  outcome: RunOutcome;
  counts: RunCounts;
  /**
   * Per entry: every one in the run's `report` query (details on demand); in the result the
   * run hands to its tenant, a bounded sample (the counts and fates cover all).
   */
  entries: EntryReport[];
  /**
   * Entries quarantined by this run, to be held by the tenant (bounded by the hold room and the
   * chunk); in the result a sample with reasons, and every one of them in `hold`.
   */
  quarantined: QuarantinedEntry[];
  /** entryId → last_modified of every entry in `quarantined` (the result's sample may name fewer). */
  hold?: Record<string, string>;
  /** Quarantined entries beyond the hold room: count, digest and sample. Absent in older reports and when planning failed. */
  unheld?: QuarantineSummary;
  /** Where the deletion feed was read up to; null when this run could not advance it. */
  deletionWatermark: string | null;
  more: boolean;
  /** Held entries that need nothing any more; absent in reports of older versions. */
  releasedQuarantine?: string[];
  /** Entries settled without a lock (see TenantState.settled). */
  settled?: Record<string, string>;
  /** Writes whose outcome is still unknown after this run (carried ones included). */
  unresolved?: UnresolvedWrite[];
  authFailure?: string;
  /** Why the run could do nothing (planning failed); absent otherwise. */
  error?: string;
  /**
   * Every entry of the window this run saw: the plan's fates for those it wrote nothing for,
   * one per ledger entry for the rest. Absent in reports of older versions.
   */
  fates?: EntryFates;
  /** Non-attendance types the tenant has not decided on, as the plan saw them. */
  decisions?: TypeDecision[];
  /** Ids of the input's repair items this run is done with (the tenant drops them); absent without a repair. */
  repairSettled?: string[];
}

export interface RunSummary {
  runNumber: number;
  workflowId: string;
  startedAt: string;
  finishedAt: string;
  outcome: RunOutcome;
  counts?: RunCounts;
  error?: string;
}

/**
 * What every entry of the look-back window is, as last seen: from the latest run's report, or
 * from the latest cheap check when timr had nothing for a run. Bounded (counts plus samples).
 */
export interface WindowView {
  source: 'run' | 'check';
  /** The run it comes from (source 'run'). */
  runNumber?: number;
  /** When it was read. */
  at: string;
  /** The check's digest of it; absent for a run's view, so the next check sends its own. */
  digest?: string;
  fates: EntryFates;
  decisions: TypeDecision[];
  /**
   * Entries timr changed after this view was read, as the change checks since saw them (other
   * than a run's own locks): the view above is as of `at`, these are what moved since. An entry
   * changed twice in that time counts twice. Gone with the next full view.
   */
  changes?: { at: string; fates: EntryFates };
}

/**
 * A backfill (`timr-sync backfill`): entries of days beyond the look-back window, transferred by
 * backfill runs in the tenant's loop (one per cycle, a cycle right after the other, between the
 * regular ones) through the same ledger. Progress as of the latest backfill run.
 */
export interface BackfillState {
  number: number;
  from: string;
  to: string;
  requestedAt: string;
  /** `incomplete`: it stopped making progress (see reason); entries left are listed by `timr-sync backfill --dry-run`. */
  status: 'running' | 'done' | 'incomplete';
  runs: number;
  lastRun?: number;
  /** Entries of the range to book (finished attendances and Zeitausgleich), done or not; null before the first run. */
  total: number | null;
  /** Transferred (now or before), updated, relocked, quarantined or held. */
  done: number;
  quarantined: number;
  /** Pending beyond the chunk, deferred, failed, not started or unresolved. */
  remaining: number;
  /** Backfill runs in a row that transferred nothing. */
  stalled: number;
  finishedAt?: string;
  reason?: string;
}

/** What the tenant keeps of its latest audit (the audit workflow's result has the samples). */
export interface AuditSummary {
  number: number;
  workflowId: string;
  at: string;
  /** Started by the schedule (settings.auditIntervalHours), not by an operator. */
  scheduled: boolean;
  /** Absent when the audit could not run (see error). */
  clean?: boolean;
  counts?: AuditResult['counts'];
  /** Entries to transfer again plus deleted entries' periods to remove. */
  repairable?: number;
  error?: string;
}

/** The `audit` update's answer: the audit, and with `repair` the run that repaired and the audit after it. */
export interface AuditOutcome {
  audit: AuditResult | null;
  error?: string;
  repair?: {
    /** Items handed to the run(s). */
    requested: number;
    runs: RunSummary[];
    /** Items still carried (failed or deferred; retried by the next runs). */
    pending: number;
  };
  /** The audit after the repair. */
  verify?: AuditResult | null;
  verifyError?: string;
}

export interface TenantState {
  status: TenantStatus;
  /** Why the tenant is auth-failed, in words support can act on. */
  statusReason?: string;
  runCount: number;
  cycles: number;
  deletionWatermark: string | null;
  /**
   * A sample of the quarantined entries with their reasons (at most QUARANTINE_SAMPLE), held
   * ones first. In state of older versions: every quarantined entry, all of them held.
   */
  quarantined: QuarantinedEntry[];
  /**
   * Quarantined entries held back while unchanged in timr (entryId → last_modified), at most
   * HELD_LIMIT: not planned again until edited or retried. Absent in state of older versions.
   */
  held?: Record<string, string>;
  /** Quarantined entries in the window in all (held ones and those planning derives each run). */
  quarantineCount?: number;
  /** Digest of the quarantined entries not held (QuarantineSummary.digest), so the check knows them. */
  quarantineDigest?: string | null;
  /**
   * Entries whose periods were removed but which timr would not let us mark (e.g. retyped to a
   * type booked "by request"): entryId → last_modified, at most SETTLED_LIMIT. Not looked at
   * again until edited.
   */
  settled?: Record<string, string>;
  /** Writes whose outcome is unknown, until a run has resolved them against the vendors (bounded by the run saga). */
  unresolved?: UnresolvedWrite[];
  /** The window's entries by fate; absent in state of older versions and before the first check. */
  window?: WindowView;
  /** Where the next check starts reading what timr changed (WorkCheck.changeWatermark). */
  changeWatermark?: string | null;
  /** When a check last read the whole window; null or absent: the next check does (see fullReconcileHours). */
  lastFullPassAt?: string | null;
  /** The working-time types the last check saw. */
  typesDigest?: string | null;
  recentRuns: RunSummary[];
  nextSyncAt: string | null;
  syncRequested: boolean;
  /** Audits numbered so far (ids `tenant/<id>/audit/<n>` are never reused); absent in older state. */
  audits?: number;
  lastAudit?: AuditSummary;
  /** When the scheduled audit is due next (settings.auditIntervalHours); null/absent until the first cycle sets it. */
  nextAuditAt?: string | null;
  /** An audit's repair not done yet: carried into every run until the run reports it done. */
  repair?: RepairRequest;
  /** Backfills numbered so far; the latest (running or finished). */
  backfills?: number;
  backfill?: BackfillState;
}

export interface TenantWorkflowInput {
  settings: TenantSettings;
  /** Present when continuing as new. */
  state?: TenantState;
  /** Continue as new after this many cycles in one execution (default 500; tests use less). */
  continueAsNewAfterCycles?: number;
  /** Continue as new once the history has this many events (default MAX_HISTORY_EVENTS; tests use less). */
  continueAsNewAfterEvents?: number;
}

export interface TenantStatusView {
  tenantId: string;
  status: TenantStatus;
  statusReason?: string;
  settings: TenantSettings;
  nextSyncAt: string | null;
  runInFlight: string | null;
  runCount: number;
  /** Completed cycles (a cycle with nothing to do counts too). */
  cycles: number;
  recentRuns: RunSummary[];
  /** A bounded sample of the quarantined entries with reasons; all of them: listQuarantined (control). */
  quarantined: QuarantinedEntry[];
  /** Quarantined entries in the window in all (absent from workers of older versions: then `quarantined` is all of them). */
  quarantineCount?: number;
  /** Of those, held back while unchanged in timr (the rest planning derives again each run). */
  heldCount?: number;
  /** Writes of unknown outcome waiting to be resolved (normally empty). */
  unresolved: UnresolvedWrite[];
  /** Every entry of the look-back window by fate, and the types needing a decision; null before the first check. */
  window: WindowView | null;
  /** The latest audit; absent before the first (and from workers of older versions). */
  lastAudit?: AuditSummary;
  /** Repair items an audit handed over that no run has finished yet. */
  repairPending?: number;
  nextAuditAt?: string | null;
  /** The latest backfill, running or finished. */
  backfill?: BackfillState;
}

/** What a restarted tenant takes over from its previous execution (see restartedState). */
export interface TenantCarry {
  settings: TenantSettings;
  state: TenantState;
}

/** The workflow's result once stopped: its last status, and what a later start carries over. */
export interface TenantFinalView extends TenantStatusView {
  carry?: TenantCarry;
}

export interface SyncRunInput {
  settings: TenantSettings;
  runNumber: number;
  /** entryId → last_modified of entries the tenant holds back (quarantined or settled). */
  held?: Record<string, string>;
  /** How many quarantined entries the tenant can still hold (PlanInput.holdRoom). */
  holdRoom?: number;
  /** Inputs of older versions: the held entries as the full quarantine list plus the settled map. */
  quarantined?: QuarantinedEntry[];
  settled?: Record<string, string>;
  deletionWatermark: string | null;
  unresolved?: UnresolvedWrite[];
  /** An audit's repair still to do (TenantState.repair). */
  repair?: RepairRequest;
  /** A backfill run: these days instead of the look-back window. */
  range?: DateRange;
}
