/**
 * Operations on tenant workflows over the Temporal client: used by the CLI, `npm start`,
 * `sync:once` and the tests, so every caller starts and controls tenants the same way.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { SYNC_STATUS, TENANT_ID } from '../domain/search-attributes.js';
import { TenantSettings, type TenantSettingsInput, type TenantSettingsPatch } from '../domain/tenant-settings.js';
import { TASK_QUEUE, tenantWorkflowId } from '../workflows/ids.js';
import {
  pauseUpdate,
  resumeUpdate,
  retryQuarantinedUpdate,
  statusQuery,
  stopUpdate,
  syncNowUpdate,
  updateConfigUpdate,
} from '../workflows/messages.js';
import type { tenantSyncWorkflow } from '../workflows/tenant-sync.js';
import type { RunSummary, TenantStatusView } from '../workflows/types.js';

export type TenantHandle = WorkflowHandle<typeof tenantSyncWorkflow>;

export interface StartResult {
  handle: TenantHandle;
  /** False when the tenant's workflow was already running (nothing was changed). */
  started: boolean;
}

/** Validates the settings (clear errors naming the tenant) and starts `tenant/<id>` once. */
export async function startTenant(
  client: Client,
  input: TenantSettingsInput,
  taskQueue = TASK_QUEUE,
  /** Test hook: continue as new after this many cycles. */
  continueAsNewAfterCycles?: number,
): Promise<StartResult> {
  const parsed = TenantSettings.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(settings)'}: ${i.message}`).join('\n');
    throw new Error(`settings of tenant "${String((input as { tenantId?: unknown }).tenantId)}" are invalid:\n${problems}`);
  }
  const settings = parsed.data;
  const workflowId = tenantWorkflowId(settings.tenantId);
  try {
    const handle = await client.workflow.start<typeof tenantSyncWorkflow>('tenantSyncWorkflow', {
      workflowId,
      taskQueue,
      args: [{ settings, ...(continueAsNewAfterCycles !== undefined && { continueAsNewAfterCycles }) }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: TENANT_ID, value: settings.tenantId },
        { key: SYNC_STATUS, value: 'active' },
      ]),
      staticSummary: `timr → Personio sync of tenant ${settings.tenantId}`,
    });
    return { handle, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { handle: tenantHandle(client, settings.tenantId), started: false };
    throw err;
  }
}

export function tenantHandle(client: Client, tenantId: string): TenantHandle {
  return client.workflow.getHandle<typeof tenantSyncWorkflow>(tenantWorkflowId(tenantId));
}

/** The workflow refused an operation (its validator said why, e.g. "tenant x is paused; resume it first"). */
export class TenantOperationRejected extends Error {
  constructor(
    readonly tenantId: string,
    readonly operation: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'TenantOperationRejected';
  }
}

/** Runs an update, turning a validator's rejection into an error that carries its reason. */
async function update<R>(tenantId: string, operation: string, run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new TenantOperationRejected(tenantId, operation, err.cause?.message ?? err.message);
    }
    throw err;
  }
}

export const tenantStatus = (client: Client, tenantId: string): Promise<TenantStatusView> => tenantHandle(client, tenantId).query(statusQuery);
export const pauseTenant = (client: Client, tenantId: string) => update(tenantId, 'pause', () => tenantHandle(client, tenantId).executeUpdate(pauseUpdate));
export const resumeTenant = (client: Client, tenantId: string) => update(tenantId, 'resume', () => tenantHandle(client, tenantId).executeUpdate(resumeUpdate));
export const syncTenantNow = (client: Client, tenantId: string): Promise<RunSummary | null> =>
  update(tenantId, 'sync-now', () => tenantHandle(client, tenantId).executeUpdate(syncNowUpdate));
export const stopTenant = (client: Client, tenantId: string) => update(tenantId, 'stop', () => tenantHandle(client, tenantId).executeUpdate(stopUpdate));
export const updateTenantConfig = (client: Client, tenantId: string, patch: TenantSettingsPatch) =>
  update(tenantId, 'update-config', () => tenantHandle(client, tenantId).executeUpdate(updateConfigUpdate, { args: [patch] }));
export const retryQuarantined = (client: Client, tenantId: string, entryIds?: string[]) =>
  update(tenantId, 'retry', () => tenantHandle(client, tenantId).executeUpdate(retryQuarantinedUpdate, { args: [entryIds ? { entryIds } : {}] }));

/** Tenant workflows known to the namespace's visibility store, newest first. */
export async function listTenants(client: Client, opts: { includeClosed?: boolean } = {}): Promise<{ tenantId: string; workflowId: string; status: string; syncStatus?: string }[]> {
  const query = `WorkflowType = 'tenantSyncWorkflow'${opts.includeClosed ? '' : " AND ExecutionStatus = 'Running'"}`;
  const rows: { tenantId: string; workflowId: string; status: string; syncStatus?: string }[] = [];
  for await (const wf of client.workflow.list({ query })) {
    const tenantId = wf.typedSearchAttributes.get(TENANT_ID) ?? wf.workflowId.replace(/^tenant\//, '');
    const syncStatus = wf.typedSearchAttributes.get(SYNC_STATUS);
    rows.push({ tenantId, workflowId: wf.workflowId, status: wf.status.name, ...(syncStatus !== undefined && { syncStatus }) });
  }
  return rows;
}
