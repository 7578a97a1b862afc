/**
 * What the audit needs to know about a tenant, taken from the tenant workflow's status view:
 * its zone, its Zeitausgleich setting, its DST rule, when it transfers, its quarantine and its
 * look-back window. Typed by shape
 * only, so the audit does not depend on the workflow's types.
 */
import type { AuditTenant } from './oracle.js';

const DAY_MS = 86_400_000;

export interface TenantStatusLike {
  tenantId: string;
  settings: {
    lookbackDays: number;
    sync: {
      timezone: string;
      zeitausgleich: { typeIds: string[]; externalIds: string[]; names: string[] };
      dst?: string;
      transferWhen?: string;
    };
  };
  quarantined: readonly { entryId: string }[];
}

/**
 * The window starts a day later than the product's (`now − lookbackDays`, read as a UTC date),
 * so an entry on the boundary day is never judged against a window the product did not read.
 */
export function auditTenantFromStatus(status: TenantStatusLike, now: Date = new Date()): AuditTenant {
  const sync = status.settings.sync;
  return {
    tenantId: status.tenantId,
    timezone: sync.timezone,
    zeitausgleich: { typeIds: [...sync.zeitausgleich.typeIds], externalIds: [...sync.zeitausgleich.externalIds], names: [...sync.zeitausgleich.names] },
    quarantinedEntryIds: status.quarantined.map((q) => q.entryId),
    // The tenant's sync.dst; a status without it is a tenant on the product's default.
    dst: sync.dst === 'wall-clock' ? 'wall-clock' : 'preserve-duration',
    transferWhen: sync.transferWhen === 'approved' ? 'approved' : 'finished',
    windowStart: new Date(now.getTime() - (status.settings.lookbackDays - 1) * DAY_MS).toISOString().slice(0, 10),
  };
}
