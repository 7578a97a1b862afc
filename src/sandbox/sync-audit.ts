/**
 * Reads both sandboxes back after a sync and checks the invariants payroll depends on:
 * every eligible entry transferred or quarantined, no duplicate period, nothing transferred
 * but left unlocked, no Personio period that no locked entry accounts for.
 */
import { z } from 'zod';
import { AttendancePeriod, Person } from '../clients/personio/schemas.js';
import { WorkingTime, WorkingTimeType } from '../clients/timr/schemas.js';
import { SYNC_METADATA_KEY, SyncMetadata } from '../activities/contracts.js';
import { buildPersonIndex, matchUser } from '../domain/employee-matching.js';
import { classifyEntry, typeCategories } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import type { TenantSyncConfig } from '../domain/tenant-config.js';
import { transformEntry } from '../domain/transform.js';
import { ZEITAUSGLEICH_COMMENT } from '../domain/zeitausgleich.js';

export const TimrSandboxState = z.record(
  z.string(),
  z.object({ workingTimes: z.array(WorkingTime), workingTimeTypes: z.array(WorkingTimeType) }).passthrough(),
);
export type TimrSandboxState = z.infer<typeof TimrSandboxState>;

export const PersonioSandboxState = z.object({
  tenants: z.record(z.string(), z.object({ persons: z.array(Person), attendancePeriods: z.array(AttendancePeriod) }).passthrough()),
});
export type PersonioSandboxState = z.infer<typeof PersonioSandboxState>;

export interface AuditTenant {
  tenantId: string;
  sync: TenantSyncConfig;
  /** Entries the tenant workflow holds in quarantine. */
  quarantined: number;
}

export interface SyncAudit {
  tenants: number;
  entriesEligible: number;
  entriesTransferred: number;
  periodsCreated: number;
  entriesLocked: number;
  zeitausgleichDays: number;
  quarantined: number;
  duplicatePeriods: number;
  transferredButUnlocked: number;
  orphanPeriods: number;
}

const slot = (personId: string, type: string, start: string, end: string | null) => `${personId}|${type}|${start}|${end ?? ''}`;

export function syncMetadataOf(entry: WorkingTime): SyncMetadata | undefined {
  const parsed = SyncMetadata.safeParse(entry.metadata?.[SYNC_METADATA_KEY]);
  return parsed.success ? parsed.data : undefined;
}

export function auditSync(timrRaw: unknown, personioRaw: unknown, tenants: AuditTenant[]): SyncAudit {
  const timr = TimrSandboxState.parse(timrRaw);
  const personio = PersonioSandboxState.parse(personioRaw);
  const audit: SyncAudit = {
    tenants: tenants.length,
    entriesEligible: 0,
    entriesTransferred: 0,
    periodsCreated: 0,
    entriesLocked: 0,
    zeitausgleichDays: 0,
    quarantined: 0,
    duplicatePeriods: 0,
    transferredButUnlocked: 0,
    orphanPeriods: 0,
  };

  for (const tenant of tenants) {
    const t = timr[tenant.tenantId];
    const p = personio.tenants[tenant.tenantId];
    if (!t || !p) throw new Error(`sandbox has no tenant ${tenant.tenantId} (timr: ${Boolean(t)}, Personio: ${Boolean(p)})`);
    const ctx = { config: tenant.sync, typeCategories: typeCategories(t.workingTimeTypes) };
    const index = buildPersonIndex(p.persons, tenant.sync.matching);
    audit.quarantined += tenant.quarantined;
    audit.periodsCreated += p.attendancePeriods.length;

    const slots = new Map<string, number>();
    for (const period of p.attendancePeriods) {
      const key = slot(period.person.id, period.type, period.start.date_time, period.end?.date_time ?? null);
      slots.set(key, (slots.get(key) ?? 0) + 1);
    }
    for (const n of slots.values()) audit.duplicatePeriods += n - 1;

    const zaDays = new Set<string>();
    for (const period of p.attendancePeriods) {
      if (period.type === 'WORK' && period.comment === ZEITAUSGLEICH_COMMENT && period.end?.date_time === period.start.date_time) {
        zaDays.add(`${period.person.id}|${period.start.date_time.slice(0, 10)}`);
      }
    }
    audit.zeitausgleichDays += zaDays.size;

    const accounted = new Set<string>();
    for (const entry of t.workingTimes) {
      if (entry.status === 'locked') audit.entriesLocked++;
      const meta = syncMetadataOf(entry);
      // Transferred = can no longer be edited (locked by us, or approved/closed in timr, which we
      // mark without touching the status) and carries our record of exactly its content.
      const done = meta !== undefined && entry.status !== 'changeable' && meta.fingerprint === entryFingerprint(entry);
      if (done) meta.periodIds.forEach((id) => accounted.add(id));

      const kind = classifyEntry(entry, ctx).kind;
      if (kind === 'skip') continue;
      audit.entriesEligible++;
      if (done) {
        audit.entriesTransferred++;
        continue;
      }
      // Not locked: is any of its periods in Personio anyway?
      const match = matchUser(index, entry.user);
      const planned = transformEntry(entry, ctx);
      if (match.ok && planned.kind === 'periods' && planned.periods.some((q) => slots.has(slot(match.personId, q.type, q.start, q.end)))) {
        audit.transferredButUnlocked++;
      }
    }
    for (const period of p.attendancePeriods) if (!accounted.has(period.id)) audit.orphanPeriods++;
  }
  return audit;
}
