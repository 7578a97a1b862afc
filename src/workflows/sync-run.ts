/**
 * One sync cycle of one tenant (child workflow `tenant/<id>/run/<n>`): plan → resolve earlier
 * writes of unknown outcome → remove periods of entries deleted in timr → in batches, post →
 * lock. The saga itself lives in `RunSaga` (run-saga.ts); this function only wires Temporal
 * into it: activity options per kind of call, the non-cancellable scope, the ledger query.
 * Every side effect is an activity whose completion is recorded in history, so replay never
 * repeats one.
 */
import {
  ActivityCancellationType,
  CancellationScope,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Priority } from '@temporalio/common';
import type { SyncActivities } from '../activities/index.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { describeFateCounts, fateCounts } from '../domain/entry-fates.js';
import { RUN_OUTCOME, runOutcomeKeyword, TENANT_ID } from '../domain/search-attributes.js';
import { tenantPriority } from './ids.js';
import { runLedgerQuery, runReportQuery } from './messages.js';
import { RunSaga, type RunActivities } from './run-saga.js';
import { runCountsPhrase } from './tenant-manager.js';
import type { SyncRunInput, SyncRunReport } from './types.js';

type Acts = SyncActivities;

/**
 * The patch behind the search attributes support queries in the UI: TenantId on runs (set by the
 * tenant at the start), RunOutcome when a run ends, QuarantinedCount and the RunOutcome keyword
 * as LastRunOutcome on tenants. Histories from before have none of these commands.
 */
export const UI_SEARCH_ATTRIBUTES_PATCH = 'ui-search-attributes';

/**
 * The patch behind tenant fairness: every activity and child workflow of a tenant carries the
 * tenant id as its fairness key (ids.ts). Eager dispatch stays on: a worker takes an activity
 * eagerly only while it has a free slot, i.e. when nothing waits; with its slots full every task
 * goes through the task queue's matching, where fairness applies. Measured side by side: others'
 * checks behind a 30-task backlog waited 0.27–0.41 s with eager dispatch on (13 s without keys),
 * while turning it off cost 25–220 ms per activity hop (a 145-entry run: 4.6 s instead of 3.4 s).
 * The patch's first version set allowEagerDispatch: false; replay does not compare it.
 * Histories from before schedule their commands without keys.
 */
export const TENANT_FAIRNESS_PATCH = 'tenant-fairness';

/** A tenant's fair turn on the task queue, for its activities and child workflows alike (nothing before the patch). */
export function fairTurn(tenantId: string): { priority?: Priority } {
  return patched(TENANT_FAIRNESS_PATCH) ? { priority: tenantPriority(tenantId) } : {};
}

export async function syncRunWorkflow(input: SyncRunInput): Promise<SyncRunReport> {
  const { settings } = input;
  const timeout = settings.activityTimeoutSeconds;
  // Every sync activity heartbeats by time for as long as an attempt runs, waits included
  // (activities/heartbeat.ts): a dead worker is noticed within one timeout, and the heartbeat's
  // answer is how a cancelled or timed-out attempt learns to stop writing.
  const base: ActivityOptions = {
    ...fairTurn(settings.tenantId),
    startToCloseTimeout: `${timeout}s`,
    heartbeatTimeout: `${timeout}s`,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      // Inputs recorded before this setting existed carry no value.
      maximumAttempts: settings.activityMaxAttempts ?? 8,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
    },
  };
  // A compensation must eventually happen: retry until the vendor is back (no attempt limit),
  // unless the credentials themselves are rejected (then its ids stay unresolved for the next run).
  const compensation: ActivityOptions = {
    ...base,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: [FailureType.AuthRejected] },
  };
  // A batch works through its entries one by one: it may take its entries' count times one
  // entry's time (see perEntry below; a batch's size comes from its plan, write-pacing.ts).
  const batch: ActivityOptions = {
    ...base,
    // If the run is cancelled (e.g. from the UI), wait for what the batch really did: its
    // posts are then recorded and compensated instead of left behind unknown.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
  // Planning and resolving read whole windows (many pages for a large tenant) and heartbeat.
  const reading: ActivityOptions = { ...base, startToCloseTimeout: `${timeout * 10}s` };

  const acts = proxyActivities<Acts>(base);
  const call =
    <K extends keyof Acts>(name: K, options: ActivityOptions) =>
    (arg: Parameters<Acts[K]>[0], summary: string) =>
      (acts[name] as unknown as { executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Awaited<ReturnType<Acts[K]>>> }).executeWithOptions(
        { ...options, summary },
        [arg],
      );
  const perEntry =
    <K extends 'postPeriods' | 'lockEntries'>(name: K) =>
    (arg: Parameters<Acts[K]>[0], summary: string) =>
      call(name, { ...batch, startToCloseTimeout: `${timeout * Math.max(1, arg.entries.length)}s` })(arg, summary);
  const activities: RunActivities = {
    plan: call('planSyncRun', reading),
    resolveWrites: call('resolveWrites', reading),
    post: perEntry('postPeriods'),
    lock: perEntry('lockEntries'),
    inspectLocks: call('inspectLocks', reading),
    removeDeleted: call('removePeriods', base),
    compensate: call('removePeriods', compensation),
  };

  const root = CancellationScope.current();
  const saga = new RunSaga(input, activities, {
    runId: workflowInfo().workflowId,
    nonCancellable: (fn) => CancellationScope.nonCancellable(fn),
    isCancelled: () => root.consideredCancelled,
  });
  setHandler(runLedgerQuery, () => saga.ledgers());
  // Every entry with its details, on demand (a worker answers it for closed runs too); the
  // result the tenant records names a bounded sample.
  setHandler(runReportQuery, () => saga.report());
  setCurrentDetails(`**${settings.tenantId}** sync run ${input.runNumber}: running (progress: the \`ledger\` query)`);
  const report = await saga.run();
  const keyword = runOutcomeKeyword(report.outcome, report.counts.quarantined);
  // TenantId again: a run its tenant started before the patch has none yet.
  if (patched(UI_SEARCH_ATTRIBUTES_PATCH)) upsertSearchAttributes([{ key: TENANT_ID, value: settings.tenantId }, { key: RUN_OUTCOME, value: keyword }]);
  // The UI's "current details": what became of the window's entries, without decoding the result.
  setCurrentDetails(
    [
      `**${settings.tenantId}** sync run ${input.runNumber}: **${keyword}**`,
      `Counts: ${runCountsPhrase(report.counts)}${report.error ? `; error: ${report.error}` : ''}`,
      `Entries: ${describeFateCounts(fateCounts(report.fates))}`,
      `Details: \`timr-sync report ${settings.tenantId} --run ${input.runNumber}\``,
    ].join('\n\n'),
  );
  return saga.result();
}
