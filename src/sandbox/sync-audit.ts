/**
 * Reads both sandboxes back after a sync and judges what payroll depends on — nothing lost,
 * duplicated, orphaned, stale or claimed twice, every eligible entry transferred (with timr's
 * hours) or quarantined. The oracle lives in ./audit/ and imports nothing of the product.
 *
 * Also here, for tests that inspect the sandboxes directly: the state parsed with the wire
 * schemas (full types), and the transfer record of an entry.
 */
import { z } from 'zod';
import { AbsencePeriod, AttendancePeriod, Person } from '../clients/personio/schemas.js';
import { DeletedEntry, WorkingTime, WorkingTimeType } from '../clients/timr/schemas.js';

export { auditClean, auditSync, SAMPLE_LIMIT, type AuditTenant, type HoursMismatch, type SyncAudit } from '../audit/oracle.js';
export { auditTenantFromStatus, type TenantStatusLike } from '../audit/tenant.js';
export { transferRecordOf as syncMetadataOf, TRANSFER_RECORD_KEY, type TransferRecord } from '../audit/raw-state.js';

export const TimrSandboxState = z.record(
  z.string(),
  z.object({ workingTimes: z.array(WorkingTime), workingTimeTypes: z.array(WorkingTimeType), deleted: z.array(DeletedEntry).default([]) }).passthrough(),
);
export type TimrSandboxState = z.infer<typeof TimrSandboxState>;

export const PersonioSandboxState = z.object({
  tenants: z.record(z.string(), z.object({ persons: z.array(Person), attendancePeriods: z.array(AttendancePeriod), absencePeriods: z.array(AbsencePeriod).default([]) }).passthrough()),
});
export type PersonioSandboxState = z.infer<typeof PersonioSandboxState>;
