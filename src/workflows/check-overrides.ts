import { proxyActivities } from '@temporalio/workflow';
import type { CheckOverridesInput, CheckOverridesResult } from '../activities/contracts.js';
import type { SyncActivities } from '../activities/index.js';
import { fairTurn } from './sync-run.js';

const { checkOverrides } = proxyActivities<SyncActivities>({ startToCloseTimeout: '60 seconds', retry: { maximumAttempts: 3 } });

/**
 * Reads both vendors for `timr-sync start`/`config` before matching overrides are set: the
 * activity runs on a worker, which holds the tenant's credentials (the CLI does not).
 */
export async function checkOverridesWorkflow(input: CheckOverridesInput): Promise<CheckOverridesResult> {
  return checkOverrides.executeWithOptions(fairTurn(input.tenantId), [input]);
}
