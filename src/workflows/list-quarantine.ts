import { proxyActivities } from '@temporalio/workflow';
import type { SyncActivities } from '../activities/index.js';
import type { QuarantinePage } from '../activities/plan-sync-run.js';
import { fairTurn } from './sync-run.js';

const { listQuarantine } = proxyActivities<SyncActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute', retry: { maximumAttempts: 3 } });

export type ListQuarantineInput = Parameters<SyncActivities['listQuarantine']>[0];

/**
 * One page of the window's whole quarantine, for `listQuarantined` (control): the tenant
 * workflow keeps counts and a bounded sample only, so the details are read from the vendors on
 * demand, by a worker (it holds the tenant's credentials, the caller does not).
 */
export async function listQuarantineWorkflow(input: ListQuarantineInput): Promise<QuarantinePage> {
  return listQuarantine.executeWithOptions(fairTurn(input.tenantId), [input]);
}
