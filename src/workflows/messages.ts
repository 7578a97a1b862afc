/**
 * Update and query definitions of the tenant workflow, shared by the workflow and its clients
 * (CLI, tests) so names and types cannot drift apart.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TenantSettingsChange } from '../domain/tenant-settings.js';
import type { BackfillPreview, DateRange } from '../activities/contracts.js';
import type { AuditOutcome, BackfillState, RunSummary, SyncRunReport, TenantCarry, TenantStatusView } from './types.js';
import type { EntryLedger } from '../domain/ledger.js';

/**
 * ApplicationFailure type of a validator's rejection that means "already so": pausing a paused
 * tenant, resuming an active one, stopping a stopping one. Callers report it as a no-op.
 */
export const NO_CHANGE = 'NoChange';

export const statusQuery = defineQuery<TenantStatusView>('status');
/**
 * Settings and state a later start of the tenant carries over. Answered by closed executions
 * too (a worker replays them), so a terminated tenant is not forgotten either.
 */
export const carryQuery = defineQuery<TenantCarry>('carry');

export const pauseUpdate = defineUpdate<TenantStatusView>('pause');
export const resumeUpdate = defineUpdate<TenantStatusView>('resume');
/** Runs a cycle now; resolves with its summary (null when there was nothing to do). */
export const syncNowUpdate = defineUpdate<RunSummary | null>('syncNow');
/** Whole top-level settings, fully parsed by the client (see TenantSettingsChange); the handler only assigns them. */
export const updateConfigUpdate = defineUpdate<TenantStatusView, [TenantSettingsChange]>('updateConfig');
/**
 * Releases quarantined entries (all, or the listed ids) and runs a cycle. With `wait`, resolves
 * once that cycle is done, with its run (null when it had nothing to do or none came: stopped,
 * credentials rejected); without, at once, and `run` is absent (also from workers before `wait`).
 */
export const retryQuarantinedUpdate = defineUpdate<{ released: number; run?: RunSummary | null }, [{ entryIds?: string[]; wait?: boolean }]>('retryQuarantined');
/**
 * Audits the tenant's vendor state between two runs (never during one); with `repair`, hands what
 * it found repairable to a run at once, then audits again. Resolves when done.
 */
export const auditUpdate = defineUpdate<AuditOutcome, [{ repair?: boolean }]>('audit');
/** Starts a backfill of the days (inclusive); answers at once with its state (progress: the status query). */
export const backfillUpdate = defineUpdate<BackfillState, [DateRange]>('backfill');
/** What a backfill of the days would do, read from both vendors; nothing is written. */
export const previewBackfillUpdate = defineUpdate<BackfillPreview, [DateRange]>('previewBackfill');
/** Finishes the run in flight, then completes the workflow. */
export const stopUpdate = defineUpdate<TenantStatusView>('stop');

/** Progress of a run: its saga ledger per entry. */
export const runLedgerQuery = defineQuery<EntryLedger[]>('ledger');
/** A run's whole report, every entry included (its result names a bounded sample). */
export const runReportQuery = defineQuery<SyncRunReport>('report');
