/**
 * Operations on tenant workflows over the Temporal client: used by the CLI, `npm start`,
 * `sync:once` and the tests, so every caller starts and controls tenants the same way.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, WorkflowNotFoundError } from '@temporalio/common';
import { SYNC_STATUS, TENANT_ID } from '../domain/search-attributes.js';
import { applySettingsPatch, TenantSettings, type TenantSettingsChange, type TenantSettingsInput, type TenantSettingsPatch } from '../domain/tenant-settings.js';
import { TASK_QUEUE, tenantWorkflowId } from '../workflows/ids.js';
import {
  NO_CHANGE,
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

/** What a lifecycle verb did: `noChange` says why nothing was changed (the tenant was already so). */
export interface VerbResult {
  view: TenantStatusView;
  noChange?: string;
}

const noChangeOf = (err: WorkflowUpdateFailedError): string | undefined =>
  err.cause instanceof ApplicationFailure && err.cause.type === NO_CHANGE ? err.cause.message : undefined;

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

/** A verb whose target state may already hold: that is a no-op (kubectl style), not a refusal. */
async function verb(client: Client, tenantId: string, operation: string, run: () => Promise<TenantStatusView>): Promise<VerbResult> {
  try {
    return { view: await run() };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const noChange = noChangeOf(err);
      if (noChange !== undefined) return { view: await tenantStatus(client, tenantId), noChange };
      throw new TenantOperationRejected(tenantId, operation, err.cause?.message ?? err.message);
    }
    throw err;
  }
}

export const tenantStatus = (client: Client, tenantId: string): Promise<TenantStatusView> => tenantHandle(client, tenantId).query(statusQuery);
export const pauseTenant = (client: Client, tenantId: string) => verb(client, tenantId, 'pause', () => tenantHandle(client, tenantId).executeUpdate(pauseUpdate));
export const resumeTenant = (client: Client, tenantId: string) => verb(client, tenantId, 'resume', () => tenantHandle(client, tenantId).executeUpdate(resumeUpdate));
export const syncTenantNow = (client: Client, tenantId: string): Promise<RunSummary | null> =>
  update(tenantId, 'sync-now', () => tenantHandle(client, tenantId).executeUpdate(syncNowUpdate));

/**
 * Stops the tenant after its run in flight. Stopping a stopping tenant, or one whose workflow
 * has already ended, is a no-op; `view` is then the final state when the workflow completed.
 */
export async function stopTenant(client: Client, tenantId: string): Promise<{ view?: TenantStatusView; noChange?: string; ended: boolean }> {
  const handle = tenantHandle(client, tenantId);
  try {
    return { ...(await verb(client, tenantId, 'stop', () => handle.executeUpdate(stopUpdate))), ended: false };
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // No workflow at all is a real refusal; one that has ended is already stopped.
    const closed = await handle.describe().catch(() => undefined);
    if (!closed || closed.status.name === 'RUNNING') throw err;
    if (closed.status.name === 'COMPLETED') return { view: await handle.result(), noChange: `tenant ${tenantId} is already stopped`, ended: true };
    return { noChange: `tenant ${tenantId} has already ended (${closed.status.name.toLowerCase()})`, ended: true };
  }
}

/**
 * Sends whole top-level settings, fully parsed (what `timr-sync config` computes); the workflow
 * validates them once and its handler only assigns them.
 */
export const changeTenantSettings = (client: Client, tenantId: string, change: TenantSettingsChange) =>
  update(tenantId, 'update-config', () => tenantHandle(client, tenantId).executeUpdate(updateConfigUpdate, { args: [change] }));

/** Applies a deep, partial patch: merged and parsed here, against the settings the workflow has now. */
export async function updateTenantConfig(client: Client, tenantId: string, patch: TenantSettingsPatch): Promise<TenantStatusView> {
  const current = (await tenantStatus(client, tenantId)).settings;
  const applied = applySettingsPatch(current, patch);
  if (!applied.ok) throw new TenantOperationRejected(tenantId, 'update-config', `invalid config for tenant ${tenantId}: ${applied.problems.join('; ')}`);
  return changeTenantSettings(client, tenantId, applied.change);
}
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
