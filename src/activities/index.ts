/**
 * The activities the sync workflows call. Built once per worker with its dependencies;
 * workflows import only the type (`SyncActivities`).
 */
import { Context } from '@temporalio/activity';
import { AuditInput, PlanInput, ProvisionBatchInput, ReadPersonsInput, type CheckOverridesInput, type InspectLocksInput, type LockBatchInput, type PostBatchInput, type RemoveInput, type ResolveWritesInput, type TenantRef } from './contracts.js';
import { auditVendorState } from './audit-tenant.js';
import { checkOverrides } from './check-overrides.js';
import type { ActivityDeps } from './deps.js';
import { reportWorkerHealth } from './health-check.js';
import { inspectLocks, lockBatch } from './lock-entry.js';
import { resolveWrites } from './resolve-writes.js';
import { checkTenantWork, listQuarantine, planRun, previewBackfill } from './plan-sync-run.js';
import { postBatch } from './post-periods.js';
import { provisionBatch, readPersonioPage } from './provision-users.js';
import { removeEntryPeriods } from './remove-periods.js';
import { progress } from './heartbeat.js';
import { withTenant } from './tenant-activity.js';
import { log } from '../observability/logger.js';
import * as metrics from '../observability/metrics.js';

export function createActivities(deps: ActivityDeps) {
  return {
    reportWorkerHealth,

    async checkForWork(input: Omit<PlanInput, 'runId' | 'chunkSize'>) {
      if (input.unresolvedWrites !== undefined) metrics.unresolvedWrites.set({ tenant: input.tenantId }, input.unresolvedWrites);
      // Read-only: no heartbeat at its start (heartbeat.ts), a quiet check ends before the first.
      return withTenant(deps, input, ({ timr }) => checkTenantWork(timr, input), { beatAtStart: false });
    },

    /** A page of the window's whole quarantine (the tenant keeps counts and a sample), on demand. */
    async listQuarantine(input: Omit<PlanInput, 'runId' | 'chunkSize'> & { offset: number; limit: number }) {
      return withTenant(deps, input, ({ timr, personio }) => listQuarantine(timr, personio, input));
    },

    /** Read-only: what a backfill of the range would do (backfill --dry-run). */
    async previewBackfill(input: Omit<PlanInput, 'runId'> & { range: { from: string; to: string } }) {
      return withTenant(deps, input, ({ timr, personio }) => previewBackfill(timr, personio, input));
    },

    async planSyncRun(input: PlanInput) {
      const parsed = PlanInput.parse(input);
      const tenant = parsed.tenantId;
      const started = Date.now();
      metrics.notePlanStarted(parsed.runId, started);
      const plan = await withTenant(deps, parsed, ({ timr, personio }) =>
        planRun(timr, personio, parsed, ({ untransferred, quarantined }) => {
          metrics.entriesQuarantined.set({ tenant }, quarantined);
          // A loop, not Math.min(...): a big backfill window would overflow the argument list.
          const oldest = untransferred.reduce((min, e) => Math.min(min, Date.parse(e.end ?? e.last_modified)), Infinity);
          metrics.oldestUntransferredAge.set({ tenant }, Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
        }),
      );
      metrics.planDuration.observe({ tenant }, (Date.now() - started) / 1000);
      log().info({ tenantId: tenant, runId: parsed.runId, entries: plan.entries.length, quarantined: plan.quarantined.length, more: plan.more }, 'run planned');
      return plan;
    },

    async postPeriods(input: PostBatchInput) {
      const result = await withTenant(deps, input, ({ personio }, secrets) => postBatch(personio, input, Context.current().info.attempt, secrets));
      const runId = Context.current().info.workflowExecution?.workflowId;
      for (const r of result.results) {
        if (!r.ok) {
          metrics.entriesFailed.inc({ tenant: input.tenantId, step: 'post' });
          log().warn({ tenantId: input.tenantId, runId, entryId: r.entryId, failureType: r.failureType }, 'Personio refused an entry');
        } else {
          log().info({ tenantId: input.tenantId, runId, entryId: r.entryId, periods: r.periodIds.length }, 'entry posted');
        }
      }
      return result;
    },

    async removePeriods(input: RemoveInput) {
      return withTenant(deps, input, ({ personio }) => removeEntryPeriods(personio, input));
    },

    async lockEntries(input: LockBatchInput) {
      const result = await withTenant(deps, input, ({ timr }, secrets) => lockBatch(timr, input, secrets));
      const tenant = input.tenantId;
      for (const r of result.results) {
        if (r.outcome === 'locked') metrics.entriesTransferred.inc({ tenant });
        if (r.outcome === 'refused') metrics.entriesFailed.inc({ tenant, step: 'lock' });
        log()[r.outcome === 'refused' ? 'warn' : 'info']({ tenantId: tenant, runId: input.runId, entryId: r.entryId, outcome: r.outcome }, 'entry lock');
      }
      metrics.noteRunLocked(tenant, input.runId, Date.now());
      return result;
    },

    /** Read-only: the independent audit of the tenant's vendor state (src/audit), with what a repair may change. */
    async auditTenant(input: AuditInput) {
      const parsed = AuditInput.parse(input);
      const result = await withTenant(deps, parsed, ({ timr, personio }) => auditVendorState(timr, personio, parsed));
      const tenant = parsed.tenantId;
      const c = result.counts;
      for (const [kind, value] of Object.entries({ lost: c.lost, duplicated: c.duplicated, orphaned: c.orphaned, stale: c.stale, doubleClaimed: c.doubleClaimed, hoursMismatch: c.hoursMismatch, waiting: c.waiting })) {
        metrics.auditFindings.set({ tenant, kind }, value);
      }
      metrics.auditTimestamp.set({ tenant }, Date.parse(result.at) / 1000);
      log()[result.clean ? 'info' : 'warn']({ tenantId: tenant, ...c, repairable: result.repair.entries + result.repair.removals }, 'tenant audited');
      return result;
    },

    /** Read-only: after a lock batch failed for good, which entries does timr hold locked with our record? */
    async inspectLocks(input: InspectLocksInput) {
      return withTenant(deps, input, ({ timr }) => inspectLocks(timr, input));
    },

    /** Read-only: do the Personio persons that matching overrides name exist, and do their names match? */
    async checkOverrides(input: CheckOverridesInput) {
      return withTenant(deps, input, ({ timr, personio }) => checkOverrides(timr, personio, input));
    },

    /** Writes of earlier runs whose outcome is unknown: read both vendors, delete leftovers nobody owns. */
    async resolveWrites(input: ResolveWritesInput) {
      return withTenant(deps, input, ({ timr, personio }) => resolveWrites(timr, personio, input));
    },

    /** Provisioning: one page (≤ 50) of Personio persons as rows. Read-only. */
    async readPersonioPersons(input: ReadPersonsInput) {
      const parsed = ReadPersonsInput.parse(input);
      return withTenant(deps, parsed, ({ personio }) => readPersonioPage(personio, parsed));
    },

    /** Provisioning: plan ≤ 50 rows against timr's users and create the missing ones (reconciled, never twice). */
    async provisionUsers(input: ProvisionBatchInput) {
      const parsed = ProvisionBatchInput.parse(input);
      return withTenant(deps, parsed, ({ timr }) => provisionBatch(timr, parsed, (d) => progress(d as Record<string, unknown>)));
    },
  };
}

export type SyncActivities = ReturnType<typeof createActivities>;
export type { TenantRef };
