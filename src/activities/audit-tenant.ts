/**
 * `timr-sync audit`: reads the tenant's real vendor state — every timr entry of the look-back
 * window (all statuses), the working-time types, timr's deletion feed, and every Personio
 * attendance and absence period of the window — and hands it, unparsed by the sync's rules, to
 * the independent oracle (src/audit). Nothing here plans, transforms or matches: the oracle
 * computes what Personio must hold from timr's own figures, so a bug in the sync is caught,
 * not confirmed. The result is bounded (counts, samples, at most REPAIR_LIMIT items to repair).
 */
import type { PersonioClient } from '../clients/personio/client.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTimeStatus } from '../clients/timr/schemas.js';
import { auditClean, auditTenantState, type RepairCause } from '../audit/oracle.js';
import { auditTenantFromStatus } from '../audit/tenant.js';
import type { AuditInput, AuditResult } from './contracts.js';
import { progress, stopIfCancelled } from './heartbeat.js';

/** Items one audit hands to a repair; more come with the next audit (the repair workflow audits again). */
export const REPAIR_LIMIT = 200;
/** Entries and periods this far before the judged window are read too: their records claim periods near its edge. */
const MARGIN_DAYS = 3;
const DAY_MS = 86_400_000;
const EVERY_STATUS: WorkingTimeStatus[] = ['changeable', 'approved', 'closed', 'locked', 'running', 'paused', 'archived'];

export async function auditVendorState(timr: TimrClient, personio: PersonioClient, input: AuditInput): Promise<AuditResult> {
  const now = input.now ? new Date(input.now) : new Date();
  const tenant = auditTenantFromStatus(
    { tenantId: input.tenantId, settings: { lookbackDays: input.lookbackDays, sync: input.sync as never }, quarantined: input.quarantinedEntryIds.map((entryId) => ({ entryId })) },
    now,
  );
  const windowStart = tenant.windowStart!;
  const from = new Date(Date.parse(`${windowStart}T00:00:00Z`) - MARGIN_DAYS * DAY_MS).toISOString().slice(0, 10);
  let read = 0;
  const tick = (what: Record<string, number>) => {
    if (++read % 100 === 0) {
      progress(what);
      stopIfCancelled();
    }
  };

  const workingTimes: unknown[] = [];
  for await (const e of timr.listWorkingTimes({ statuses: EVERY_STATUS, start_from: from, sort_by: 'start', sort_direction: 'asc' })) {
    workingTimes.push(e);
    tick({ entries: workingTimes.length });
  }
  const workingTimeTypes = await timr.listWorkingTimeTypes();
  const deleted: unknown[] = [];
  // Deletions since a week before the window: an entry of the window cannot have been deleted earlier.
  const deletedSince = new Date(Date.parse(`${from}T00:00:00Z`) - 7 * DAY_MS).toISOString();
  for await (const d of timr.listDeletedWorkingTimes(deletedSince)) {
    deleted.push(d);
    tick({ deleted: deleted.length });
  }
  const attendancePeriods: unknown[] = [];
  for await (const p of personio.listAttendancePeriods({ startGte: `${from}T00:00:00` })) {
    attendancePeriods.push(p);
    tick({ periods: attendancePeriods.length });
  }
  const absencePeriods: unknown[] = [];
  for await (const a of personio.listAbsencePeriods({ startsFromGte: `${from}T00:00:00` })) {
    absencePeriods.push(a);
    tick({ absences: absencePeriods.length });
  }

  const { audit, repair } = auditTenantState(
    { ...tenant, unresolvedEntryIds: input.unresolved.map((w) => w.entryId), unresolvedPeriodIds: input.unresolved.flatMap((w) => w.periodIds) },
    { workingTimes, workingTimeTypes, deleted },
    { attendancePeriods, absencePeriods },
  );
  const replace = repair.replace.slice(0, REPAIR_LIMIT);
  const remove = repair.remove.slice(0, Math.max(0, REPAIR_LIMIT - replace.length));
  const causes: Record<RepairCause, number> = { lost: 0, stale: 0, hours: 0 };
  for (const r of repair.replace) causes[r.cause]++;
  const { tenants: _tenants, samples, ...counts } = audit;
  return {
    tenantId: input.tenantId,
    at: now.toISOString(),
    windowStart,
    clean: auditClean(audit),
    counts,
    samples,
    repair: {
      replace: Object.fromEntries(replace.map((r) => [r.entryId, r.lastModified])),
      remove: remove.map((r) => ({ entryId: r.entryId, periodIds: r.periodIds })),
      entries: repair.replace.length,
      removals: repair.remove.length,
      causes,
      more: replace.length + remove.length < repair.replace.length + repair.remove.length,
    },
  };
}
