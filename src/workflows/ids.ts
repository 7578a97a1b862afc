/** Readable workflow IDs, so the Temporal UI lists tenants and their runs by name. */
export const TASK_QUEUE = 'timr-personio-sync';

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
