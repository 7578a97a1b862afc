/**
 * One long-running entity workflow per tenant (ID `tenant/<tenantId>`): waits for the interval
 * or a "sync now", checks cheaply for work, runs a `syncRunWorkflow` child when there is some,
 * records the outcome, and continues as new when the history grows. Controlled by updates
 * (validated before they enter history) and read by the `status` query.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  executeChild,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { SyncActivities } from '../activities/index.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { LAST_RUN_OUTCOME, SYNC_STATUS, TENANT_ID } from '../domain/search-attributes.js';
import type { TenantSettings } from '../domain/tenant-settings.js';
import { failureMessage, isAuthFailure } from './failure-chain.js';
import { heldEntries } from './held.js';
import { runWorkflowId } from './ids.js';
import {
  pauseUpdate,
  resumeUpdate,
  retryQuarantinedUpdate,
  statusQuery,
  stopUpdate,
  syncNowUpdate,
  updateConfigUpdate,
} from './messages.js';
import { applySettingsPatch } from './settings-validation.js';
import { syncRunWorkflow } from './sync-run.js';
import type { RunSummary, SyncRunReport, TenantState, TenantStatusView, TenantWorkflowInput } from './types.js';

const RECENT_RUNS = 10;
/** Continue-as-new well before the server would force it, to keep the UI snappy. */
const MAX_HISTORY_EVENTS = 2_000;

function initialState(settings: TenantSettings): TenantState {
  return {
    status: 'active',
    runCount: 0,
    cycles: 0,
    // Deletions older than the look-back window cannot concern entries we will transfer.
    deletionWatermark: new Date(Date.now() - settings.lookbackDays * 86_400_000).toISOString(),
    quarantined: [],
    recentRuns: [],
    nextSyncAt: null,
    // A new tenant syncs right away; its first interval starts after that.
    syncRequested: true,
  };
}

