/**
 * One long-running entity workflow per tenant (ID `tenant/<tenantId>`): waits for the interval
 * or a "sync now", checks cheaply for work, runs a `syncRunWorkflow` child when there is some,
 * records the outcome, and continues as new when the history grows. The tenant's state and
 * rules live in `TenantManager` (tenant-manager.ts); this function only wires Temporal: the
 * handlers (validated before they enter history), the activities, the child runs and the loop.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SyncActivities } from '../activities/index.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../clients/failure-types.js';
import { LAST_RUN_OUTCOME, QUARANTINED_COUNT, SYNC_STATUS, TENANT_ID } from '../domain/search-attributes.js';
import { failureMessage, isAuthFailure } from './failure-chain.js';
import {
  auditUpdate,
  backfillUpdate,
  previewBackfillUpdate,
  carryQuery,
  pauseUpdate,
  resumeUpdate,
  retryQuarantinedUpdate,
  statusQuery,
  stopUpdate,
  syncNowUpdate,
  updateConfigUpdate,
} from './messages.js';
import { auditWorkflow } from './audit.js';
import { fairTurn, syncRunWorkflow, UI_SEARCH_ATTRIBUTES_PATCH } from './sync-run.js';
import { TenantManager } from './tenant-manager.js';
import type { AuditResult } from '../activities/contracts.js';
import type { AuditOutcome, SyncRunInput, SyncRunReport, TenantFinalView, TenantWorkflowInput } from './types.js';
import { continueAsNewOnTargetVersion, newWorkerVersionAvailable } from './versioning.js';

/** The patch behind change checks as local activities (see `localCheckOptions`). */
export const LOCAL_CHANGE_CHECK_PATCH = 'local-change-check';

