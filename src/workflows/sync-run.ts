/**
 * One sync cycle of one tenant (child workflow `tenant/<id>/run/<n>`): plan → remove deleted →
 * per entry post → lock, with a saga ledger per entry in workflow state. Every side effect is
 * an activity whose completion is recorded in history, so replay never repeats one; posts
 * reconcile before writing on retries, so a write whose answer was lost is adopted, not
 * duplicated; compensations run in non-cancellable scopes and are recorded once.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  proxyActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { SyncActivities } from '../activities/index.js';
import type { LockResult, PlannedEntry, PostResult, QuarantinedEntry, SyncMetadata } from '../activities/contracts.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { applyLedgerEvent, isSettled, newLedgerEntry, newRemovalLedgerEntry, type EntryLedger, type LedgerEvent } from '../domain/ledger.js';
import { runLedgerQuery } from './messages.js';
import { forEachLimited } from './pool.js';
import type { EntryReport, RunCounts, SyncRunInput, SyncRunReport } from './types.js';

type Acts = SyncActivities;

function failureOf(err: unknown): ApplicationFailure | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof ApplicationFailure) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  const app = failureOf(err);
  if (app) return app.message;
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

const range = (item: { periods: { start: string; end: string }[] }) =>
  item.periods.length ? `${item.periods[0]!.start.slice(11, 16)}–${item.periods[item.periods.length - 1]!.end.slice(11, 16)}` : '';

export async function syncRunWorkflow(input: SyncRunInput): Promise<SyncRunReport> {
  const { settings } = input;
  const tenantId = settings.tenantId;
  const runId = workflowInfo().workflowId;
  const ref = { tenantId, credentialsRef: settings.credentialsRef };

  const base: ActivityOptions = {
    startToCloseTimeout: `${settings.activityTimeoutSeconds}s`,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      // Inputs recorded before this setting existed carry no value.
      maximumAttempts: settings.activityMaxAttempts ?? 8,
      nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
    },
  };
  // A compensation must eventually happen: retry until the vendor is back, unless the
  // credentials themselves are rejected (then the next run adopts or removes what is left).
  const compensationOptions: ActivityOptions = {
    ...base,
    // No maximumAttempts: unlimited.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: [FailureType.AuthRejected] },
  };
  const acts = proxyActivities<Acts>(base);
  const call = <K extends keyof Acts>(name: K, summary: string, args: Parameters<Acts[K]>, options: ActivityOptions = base) =>
    (acts[name] as unknown as { executeWithOptions(o: ActivityOptions, a: unknown[]): Promise<Awaited<ReturnType<Acts[K]>>> }).executeWithOptions(
      { ...options, summary },
      args,
    );

  const ledger = new Map<string, EntryLedger>();
  setHandler(runLedgerQuery, () => [...ledger.values()]);
  const record = (entryId: string, event: LedgerEvent) => {
    const current = ledger.get(entryId);
    if (!current) throw new Error(`ledger has no entry ${entryId}`);
    ledger.set(entryId, applyLedgerEvent(current, event));
  };
  /** A failure ends the entry's part in this run unless it already settled (e.g. compensated). */
  const recordFailure = (entryId: string, reason: string, retryable: boolean) => {
    const current = ledger.get(entryId);
    if (current && !isSettled(current)) record(entryId, { type: 'failed', reason, retryable });
  };

  const plan = await call('planSyncRun', `${tenantId}: plan run ${input.runNumber}`, [
    {
      ...ref,
      runId,
      sync: settings.sync,
      lookbackDays: settings.lookbackDays,
      chunkSize: settings.chunkSize,
      held: { ...input.settled, ...Object.fromEntries(input.quarantined.map((q) => [q.entryId, q.lastModified])) },
      deletionWatermark: input.deletionWatermark,
    },
  ]);

  const reports: EntryReport[] = [];
  const quarantined: QuarantinedEntry[] = [...plan.quarantined];
  for (const q of plan.quarantined) reports.push({ entryId: q.entryId, employee: q.employee, date: q.date, outcome: 'quarantined', reason: q.reason, retryable: false });
  let authFailure: string | undefined;
  let compensations = 0;
  const settled: Record<string, string> = {};
  let deletionsComplete = true;

  const label = (item: PlannedEntry) => `${tenantId}: ${item.employee}, ${item.date} ${range(item)}`;

  /** Deletes periods we created; never cancelled half-way, recorded once in the ledger. */
  const compensate = (item: PlannedEntry, periodIds: string[], why: string) =>
    CancellationScope.nonCancellable(async () => {
      record(item.entryId, { type: 'compensation-started', reason: why });
      await call('removePeriods', `${label(item)}: compensate (${why})`, [{ ...ref, entryId: item.entryId, periodIds }], compensationOptions);
      record(item.entryId, { type: 'compensated' });
      compensations++;
    });

  const post = async (item: PlannedEntry, reconcile: boolean): Promise<PostResult> => {
    const result = await call('postPeriods', `${label(item)}: post ${item.periods.length} period(s) to Personio`, [
      { ...ref, entryId: item.entryId, personId: item.personId, periods: item.periods, reconcile },
    ]);
    record(item.entryId, { type: 'posted', periodIds: result.periodIds });
    return result;
  };

  const lock = (item: PlannedEntry, periodIds: string[]): Promise<LockResult> => {
    const posted: SyncMetadata = { periodIds, personId: item.personId, fingerprint: item.fingerprint, run: runId };
    return call('lockEntry', `${label(item)}: lock in timr`, [{ ...ref, entryId: item.entryId, runId, sync: settings.sync, posted }]);
  };

  /** Post and lock one entry; when the locked content differs, compensate and post that instead. */
  const transfer = async (first: PlannedEntry): Promise<EntryReport> => {
    let item = first;
    let periodIds: string[] = item.kind === 'relock' ? (item.previous?.periodIds ?? []) : [];
    let phase: 'before-post' | 'posted' = item.kind === 'relock' ? 'posted' : 'before-post';
    const outcome = item.kind === 'new' ? 'transferred' : item.kind === 'retransfer' ? 'updated' : 'relocked';
    try {
      if (item.kind === 'retransfer' && item.previous?.periodIds.length) {
        await call('removePeriods', `${label(item)}: remove periods of the earlier transfer`, [{ ...ref, entryId: item.entryId, periodIds: item.previous.periodIds }]);
        record(item.entryId, { type: 'old-periods-removed' });
      }
      // At most a few rounds: each round means someone edited the entry during our lock.
      for (let round = 0; round < 3; round++) {
        if (phase === 'before-post') {
          periodIds = (await post(item, item.kind !== 'new' || round > 0)).periodIds;
          phase = 'posted';
        } else if (item.kind === 'relock') {
          record(item.entryId, { type: 'posted', periodIds });
        }
        const res = await lock(item, periodIds);
        if (res.outcome === 'locked') {
          record(item.entryId, { type: 'locked' });
          return { entryId: item.entryId, employee: item.employee, date: item.date, outcome: round > 0 ? 'updated' : outcome, periodIds, warnings: item.warnings };
        }
        // Locked with other content than we posted: remove ours, then post the locked content.
        await compensate(item, periodIds, 'entry edited while locking');
        periodIds = [];
        phase = 'before-post';
        if (!res.replan) {
          // The locked content is nothing to transfer (e.g. retyped to an absence): record that.
          const reason = res.reason ?? 'the locked entry is no longer an attendance to transfer';
          await call('lockEntry', `${label(item)}: record in timr that nothing is transferred`, [
            { ...ref, entryId: item.entryId, runId, sync: settings.sync, posted: { periodIds: [], personId: item.personId, fingerprint: item.fingerprint, run: runId } },
          ]);
          return { entryId: item.entryId, employee: item.employee, date: item.date, outcome: 'updated', periodIds: [], reason };
        }
        item = { ...res.replan, kind: 'retransfer' };
        record(item.entryId, { type: 'repost', fingerprint: item.fingerprint });
      }
      throw ApplicationFailure.nonRetryable(`entry ${item.entryId} kept changing while being locked`, FailureType.Conflict);
    } catch (err) {
      const failure = failureOf(err);
      const reason = messageOf(err);
      const type = failure?.type;
      const current = ledger.get(item.entryId);
      if (current?.state.name === 'posted' && item.kind !== 'relock' && periodIds.length > 0) {
        // Posted but not locked: take it back so Personio never holds an unlocked transfer.
        // If Personio itself refuses us now, the next run adopts what is left instead.
        try {
          await compensate(item, periodIds, type === FailureType.Conflict ? 'timr conflict while locking' : `lock failed: ${type ?? 'error'}`);
        } catch (compErr) {
          recordFailure(item.entryId, `compensation failed: ${messageOf(compErr)}`, true);
        }
      }
      const base = { entryId: item.entryId, employee: item.employee, date: item.date, reason };
      if (type === FailureType.RedirectedToRequest && item.periods.length === 0) {
        // Withdrawn (retyped to a type timr books by request): the periods are gone, and timr
        // will not take our mark. Remember it instead, so it is not withdrawn again every cycle.
        record(item.entryId, { type: 'locked' });
        settled[item.entryId] = item.lastModified;
        return { ...base, outcome: 'updated', periodIds: [] };
      }
      if (type === FailureType.AuthRejected) {
        authFailure ??= reason;
        recordFailure(item.entryId, reason, true);
        return { ...base, outcome: 'failed', retryable: true };
      }
      if (type === FailureType.Conflict || type === FailureType.NotFound) {
        recordFailure(item.entryId, reason, true);
        return { ...base, outcome: 'deferred', retryable: true };
      }
      if (type === FailureType.ValidationRejected || type === FailureType.RedirectedToRequest) {
        recordFailure(item.entryId, reason, false);
        quarantined.push({ entryId: item.entryId, employee: item.employee, date: item.date, reason, lastModified: item.lastModified });
        return { ...base, outcome: 'quarantined', retryable: false };
      }
      recordFailure(item.entryId, reason, true);
      return { ...base, outcome: 'failed', retryable: true };
    }
  };

  await forEachLimited(plan.deletions, settings.concurrency, async (d) => {
    if (authFailure) {
      deletionsComplete = false;
      return;
    }
    ledger.set(d.entryId, newRemovalLedgerEntry(d));
    try {
      await call('removePeriods', `${tenantId}: entry ${d.entryId} deleted in timr — remove ${d.periodIds.length} Personio period(s)`, [{ ...ref, entryId: d.entryId, periodIds: d.periodIds }]);
      record(d.entryId, { type: 'periods-removed' });
      reports.push({ entryId: d.entryId, outcome: 'deleted', periodIds: d.periodIds });
    } catch (err) {
      deletionsComplete = false;
      recordFailure(d.entryId, messageOf(err), true);
      if (failureOf(err)?.type === FailureType.AuthRejected) authFailure ??= messageOf(err);
      reports.push({ entryId: d.entryId, outcome: 'failed', reason: messageOf(err), retryable: true });
    }
  });

  for (const item of plan.entries) {
    const previousPeriodIds = item.kind === 'retransfer' ? item.previous?.periodIds : undefined;
    ledger.set(item.entryId, newLedgerEntry({ entryId: item.entryId, fingerprint: item.fingerprint, ...(previousPeriodIds && { previousPeriodIds }) }));
  }
  await forEachLimited(plan.entries, settings.concurrency, async (item) => {
    if (authFailure) {
      reports.push({ entryId: item.entryId, employee: item.employee, date: item.date, outcome: 'not-started', reason: 'run stopped: credentials rejected' });
      return;
    }
    reports.push(await transfer(item));
  });

  const counts: RunCounts = {
    eligible: plan.eligible,
    transferred: 0,
    updated: 0,
    relocked: 0,
    deleted: 0,
    quarantined: 0,
    deferred: 0,
    failed: 0,
    notStarted: 0,
    compensations,
  };
  for (const r of reports) {
    if (r.outcome === 'not-started') counts.notStarted++;
    else counts[r.outcome]++;
  }
  const outcome = authFailure ? 'auth-failed' : counts.failed + counts.deferred > 0 ? 'partial' : 'succeeded';
  return {
    tenantId,
    runId,
    outcome,
    counts,
    entries: reports,
    quarantined,
    deletionWatermark: deletionsComplete ? plan.deletionWatermark : null,
    more: plan.more,
    releasedQuarantine: plan.releasedQuarantine ?? [],
    settled,
    ...(authFailure !== undefined && { authFailure }),
  };
}
