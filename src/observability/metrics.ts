/**
 * The product's Prometheus metrics. One registry per process: every worker activity and vendor
 * client records into it, and the worker's observability server (server.ts) serves it at
 * /metrics together with the SDK's runtime metrics.
 *
 * Recorded in activities and clients only, never in workflow code (workflows must replay
 * deterministically and may run in a sandbox without this module). Labels are bounded: a tenant
 * id, a vendor, an HTTP status — never an entry id.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

export const entriesTransferred = new Counter({
  name: 'timr_sync_entries_transferred_total',
  help: 'Entries written to Personio and locked in timr (a run report\'s transferred + updated + relocked).',
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const entriesFailed = new Counter({
  name: 'timr_sync_entries_failed_total',
  help: 'Entries a vendor refused in a post or lock activity.',
  labelNames: ['tenant', 'step'] as const,
  registers: [registry],
});

export const entriesQuarantined = new Gauge({
  name: 'timr_sync_entries_quarantined',
  help: "Entries of the tenant's look-back window in quarantine, as of its latest plan.",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const unresolvedWrites = new Gauge({
  name: 'timr_sync_unresolved_writes',
  help: "Writes of unknown outcome (a post or lock whose answer was lost) the tenant carries until a run resolves them against both vendors, as of its latest check.",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const oldestUntransferredAge = new Gauge({
  name: 'timr_sync_oldest_untransferred_entry_age_seconds',
  help: "Age of the oldest finished entry the tenant's latest plan still had to transfer or quarantined (0: none).",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const auditFindings = new Gauge({
  name: 'timr_sync_audit_findings',
  help: "Findings of the tenant's latest audit on this worker (timr-sync audit, or the scheduled one), by kind: lost, stale, hoursMismatch, duplicated, orphaned, doubleClaimed, waiting.",
  labelNames: ['tenant', 'kind'] as const,
  registers: [registry],
});

export const auditTimestamp = new Gauge({
  name: 'timr_sync_audit_timestamp_seconds',
  help: "When the tenant's latest audit on this worker read the vendors (Unix seconds).",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const planDuration = new Histogram({
  name: 'timr_sync_plan_duration_seconds',
  help: 'Duration of the plan activity of a run (reading both vendors and planning).',
  labelNames: ['tenant'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

export const runDuration = new Gauge({
  name: 'timr_sync_run_duration_seconds',
  help: "The tenant's latest run on this worker: time from its plan to its latest lock batch.",
  labelNames: ['tenant'] as const,
  registers: [registry],
});

export const vendorRequests = new Counter({
  name: 'timr_sync_vendor_requests_total',
  help: 'HTTP requests sent to a vendor (API and token), by answer status ("network": no answer).',
  labelNames: ['vendor', 'status'] as const,
  registers: [registry],
});

export const vendorRateLimited = new Counter({
  name: 'timr_sync_vendor_rate_limited_total',
  help: 'Vendor answers 429 Too Many Requests.',
  labelNames: ['vendor'] as const,
  registers: [registry],
});

export const limiterWait = new Histogram({
  name: 'timr_sync_limiter_wait_seconds',
  help: 'Time a request waited for the rate limiter before it was sent.',
  labelNames: ['vendor'] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** Plan start per run, so the last lock batch of that run can record the run's duration. Bounded. */
const runStarts = new Map<string, number>();
const RUN_STARTS_LIMIT = 1000;

export function notePlanStarted(runId: string, at: number): void {
  if (runStarts.size >= RUN_STARTS_LIMIT) runStarts.delete(runStarts.keys().next().value as string);
  runStarts.set(runId, at);
}

export function noteRunLocked(tenant: string, runId: string, at: number): void {
  const start = runStarts.get(runId);
  if (start !== undefined) runDuration.set({ tenant }, (at - start) / 1000);
}