export async function tenantSyncWorkflow(input: TenantWorkflowInput): Promise<TenantFinalView> {
  const tenant = new TenantManager(input, {
    publish: (a) => {
      // QuarantinedCount, the RunOutcome keywords and the runs' TenantId came later: histories
      // from before carry none of them (the first call, at the start, places the marker).
      const uiAttributes = patched(UI_SEARCH_ATTRIBUTES_PATCH);
      upsertSearchAttributes([
        { key: TENANT_ID, value: a.tenantId },
        { key: SYNC_STATUS, value: a.status },
        { key: LAST_RUN_OUTCOME, value: uiAttributes ? a.lastRunKeyword : a.lastRunOutcome },
        ...(uiAttributes ? [{ key: QUARANTINED_COUNT, value: a.quarantineCount }] : []),
      ]);
    },
    details: (markdown) => setCurrentDetails(markdown),
  });
  const { tenantId } = tenant;

  // Reading a large tenant's window takes many pages: a generous overall limit, while the
  // heartbeat per page still notices a dead worker within one activity timeout.
  const checkOptions = (): ActivityOptions => ({
    ...fairTurn(tenantId),
    startToCloseTimeout: `${tenant.settings.activityTimeoutSeconds * 10}s`,
    heartbeatTimeout: `${tenant.settings.activityTimeoutSeconds}s`,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
  });
  const { checkForWork, previewBackfill } = proxyActivities<SyncActivities>(checkOptions());
  // A change check reads what changed since the last check (a few bytes for a quiet tenant): as a
  // local activity it runs inside the workflow task that the timer woke, without an activity
  // task's round trip through the server and its three events. Full passes stay activities:
  // they read whole windows, heartbeat their progress and take their fair turn on the queue.
  const localCheckOptions = (): LocalActivityOptions => {
    const { startToCloseTimeout, retry } = checkOptions();
    return { startToCloseTimeout, ...(retry && { retry }) };
  };
  const { checkForWork: checkChangesLocally } = proxyLocalActivities<SyncActivities>(localCheckOptions());

  setHandler(statusQuery, () => tenant.view());
  setHandler(carryQuery, () => tenant.carry());
  setHandler(pauseUpdate, () => tenant.pause(), { validator: () => tenant.validatePause() });
  setHandler(resumeUpdate, () => tenant.resume(), { validator: () => tenant.validateResume() });
  setHandler(
    syncNowUpdate,
    async () => {
      const target = tenant.requestSync();
      await condition(() => tenant.syncAnswered(target));
      return tenant.syncAnswer(target);
    },
    { validator: () => tenant.validateSyncNow() },
  );
  setHandler(updateConfigUpdate, (change) => tenant.applyConfig(change), { validator: (change) => tenant.validateConfig(change) });
  setHandler(
    retryQuarantinedUpdate,
    async (arg) => {
      const released = tenant.retry(arg);
      if (!arg?.wait) return released;
      // The cycle the retry asked for: the next one, or the one after a cycle already under way.
      const target = tenant.requestSync();
      await condition(() => tenant.syncAnswered(target));
      return { ...released, run: tenant.syncAnswer(target) };
    },
    { validator: (arg) => tenant.validateRetry(arg) },
  );
  setHandler(stopUpdate, () => tenant.stop(), { validator: () => tenant.validateStop() });
  setHandler(backfillUpdate, (range) => tenant.startBackfill(range, Date.now()), { validator: (range) => tenant.validateBackfill(range) });
  // Read-only, so it need not wait for the loop: an activity of this handler.
  setHandler(
    previewBackfillUpdate,
    (range) => previewBackfill.executeWithOptions({ ...checkOptions(), summary: `${tenantId}: backfill dry run ${range.from} to ${range.to} (nothing is written)` }, [tenant.previewInput(range)]),
    { validator: (range) => tenant.validateBackfill(range, { preview: true }) },
  );
  setHandler(
    auditUpdate,
    async (arg) => {
      const id = tenant.requestAudit(arg);
      await condition(() => tenant.auditAnswered(id));
      return tenant.auditAnswer(id);
    },
    { validator: (arg) => tenant.validateAudit(arg) },
  );

  tenant.publish();

  /** A run child, regular or backfill: the options every run starts with. */
  const executeRun = (workflowId: string, args: SyncRunInput, staticSummary: string) =>
    executeChild(syncRunWorkflow, {
      workflowId,
      args: [args],
      // A run is a saga: it must finish (and compensate) even if this workflow is terminated.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // Run ids are never reused: two runs under one id would read as one in the UI and in reports.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary,
      ...fairTurn(tenantId),
      // Support filters a tenant's runs by TenantId (the run adds RunOutcome when it ends).
      ...(patched(UI_SEARCH_ATTRIBUTES_PATCH) && { typedSearchAttributes: [{ key: TENANT_ID, value: tenantId }] }),
    });

  /** One cycle: cheap check, then child runs while there is more (big backfills come in chunks). */
  const runCycle = async () => {
    // Options follow the settings as they are now (updateConfig may have changed them).
    // Histories from before run every check as an activity.
    const work =
      tenant.changeCheckDue(Date.now()) && patched(LOCAL_CHANGE_CHECK_PATCH)
        ? await checkChangesLocally.executeWithOptions({ ...localCheckOptions(), summary: `${tenantId}: check timr for changed and deleted entries` }, [tenant.checkInput()])
        : await checkForWork.executeWithOptions({ ...checkOptions(), summary: `${tenantId}: check timr for new, changed and deleted entries` }, [tenant.checkInput()]);
    tenant.release(work.releasedQuarantine);
    tenant.recordCheck(work, new Date().toISOString());
    if (!tenant.runNeeded(work)) return;

    for (;;) {
      const { runNumber, workflowId, input: args } = tenant.nextRun();
      const startedAt = new Date().toISOString();
      tenant.runInFlight = workflowId;
      let report: SyncRunReport;
      try {
        report = await executeRun(workflowId, args, `${tenantId}: sync run ${runNumber}`);
        tenant.runStarted();
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          // Nothing ran under this number (the id belongs to an earlier life of the tenant).
          tenant.runInFlight = null;
          tenant.runIdTaken();
          continue;
        }
        const auth = isAuthFailure(err);
        tenant.recordRun({ runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: auth ? 'auth-failed' : 'failed', error: failureMessage(err) });
        if (auth) tenant.authFailed(failureMessage(err));
        return;
      } finally {
        tenant.runInFlight = null;
      }
      tenant.recordRun({ runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: report.outcome, counts: report.counts, ...(report.error !== undefined && { error: report.error }) }, report);
      if (report.outcome === 'auth-failed') {
        tenant.authFailed(report.authFailure ?? 'credentials rejected');
        return;
      }
      if (!tenant.continueCycle(report)) return;
      // A long backfill (many runs in one cycle) must not grow this execution's history without
      // bound either: continue as new between two runs; the next execution goes on at once.
      if (tenant.continueAsNewDue(workflowInfo()) && patched('continue-as-new-between-runs')) {
        tenant.requestSync();
        return;
      }
    }
  };

  /** A cycle whose failure of the cheap check is recorded, never thrown. */
  const cycleOnce = async () => {
    try {
      await runCycle();
    } catch (err) {
      // The cheap check itself failed (after retries): note it and try again next interval.
      const auth = isAuthFailure(err);
      // Run number 0: no run was started; the check before it failed.
      const at = new Date().toISOString();
      tenant.recordRun({ runNumber: 0, workflowId: '(check)', startedAt: at, finishedAt: at, outcome: auth ? 'auth-failed' : 'failed', error: failureMessage(err) });
      if (auth) tenant.authFailed(failureMessage(err));
    }
  };

  /** One audit child (`tenant/<id>/audit/<n>`); an audit that cannot run is recorded, never thrown. */
  const auditOnce = async (scheduled: boolean): Promise<{ result: AuditResult | null; error?: string }> => {
    for (;;) {
      const { number, workflowId, input: args } = tenant.nextAudit();
      try {
        const result = await executeChild(auditWorkflow, {
          workflowId,
          args: [args],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          staticSummary: `${tenantId}: audit ${number}${scheduled ? ' (scheduled)' : ''}`,
          ...fairTurn(tenantId),
          ...(patched(UI_SEARCH_ATTRIBUTES_PATCH) && { typedSearchAttributes: [{ key: TENANT_ID, value: tenantId }] }),
        });
        tenant.recordAudit(
          { number, workflowId, at: result.at, scheduled, clean: result.clean, counts: result.counts, repairable: result.repair.entries + result.repair.removals },
          Date.now(),
        );
        return { result };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          tenant.auditIdTaken();
          continue;
        }
        const error = failureMessage(err);
        tenant.recordAudit({ number, workflowId, at: new Date().toISOString(), scheduled, error }, Date.now());
        if (isAuthFailure(err)) tenant.authFailed(error);
        return { result: null, error };
      }
    }
  };

  /**
   * The audits asked for, after the cycle's runs (so no run is half-done while the vendors are
   * read). A repair goes into the tenant's state and through one more cycle of ordinary runs —
   * the ledger, reconcile-then-write and unresolved writes as for any entry — then an audit checks it.
   */
  const runAudits = async () => {
    const request = tenant.takeAuditRequests();
    const first = await auditOnce(request.scheduled);
    const outcome: AuditOutcome = { audit: first.result, ...(first.error !== undefined && { error: first.error }) };
    if (request.repair && first.result && tenant.status === 'active' && tenant.queueRepair(first.result) > 0) {
      const requested = tenant.repairPending();
      const before = tenant.state.runCount;
      await cycleOnce();
      outcome.repair = { requested, runs: tenant.state.recentRuns.filter((r) => r.runNumber > before), pending: tenant.repairPending() };
      if (tenant.status === 'active') {
        const verify = await auditOnce(false);
        outcome.verify = verify.result;
        if (verify.error !== undefined) outcome.verifyError = verify.error;
      }
    }
    tenant.answerAudits(request.ids, outcome);
  };

  /**
   * One backfill run (`tenant/<id>/run/<n>` over the backfill's days, same saga and ledger as any
   * run), after the cycle's regular work; the next comes with the next cycle, right away.
   */
  const backfillOnce = async (range: { from: string; to: string }) => {
    const { runNumber, workflowId, input: args } = tenant.nextRun(range);
    const startedAt = new Date().toISOString();
    tenant.runInFlight = workflowId;
    let report: SyncRunReport;
    try {
      report = await executeRun(workflowId, args, `${tenantId}: backfill run ${runNumber} (${range.from} to ${range.to})`);
      tenant.runStarted();
    } catch (err) {
      tenant.runInFlight = null;
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        tenant.runIdTaken();
        tenant.state.syncRequested = true;
        return;
      }
      const auth = isAuthFailure(err);
      tenant.recordRun({ runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: auth ? 'auth-failed' : 'failed', error: failureMessage(err) }, undefined, { backfill: true });
      if (auth) tenant.authFailed(failureMessage(err));
      else tenant.recordBackfillRun(runNumber, undefined, Date.now());
      return;
    }
    tenant.runInFlight = null;
    tenant.recordRun(
      { runNumber, workflowId, startedAt, finishedAt: new Date().toISOString(), outcome: report.outcome, counts: report.counts, ...(report.error !== undefined && { error: report.error }) },
      report,
      { backfill: true },
    );
    if (report.outcome === 'auth-failed') tenant.authFailed(report.authFailure ?? 'credentials rejected');
    else tenant.recordBackfillRun(runNumber, report, Date.now());
  };

  /** History bound reached, or a new worker version to move to (versioning.ts): start over with the state carried. */
  const continueAsNewIfDue = async () => {
    if (!tenant.continueAsNewDue(workflowInfo()) && !newWorkerVersionAvailable()) return;
    // Updates in flight must finish first — but a sync-now asked during this cycle waits for
    // the next one, so that cycle runs here first (waiting for the handler alone deadlocked).
    await condition(() => allHandlersFinished() || tenant.cycleWanted() || tenant.stopRequested());
    if (allHandlersFinished()) await continueAsNewOnTargetVersion<typeof tenantSyncWorkflow>(tenant.continueAsNewInput());
  };

  for (;;) {
    if (tenant.stopRequested()) break;
    if (tenant.status !== 'active') {
      // Paused or waiting for new credentials: no sync timer, just wait for an update. It still
      // wakes once an interval, so that a paused tenant moves to a new worker version too and the
      // old version can drain (patched: histories from before this wake-up have no such timer).
      const leave = () => tenant.status === 'active' || tenant.stopRequested();
      if (patched('paused-tenant-wakes-for-new-versions')) {
        const woke = await condition(leave, tenant.settings.intervalSeconds * 1000, { summary: `${tenantId} is ${tenant.status}: look for a new worker version` });
        if (!woke) await continueAsNewIfDue();
      } else {
        await condition(leave);
      }
      continue;
    }
    if (!tenant.cycleWanted()) {
      const interval = tenant.settings.intervalSeconds;
      const waitMs = tenant.scheduleNext(Date.now());
      // Wakes on the interval, a "sync now", a config change of the interval, pause or stop.
      await condition(() => tenant.cycleWanted() || tenant.status !== 'active' || tenant.settings.intervalSeconds !== interval, waitMs, {
        summary: tenant.timerSummary(),
      });
      if (tenant.status !== 'active') continue;
      if (!tenant.cycleWanted() && tenant.settings.intervalSeconds !== interval) continue;
    }
    tenant.beginCycle();
    await cycleOnce();
    // Histories from before scheduled audits have no audit child here.
    if (!tenant.auditWanted() && tenant.status === 'active' && tenant.scheduledAuditDue(Date.now()) && patched('scheduled-audit')) tenant.requestScheduledAudit();
    const backfill = tenant.backfillRange();
    if (backfill) await backfillOnce(backfill);
    if (tenant.auditWanted() && tenant.status === 'active') await runAudits();
    tenant.endCycle();
    // A stop asked during the cycle wins over continue-as-new: the workflow ends below.
    if (tenant.stopRequested()) break;

    await continueAsNewIfDue();
  }

  const final = tenant.stopped();
  await condition(allHandlersFinished);
  return final;
}
