/**
 * The activities the sync workflows call. Built once per worker with its dependencies;
 * workflows import only the type (`SyncActivities`).
 */
import { Context } from '@temporalio/activity';
import { PlanInput, type LockInput, type PostInput, type RemoveInput, type TenantRef } from './contracts.js';
import type { ActivityDeps } from './deps.js';
import { reportWorkerHealth } from './health-check.js';
import { lockTimrEntry } from './lock-entry.js';
import { checkTenantWork, planRun } from './plan-sync-run.js';
import { postEntryPeriods } from './post-periods.js';
import { removeEntryPeriods } from './remove-periods.js';
import { withTenant } from './tenant-activity.js';

export function createActivities(deps: ActivityDeps) {
  return {
    reportWorkerHealth,

    async checkForWork(input: Omit<PlanInput, 'runId' | 'chunkSize'>) {
      return withTenant(deps, input, ({ timr }) => checkTenantWork(timr, input));
    },

    async planSyncRun(input: PlanInput) {
      const parsed = PlanInput.parse(input);
      return withTenant(deps, parsed, ({ timr, personio }) => planRun(timr, personio, parsed));
    },

    async postPeriods(input: PostInput) {
      return withTenant(deps, input, ({ personio }) => postEntryPeriods(personio, input, Context.current().info.attempt));
    },

    async removePeriods(input: RemoveInput) {
      return withTenant(deps, input, ({ personio }) => removeEntryPeriods(personio, input));
    },

    async lockEntry(input: LockInput) {
      return withTenant(deps, input, ({ timr }) => lockTimrEntry(timr, input));
    },
  };
}

export type SyncActivities = ReturnType<typeof createActivities>;
export type { TenantRef };
