/**
 * One sync cycle of one tenant (child workflow `tenant/<id>/run/<n>`): plan → remove periods of
 * entries deleted in timr → in batches, post → lock, with a saga ledger per entry in workflow
 * state. Every side effect is an activity whose completion is recorded in history, so replay
 * never repeats one; posts reconcile before writing on retries, so a write whose answer was
 * lost is adopted, not duplicated; compensations run in non-cancellable scopes and are
 * recorded once.
 */
import { ActivityCancellationType, CancellationScope, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { SyncActivities } from '../activities/index.js';
import type { EntryRefusal, LockOutcome, PlannedEntry, QuarantinedEntry, SyncMetadata } from '../activities/contracts.js';
import { FailureType, NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { applyLedgerEvent, isSettled, newLedgerEntry, newRemovalLedgerEntry, type EntryLedger, type LedgerEvent } from '../domain/ledger.js';
import { applicationFailureOf, failureMessage } from './failure-chain.js';
import { heldEntries } from './held.js';
import { runLedgerQuery } from './messages.js';
import { forEachLimited } from './pool.js';
import type { EntryOutcome, EntryReport, RunCounts, SyncRunInput, SyncRunReport } from './types.js';

type Acts = SyncActivities;

const timeRange = (item: { periods: { start: string; end: string }[] }) =>
  item.periods.length ? ` ${item.periods[0]!.start.slice(11, 16)}–${item.periods[item.periods.length - 1]!.end.slice(11, 16)}` : '';

/** "Anna Müller 2026-10-19 08:00–16:30, …" — who and when, for activity summaries. */
function describeBatch(items: PlannedEntry[]): string {
  const names = items.map((i) => `${i.employee.replace(/ \(timr user [^)]*\)$/, '')} ${i.date}${timeRange(i)}`);
  const text = names.slice(0, 4).join(', ');
  return items.length > 4 ? `${text} and ${items.length - 4} more` : text;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** How many times an entry is re-posted because it was edited while we locked it. */
const MAX_EDIT_ROUNDS = 3;

export async function syncRunWorkflow(input: SyncRunInput): Promise<SyncRunReport> {
  const { settings } = input;
  const tenantId = settings.tenantId;
  const runId = workflowInfo().workflowId;
  const ref = { tenantId, credentialsRef: settings.credentialsRef };

  const batchSize = settings.batchSize ?? 10;
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
  // A compensation must eventually happen: retry until the vendor is back (no attempt limit),
  // unless the credentials themselves are rejected (then the next run adopts what is left).
  const compensationOptions: ActivityOptions = {
    ...base,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: [FailureType.AuthRejected] },
  };
  // A batch works through its entries one by one and heartbeats after each: a dead worker is
  // noticed after one entry's time, while a whole batch may take up to batchSize times that.
  const batchOptions: ActivityOptions = {
    ...base,
    startToCloseTimeout: `${settings.activityTimeoutSeconds * batchSize}s`,
    heartbeatTimeout: `${settings.activityTimeoutSeconds}s`,
    // If the run is cancelled (e.g. from the UI), wait for what the batch really did: its
    // posts are then recorded and compensated instead of left behind unknown.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
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
  const stateOf = (entryId: string) => ledger.get(entryId)?.state.name;
  /** A failure ends the entry's part in this run unless it already settled (e.g. compensated). */
  const recordFailure = (entryId: string, reason: string, retryable: boolean) => {
    const current = ledger.get(entryId);
    if (current && !isSettled(current)) record(entryId, { type: 'failed', reason, retryable });
  };

  // Planning reads the whole window (many pages for a large tenant) and heartbeats per page.
  const planOptions: ActivityOptions = { ...base, startToCloseTimeout: `${settings.activityTimeoutSeconds * 10}s`, heartbeatTimeout: `${settings.activityTimeoutSeconds}s` };
  const plan = await call('planSyncRun', `${tenantId}: plan run ${input.runNumber}`, [
    {
      ...ref,
      runId,
      sync: settings.sync,
      lookbackDays: settings.lookbackDays,
      chunkSize: settings.chunkSize,
      held: heldEntries(input.quarantined, input.settled),
      deletionWatermark: input.deletionWatermark,
    },
  ], planOptions);

  const reports: EntryReport[] = [];
  const quarantined: QuarantinedEntry[] = [...plan.quarantined];
  for (const q of plan.quarantined) reports.push({ entryId: q.entryId, employee: q.employee, date: q.date, outcome: 'quarantined', reason: q.reason, retryable: false });
  const settled: Record<string, string> = {};
  let authFailure: string | undefined;
  let compensations = 0;
  let deletionsComplete = true;

  const label = (item: PlannedEntry) => `${tenantId}: ${item.employee.replace(/ \(timr user [^)]*\)$/, '')} ${item.date}${timeRange(item)}`;
  const report = (item: PlannedEntry, outcome: EntryOutcome, extra: Partial<EntryReport> = {}) =>
    reports.push({ entryId: item.entryId, employee: item.employee, date: item.date, outcome, ...extra });

  /** Deletes periods we created; never cancelled half-way, recorded once in the ledger. */
  const compensate = (item: PlannedEntry, periodIds: string[], why: string) =>
    CancellationScope.nonCancellable(async () => {
      record(item.entryId, { type: 'compensation-started', reason: why });
      await call('removePeriods', `${label(item)}: compensate (${why})`, [{ ...ref, entryId: item.entryId, periodIds }], compensationOptions);
      record(item.entryId, { type: 'compensated' });
      compensations++;
    });

  /** Takes back what was posted for an entry that will not be locked; a failure is noted, not thrown. */
  const takeBack = async (item: PlannedEntry, periodIds: string[], why: string) => {
    if (stateOf(item.entryId) !== 'posted' || item.kind === 'relock' || periodIds.length === 0) return;
    try {
      await compensate(item, periodIds, why);
    } catch (err) {
      // Personio refuses us now: the next run adopts these periods instead (reconcile on overlap).
      recordFailure(item.entryId, `compensation failed: ${failureMessage(err)}`, true);
    }
  };

  /** A vendor refused one entry: quarantine, defer to the next cycle, or settle it. */
  const refused = async (item: PlannedEntry, periodIds: string[], r: Pick<EntryRefusal, 'failureType' | 'message'>) => {
    const reason = r.message;
    if (r.failureType === FailureType.RedirectedToRequest && item.periods.length === 0) {
      // Withdrawn (retyped to a type timr books by request): the periods are gone and timr will
      // not take our mark. The tenant remembers it instead, so it is not withdrawn every cycle.
      record(item.entryId, { type: 'locked' });
      settled[item.entryId] = item.lastModified;
      report(item, 'updated', { periodIds: [], reason });
      return;
    }
    const deferred = r.failureType === FailureType.Conflict || r.failureType === FailureType.NotFound;
    await takeBack(item, periodIds, deferred ? 'timr conflict while locking' : 'refused by a vendor');
    recordFailure(item.entryId, reason, deferred);
    if (deferred) {
      report(item, 'deferred', { reason, retryable: true });
    } else {
      quarantined.push({ entryId: item.entryId, employee: item.employee, date: item.date, reason, lastModified: item.lastModified });
      report(item, 'quarantined', { reason, retryable: false });
    }
  };

  /** The whole batch activity failed (after its retries, or credentials rejected). */
  const batchFailed = async (items: PlannedEntry[], posted: Map<string, string[]>, err: unknown) => {
    const reason = failureMessage(err);
    const auth = applicationFailureOf(err)?.type === FailureType.AuthRejected;
    if (auth) authFailure ??= reason;
    for (const item of items) {
      await takeBack(item, posted.get(item.entryId) ?? [], auth ? 'credentials rejected while locking' : 'lock failed');
      recordFailure(item.entryId, reason, true);
      report(item, 'failed', { reason, retryable: true });
    }
  };

  /**
   * Post, then lock, one batch. Entries whose locked content differs from what was posted are
   * compensated and go round again with the locked content.
   */
  const transferBatch = async (batch: PlannedEntry[], round = 0): Promise<void> => {
    if (authFailure) {
      for (const item of batch) report(item, 'not-started', { reason: 'run stopped: credentials rejected' });
      return;
    }
    const posted = new Map<string, string[]>();
    const byId = new Map(batch.map((i) => [i.entryId, i]));

    for (const item of batch) if (item.kind === 'relock') posted.set(item.entryId, item.previous?.periodIds ?? []);
    const toPost = batch.filter((i) => i.kind !== 'relock');
    if (toPost.length) {
      let results;
      try {
        ({ results } = await call('postPeriods', `${tenantId}: post to Personio — ${describeBatch(toPost)}`, [
          {
            ...ref,
            entries: toPost.map((i) => ({
              entryId: i.entryId,
              personId: i.personId,
              periods: i.periods,
              removeFirst: round === 0 && i.kind === 'retransfer' ? (i.previous?.periodIds ?? []) : [],
              reconcile: i.kind !== 'new' || round > 0,
            })),
          },
        ], batchOptions));
      } catch (err) {
        await batchFailed(toPost, posted, err);
        const rest = batch.filter((i) => i.kind === 'relock');
        if (!rest.length) return;
        return transferBatch(rest, round);
      }
      for (const r of results) {
        const item = byId.get(r.entryId)!;
        if (r.ok) {
          if (stateOf(item.entryId) === 'replacing') record(item.entryId, { type: 'old-periods-removed' });
          record(item.entryId, { type: 'posted', periodIds: r.periodIds });
          posted.set(item.entryId, r.periodIds);
        } else {
          await refused(item, [], r);
        }
      }
    }
    for (const item of batch) if (item.kind === 'relock') record(item.entryId, { type: 'posted', periodIds: posted.get(item.entryId)! });

    const toLock = batch.filter((i) => posted.has(i.entryId));
    if (!toLock.length) return;
    let outcomes: LockOutcome[];
    try {
      ({ results: outcomes } = await call('lockEntries', `${tenantId}: lock in timr — ${describeBatch(toLock)}`, [
        {
          ...ref,
          runId,
          sync: settings.sync,
          entries: toLock.map((i): { entryId: string; posted: SyncMetadata } => ({
            entryId: i.entryId,
            posted: { periodIds: posted.get(i.entryId)!, personId: i.personId, fingerprint: i.fingerprint, run: runId },
          })),
        },
      ], batchOptions));
    } catch (err) {
      return batchFailed(toLock, posted, err);
    }

    const again: PlannedEntry[] = [];
    for (const o of outcomes) {
      const item = byId.get(o.entryId)!;
      const periodIds = posted.get(item.entryId)!;
      if (o.outcome === 'locked') {
        record(item.entryId, { type: 'locked' });
        const outcome: EntryOutcome = round > 0 || item.kind === 'retransfer' ? 'updated' : item.kind === 'relock' ? 'relocked' : 'transferred';
        report(item, outcome, { periodIds, ...(item.warnings.length && { warnings: item.warnings }) });
      } else if (o.outcome === 'refused') {
        await refused(item, periodIds, o);
      } else {
        // Locked with other content than we posted: remove ours, then post the locked content.
        await compensate(item, periodIds, 'entry edited while locking');
        if (!o.replan) {
          // The locked content is nothing to transfer (e.g. retyped to an absence): say so in timr.
          record(item.entryId, { type: 'repost', fingerprint: item.fingerprint });
          again.push({ ...item, periods: [], kind: 'retransfer', warnings: [o.reason ?? 'no longer an attendance'] });
        } else if (round + 1 >= MAX_EDIT_ROUNDS) {
          const reason = `timr entry ${item.entryId} kept changing while being locked; it is retried next cycle`;
          recordFailure(item.entryId, reason, true);
          report(item, 'deferred', { reason, retryable: true });
        } else {
          record(item.entryId, { type: 'repost', fingerprint: o.replan.fingerprint });
          again.push({ ...o.replan, kind: 'retransfer' });
        }
      }
    }
    if (again.length) await transferBatch(again, round + 1);
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
      recordFailure(d.entryId, failureMessage(err), true);
      if (applicationFailureOf(err)?.type === FailureType.AuthRejected) authFailure ??= failureMessage(err);
      reports.push({ entryId: d.entryId, outcome: 'failed', reason: failureMessage(err), retryable: true });
    }
  });

  for (const item of plan.entries) {
    const previousPeriodIds = item.kind === 'retransfer' ? item.previous?.periodIds : undefined;
    ledger.set(item.entryId, newLedgerEntry({ entryId: item.entryId, fingerprint: item.fingerprint, ...(previousPeriodIds && { previousPeriodIds }) }));
  }
  await forEachLimited(chunk(plan.entries, batchSize), settings.concurrency, (batch) => transferBatch(batch));

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
