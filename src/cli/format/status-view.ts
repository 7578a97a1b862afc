/**
 * The human-readable `timr-sync status`: what support needs to answer "is this tenant syncing,
 * and if not, why and what do I do", in one screen.
 */
import { tenantWorkflowId } from '../../workflows/ids.js';
import type { QuarantinedEntry } from '../../activities/contracts.js';
import { describeFindings } from '../../domain/audit-findings.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { formatElapsed, formatRelative } from './durations.js';
import { renderWindowSection } from './fates.js';
import { runDetail, runLabel } from './run-summary.js';
import { displaySetting, flattenSettings } from './settings.js';
import { renderTable } from './table.js';

function statusLine(view: TenantStatusView): string {
  return view.statusReason ? `${view.status} (${view.statusReason})` : view.status;
}

/** What to do next, for the states that need an operator. */
function statusHint(view: TenantStatusView): string | undefined {
  const id = view.tenantId;
  switch (view.status) {
    case 'paused':
      return `resume with: timr-sync resume ${id}`;
    case 'auth-failed':
      return `store new credentials (timr-sync secrets set ${view.settings.credentialsRef} --personio-client-id <id> --personio-client-secret <secret>, or the timr pair), then: timr-sync resume ${id}`;
    case 'stopping':
      return 'the run in flight finishes, then the workflow completes';
    case 'stopped':
      return `start it again with: timr-sync start ${id} --credentials-ref ${view.settings.credentialsRef}`;
    default:
      return undefined;
  }
}

function nextSyncLine(view: TenantStatusView, now: Date): string {
  if (view.status !== 'active') return `- (tenant is ${view.status})`;
  if (view.nextSyncAt) return `${view.nextSyncAt} (${formatRelative(new Date(view.nextSyncAt), now)})`;
  return view.runInFlight ? 'after the run in flight' : 'now (a cycle is running)';
}

function fieldLines(fields: [string, string][]): string[] {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

/**
 * Grouped by reason: one cause (an unmatched employee, a rejected period) usually holds many
 * entries, and the reason is what support acts on.
 */
function renderQuarantine(entries: readonly QuarantinedEntry[]): string[] {
  const byReason = new Map<string, QuarantinedEntry[]>();
  for (const q of entries) byReason.set(q.reason, [...(byReason.get(q.reason) ?? []), q]);
  const lines: string[] = [];
  for (const [reason, group] of byReason) {
    lines.push(`  ${reason}${group.length > 1 ? ` (${group.length} entries)` : ''}`);
    lines.push(...renderTable(['EMPLOYEE', 'DATE', 'ENTRY'], group.map((q) => [q.employee, q.date, q.entryId]), '    '));
  }
  return lines;
}

export function renderStatusView(view: TenantStatusView, now: Date): string[] {
  const hint = statusHint(view);
  const lines = fieldLines([
    ['Tenant', view.tenantId],
    ['Workflow', tenantWorkflowId(view.tenantId)],
    ['Status', statusLine(view)],
    ...(hint ? ([['', `→ ${hint}`]] as [string, string][]) : []),
    ['Next sync', nextSyncLine(view, now)],
    ['Run in flight', view.runInFlight ?? 'none'],
    ['Cycles', `${view.cycles} done, ${view.runCount} of them with a sync run`],
  ]);

  lines.push('', 'Settings');
  const settings = flattenSettings(view.settings).filter(([path]) => path !== 'tenantId');
  lines.push(...renderTable(['SETTING', 'VALUE'], settings.map(([path, value]) => [path, displaySetting(path, value)]), '  ').slice(1));

  lines.push('', `Recent runs (${view.recentRuns.length}, newest first)`);
  if (view.recentRuns.length === 0) {
    lines.push('  none yet');
  } else {
    const rows = view.recentRuns.map((run) => [runLabel(run), run.outcome, run.startedAt, formatElapsed(run.startedAt, run.finishedAt), runDetail(run)]);
    lines.push(...renderTable(['RUN', 'OUTCOME', 'STARTED', 'TOOK', 'ENTRIES'], rows, '  '));
  }

  // Every entry of the window has a fate; a view from an older worker may not carry them yet.
  lines.push(...renderWindowSection(view.tenantId, view.window));

  // The workflow keeps a bounded sample (with reasons) beside the count; all of them on demand.
  const total = view.quarantineCount ?? view.quarantined.length;
  lines.push('', `Quarantined entries (${total})`);
  if (total === 0) {
    lines.push('  none');
  } else {
    lines.push(...renderQuarantine(view.quarantined));
    if (total > view.quarantined.length) lines.push(`  … ${view.quarantined.length} of ${total} shown; every one with its reason: timr-sync quarantine ${view.tenantId}`);
    lines.push(`  → fix the data in timr or Personio (the next run picks up what is fixed), or retry held ones: timr-sync retry ${view.tenantId} [--entry <id> ...]`);
  }

  lines.push('', 'Audit of timr and Personio (timr-sync audit)');
  const audit = view.lastAudit;
  if (!audit) {
    lines.push(`  none yet${view.nextAuditAt ? `; scheduled at ${view.nextAuditAt}` : ''} — run one: timr-sync audit ${view.tenantId}`);
  } else {
    const found = audit.error !== undefined ? `could not run: ${audit.error}` : audit.counts ? describeFindings({ counts: audit.counts }) : 'clean';
    lines.push(`  #${audit.number}${audit.scheduled ? ' (scheduled)' : ''} at ${audit.at} (${audit.workflowId}): ${found}`);
    if (view.repairPending) lines.push(`  ${view.repairPending} repair item(s) pending: the next runs write them again`);
    else if (audit.repairable) lines.push(`  → ${audit.repairable} repairable: timr-sync audit ${view.tenantId} --repair`);
    if (view.nextAuditAt) lines.push(`  next scheduled audit: ${view.nextAuditAt}`);
  }

  // Normally empty; shown whenever not, so a write of unknown outcome is never silent.
  const unresolved = view.unresolved ?? [];
  if (unresolved.length) {
    lines.push('', `Writes of unknown outcome (${unresolved.length}), resolved against timr and Personio by the next run`);
    lines.push(...renderTable(['ENTRY', 'RUN', 'WHY'], unresolved.map((w) => [w.entryId, w.run, w.reason]), '  '));
  }
  return lines;
}