export async function tenantSyncWorkflow(input: TenantWorkflowInput): Promise<TenantStatusView> {
  let settings = input.settings;
  const state: TenantState = input.state ?? initialState(settings);
  const tenantId = settings.tenantId;
  let runInFlight: string | null = null;
  /** A cycle is running; a "sync now" asked meanwhile waits for the next one. */
  let inCycle = false;
  /** The last run recorded in the current cycle (null when the cycle had nothing to do). */
  let cycleRun: RunSummary | null = null;
  let cyclesThisExecution = 0;
  const cyclesBeforeContinueAsNew = input.continueAsNewAfterCycles ?? 500;

  // Reading a large tenant's window takes many pages: a generous overall limit, while the
  // heartbeat per page still notices a dead worker within one activity timeout.
  const checkOptions = (): ActivityOptions => ({
    startToCloseTimeout: `${settings.activityTimeoutSeconds * 10}s`,
    heartbeatTimeout: `${settings.activityTimeoutSeconds}s`,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
  });
  const { checkForWork } = proxyActivities<SyncActivities>(checkOptions());

  const publish = () =>
    upsertSearchAttributes([
      { key: TENANT_ID, value: tenantId },
      { key: SYNC_STATUS, value: state.status },
      { key: LAST_RUN_OUTCOME, value: state.recentRuns[0]?.outcome ?? 'none' },
    ]);

  const view = (): TenantStatusView => ({
    tenantId,
    status: state.status,
    ...(state.statusReason !== undefined && { statusReason: state.statusReason }),
    settings,
    nextSyncAt: state.status === 'active' ? state.nextSyncAt : null,
    runInFlight,
    runCount: state.runCount,
    cycles: state.cycles,
    recentRuns: state.recentRuns,
    quarantined: state.quarantined,
    unresolved: state.unresolved ?? [],
  });

  const setStatus = (status: TenantState['status'], reason?: string) => {
    state.status = status;
    state.statusReason = reason;
    publish();
  };

  setHandler(statusQuery, view);

  setHandler(pauseUpdate, () => {
    setStatus('paused', 'paused by an operator');
    return view();
  }, {
    validator: () => {
      if (state.status !== 'active') throw new Error(`tenant ${tenantId} is ${state.status}; only an active tenant can be paused`);
    },
  });

  setHandler(resumeUpdate, () => {
    setStatus('active');
    // Continue where it stopped: entries left changeable are picked up right away.
    state.syncRequested = true;
    return view();
  }, {
    validator: () => {
      if (state.status !== 'paused' && state.status !== 'auth-failed') {
        throw new Error(`tenant ${tenantId} is ${state.status}; only a paused or auth-failed tenant can be resumed`);
      }
    },
  });

  setHandler(syncNowUpdate, async () => {
    // A cycle already under way planned its work before this request: wait for the next one.
    const target = state.cycles + (inCycle ? 2 : 1);
    state.syncRequested = true;
    await condition(() => state.cycles >= target || state.status === 'stopped' || state.status === 'auth-failed');
    return state.cycles >= target ? cycleRun : null;
  }, {
    validator: () => {
      if (state.status === 'paused') throw new Error(`tenant ${tenantId} is paused; resume it first`);
      if (state.status === 'auth-failed') {
        throw new Error(`tenant ${tenantId} is auth-failed (${state.statusReason ?? 'credentials rejected'}); store new credentials, then resume`);
      }
      if (state.status !== 'active') throw new Error(`tenant ${tenantId} is ${state.status}`);
    },
  });

  setHandler(updateConfigUpdate, (patch) => {
    settings = applySettingsPatch(settings, patch);
    return view();
  }, {
    validator: (patch) => {
      if (state.status === 'stopping' || state.status === 'stopped') throw new Error(`tenant ${tenantId} is ${state.status}`);
      applySettingsPatch(settings, patch);
    },
  });

  setHandler(retryQuarantinedUpdate, (arg) => {
    const ids = arg?.entryIds;
    const before = state.quarantined.length;
    state.quarantined = ids ? state.quarantined.filter((q) => !ids.includes(q.entryId)) : [];
    state.syncRequested = true;
    return { released: before - state.quarantined.length };
  }, {
    validator: (arg) => {
      if (state.status !== 'active') throw new Error(`tenant ${tenantId} is ${state.status}; resume it before retrying entries`);
      const unknown = (arg?.entryIds ?? []).filter((id: string) => !state.quarantined.some((q) => q.entryId === id));
      if (unknown.length) throw new Error(`not quarantined for tenant ${tenantId}: ${unknown.join(', ')}`);
    },
  });

  setHandler(stopUpdate, () => {
    setStatus('stopping', runInFlight ? `finishing ${runInFlight}` : undefined);
    return view();
  }, {
    validator: () => {
      if (state.status === 'stopping' || state.status === 'stopped') throw new Error(`tenant ${tenantId} is already ${state.status}`);
    },
  });

  publish();

  const release = (ids: readonly string[] | undefined) => {
    if (!ids?.length) return;
    state.quarantined = state.quarantined.filter((q) => !ids.includes(q.entryId));
    if (state.settled) for (const id of ids) delete state.settled[id];
  };

  const recordRun = (summary: RunSummary, report?: SyncRunReport) => {
    state.recentRuns = [summary, ...state.recentRuns].slice(0, RECENT_RUNS);
    cycleRun = summary;
    if (report) {
      release(report.releasedQuarantine);
      if (report.settled && Object.keys(report.settled).length) state.settled = { ...state.settled, ...report.settled };
      // Quarantine: the run's verdicts replace earlier ones for the entries it looked at.
      const seen = new Set(report.entries.map((e) => e.entryId));
      state.quarantined = [...state.quarantined.filter((q) => !seen.has(q.entryId) && !report.quarantined.some((r) => r.entryId === q.entryId)), ...report.quarantined];
      if (report.deletionWatermark) state.deletionWatermark = report.deletionWatermark;
      // The run resolved what it could of the carried writes; what it reports is what is left.
      state.unresolved = report.unresolved ?? state.unresolved ?? [];
    }
    publish();
  };

  /** One cycle: cheap check, then child runs while there is more (big backfills come in chunks). */
  const runCycle = async () => {
    const work = await checkForWork.executeWithOptions(
      // Options follow the settings as they are now (updateConfig may have changed them).
      { ...checkOptions(), summary: `${tenantId}: check timr for new, changed and deleted entries` },
      [{
        tenantId,
        credentialsRef: settings.credentialsRef,
        sync: settings.sync,
        lookbackDays: settings.lookbackDays,
        held: heldEntries(state.quarantined, state.settled),
        deletionWatermark: state.deletionWatermark,
      }],
    );
    release(work.releasedQuarantine);
    // Writes of unknown outcome need a run even when timr has nothing new (e.g. the entry was deleted).
    if (!work.hasWork && !state.unresolved?.length) return;

    for (;;) {
      state.runCount += 1;
      const runNumber = state.runCount;
      const workflowId = runWorkflowId(tenantId, runNumber);
      const startedAt = new Date().toISOString();
      runInFlight = workflowId;
      let report: SyncRunReport | undefined;
      try {
        report = await executeChild(syncRunWorkflow, {
          workflowId,
          args: [{ settings, runNumber, quarantined: state.quarantined, settled: state.settled ?? {}, deletionWatermark: state.deletionWatermark, unresolved: state.unresolved ?? [] }],
          // A run is a saga: it must finish (and compensate) even if this workflow is terminated.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `${tenantId}: sync run ${runNumber}`,
        });
        recordRun({ runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: report.outcome, counts: report.counts }, report);
      } catch (err) {
        const auth = isAuthFailure(err);
        recordRun({ runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: auth ? 'auth-failed' : 'failed', error: failureMessage(err) });
        if (auth) setStatus('auth-failed', failureMessage(err));
        return;
      } finally {
        runInFlight = null;
      }
      if (report.outcome === 'auth-failed') {
        setStatus('auth-failed', report.authFailure ?? 'credentials rejected');
        return;
      }
      const progressed = report.counts.transferred + report.counts.updated + report.counts.relocked + report.counts.deleted > 0;
      if (!report.more || !progressed || state.status !== 'active') return;
    }
  };

  for (;;) {
    if (state.status === 'stopping') break;
    if (state.status !== 'active') {
      // Paused or waiting for new credentials: no timer, just wait for an update.
      await condition(() => state.status === 'active' || state.status === 'stopping');
      continue;
    }
    if (!state.syncRequested) {
      const nextSyncMs = Date.now() + settings.intervalSeconds * 1000;
      state.nextSyncAt = new Date(nextSyncMs).toISOString();
      const interval = settings.intervalSeconds;
      // Wakes on the interval, a "sync now", a config change of the interval, pause or stop.
      await condition(
        () => state.syncRequested || state.status !== 'active' || settings.intervalSeconds !== interval,
        nextSyncMs - Date.now(),
        { summary: `next sync of ${tenantId} at ${state.nextSyncAt}` },
      );
      if (state.status !== 'active') continue;
      if (!state.syncRequested && settings.intervalSeconds !== interval) continue;
    }
    state.syncRequested = false;
    state.nextSyncAt = null;
    inCycle = true;
    cycleRun = null;
    try {
      await runCycle();
    } catch (err) {
      // The cheap check itself failed (after retries): note it and try again next interval.
      const auth = isAuthFailure(err);
      // Run number 0: no run was started; the check before it failed.
      recordRun({ runNumber: 0, workflowId: '(check)', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), outcome: auth ? 'auth-failed' : 'failed', error: failureMessage(err) });
      if (auth) setStatus('auth-failed', failureMessage(err));
    }
    inCycle = false;
    state.cycles += 1;
    cyclesThisExecution += 1;

    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS || cyclesThisExecution >= cyclesBeforeContinueAsNew) {
      // Updates still running (e.g. a syncNow waiting for this cycle) must finish first.
      await condition(allHandlersFinished);
      await continueAsNew<typeof tenantSyncWorkflow>({ settings, state, continueAsNewAfterCycles: cyclesBeforeContinueAsNew });
    }
  }

  state.status = 'stopped';
  state.statusReason = 'stopped by an operator';
  publish();
  await condition(allHandlersFinished);
  return view();
}
