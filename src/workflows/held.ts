import type { QuarantinedEntry } from '../activities/contracts.js';

/**
 * Entries a tenant holds back while they stay unchanged in timr (entryId → last_modified):
 * the quarantined ones and those settled without a lock.
 */
export function heldEntries(quarantined: readonly QuarantinedEntry[], settled: Record<string, string> | undefined): Record<string, string> {
  return { ...settled, ...Object.fromEntries(quarantined.map((q) => [q.entryId, q.lastModified])) };
}
