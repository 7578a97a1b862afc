import type { listTenants } from '../../control/tenants.js';
import { renderTable } from './table.js';

export type TenantRow = Awaited<ReturnType<typeof listTenants>>[number];

export function renderTenantList(rows: readonly TenantRow[], opts: { includeClosed: boolean }): string[] {
  if (rows.length === 0) {
    return [opts.includeClosed ? 'no tenant workflows found' : 'no running tenant workflows (add --all to include closed ones)'];
  }
  const headers = opts.includeClosed ? ['TENANT', 'SYNC STATUS', 'EXECUTION', 'WORKFLOW'] : ['TENANT', 'SYNC STATUS', 'WORKFLOW'];
  const body = rows.map((r) =>
    opts.includeClosed ? [r.tenantId, r.syncStatus ?? '?', r.status, r.workflowId] : [r.tenantId, r.syncStatus ?? '?', r.workflowId],
  );
  return renderTable(headers, body);
}
