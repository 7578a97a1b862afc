import type { RunCounts, RunSummary } from '../../workflows/types.js';
import { formatElapsed } from './durations.js';

const COUNT_LABELS: [keyof RunCounts, string][] = [
  ['transferred', 'transferred'],
  ['updated', 'updated'],
  ['relocked', 'relocked'],
  ['deleted', 'deleted'],
  ['quarantined', 'quarantined'],
  ['deferred', 'deferred'],
  ['failed', 'failed'],
  ['unresolved', 'of unknown outcome (resolved next run)'],
  ['notStarted', 'not started'],
  ['compensations', 'compensated'],
];

/** "12 transferred, 2 quarantined of 14 eligible"; zero counts are left out. */
export function formatCounts(counts: RunCounts): string {
  const parts = COUNT_LABELS.filter(([key]) => (counts[key] ?? 0) > 0).map(([key, label]) => `${counts[key]} ${label}`);
  const eligible = `${counts.eligible} eligible`;
  return parts.length === 0 ? `nothing changed (${eligible})` : `${parts.join(', ')} of ${eligible}`;
}

// The tenant workflow records a failed work check under this pseudo-id (and run number 0).
const CHECK_ID = '(check)';

export function runLabel(run: Pick<RunSummary, 'runNumber' | 'workflowId'>): string {
  return run.workflowId === CHECK_ID ? 'check' : `#${run.runNumber}`;
}

/** What a run did in one phrase: its counts, or its error. */
export function runDetail(run: RunSummary): string {
  if (run.error) return `error: ${run.error}`;
  return run.counts ? formatCounts(run.counts) : '';
}

/** The lines `sync-now` prints for the run it waited for. */
export function renderRunSummary(run: RunSummary): string[] {
  const took = formatElapsed(run.startedAt, run.finishedAt);
  const lines = [run.workflowId === CHECK_ID ? `the check ${run.outcome} in ${took}` : `run #${run.runNumber} ${run.outcome} in ${took} (${run.workflowId})`];
  if (run.counts) lines.push(`  ${formatCounts(run.counts)}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines;
}
