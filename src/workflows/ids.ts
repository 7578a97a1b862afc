/** Readable workflow IDs, so the Temporal UI lists tenants and their runs by name. */
import type { Priority } from '@temporalio/common';

export const TASK_QUEUE = 'timr-personio-sync';

/**
 * Everything a tenant runs shares one task queue with every other tenant. Keyed by the tenant
 * (ids are at most 63 ASCII characters, within the 64-byte limit of a key), a server with
 * fairness on dispatches a backlog tenant by tenant instead of first come, first served, so one
 * tenant's backfill cannot hold back the others' regular cycles.
 */
export function tenantPriority(tenantId: string): Priority {
  return { fairnessKey: tenantId };
}

export function tenantWorkflowId(tenantId: string): string {
  return `tenant/${tenantId}`;
}

export function runWorkflowId(tenantId: string, runNumber: number): string {
  return `tenant/${tenantId}/run/${runNumber}`;
}

/** One audit of the tenant's vendor state (numbered per tenant, never reused). */
export function auditWorkflowId(tenantId: string, n: number): string {
  return `tenant/${tenantId}/audit/${n}`;
}

/** One check of matching overrides; `nonce` keeps concurrent checks apart. */
export function overrideCheckWorkflowId(tenantId: string, nonce: string): string {
  return `tenant/${tenantId}/check-overrides/${nonce}`;
}

/** One provisioning run of timr users (numbered per tenant, never reused). */
export function provisionWorkflowId(tenantId: string, n: number): string {
  return `tenant/${tenantId}/provision/${n}`;
}

export const PROVISION_WORKFLOW_ID = /^tenant\/([a-z0-9][a-z0-9-]{0,62})\/provision\/(\d+)$/;
