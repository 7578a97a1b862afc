import type { listTenants } from '../../control/tenants.js';
import type { RunSummary } from '../../workflows/types.js';
import { formatRelative } from './durations.js';
import { runLabel } from './run-summary.js';
import { renderTable } from './table.js';

export type TenantRow = Awaited<ReturnType<typeof listTenants>>[number] & {
  /** From the tenant's status query; absent when it did not answer (closed, or no worker). */
  lastRun?: Pick<RunSummary, 'runNumber' | 'workflowId' | 'outcome' | 'finishedAt'> | null;
  nextSyncAt?: string | null;
  quarantined?: number;
  /** Why the live columns are empty. */
  unanswered?: string;
};

function lastRunCell(r: TenantRow, now: Date): string {
  if (r.lastRun === undefined) return '?';
  if (r.lastRun === null) return '-';
  return `${runLabel(r.lastRun)} ${r.lastRun.outcome} ${formatRelative(new Date(r.lastRun.finishedAt), now)}`;
}

function nextSyncCell(r: TenantRow, now: Date): string {
  if (r.nextSyncAt === undefined) return '?';
  return r.nextSyncAt === null ? '-' : formatRelative(new Date(r.nextSyncAt), now);
}

export function renderTenantList(rows: readonly TenantRow[], opts: { includeClosed: boolean; now: Date }): string[] {
  if (rows.length === 0) {
    return [opts.includeClosed ? 'no tenant workflows found' : 'no running tenant workflows (add --all to include closed ones)'];
  }
  const headers = ['TENANT', 'SYNC STATUS', 'LAST RUN', 'NEXT SYNC', 'QUARANTINED', ...(opts.includeClosed ? ['EXECUTION'] : []), 'WORKFLOW'];
  const body = rows.map((r) => [
    r.tenantId,
    r.syncStatus ?? '?',
    lastRunCell(r, opts.now),
    nextSyncCell(r, opts.now),
    r.quarantined === undefined ? '?' : String(r.quarantined),
    ...(opts.includeClosed ? [r.status] : []),
    r.workflowId,
  ]);
  const lines = renderTable(headers, body);
  const unanswered = rows.filter((r) => r.unanswered !== undefined && r.status === 'RUNNING');
  if (unanswered.length > 0) lines.push('', `? = no answer from ${unanswered.map((r) => r.tenantId).join(', ')} (${unanswered[0]!.unanswered}); is a worker running?`);
  return lines;
}
