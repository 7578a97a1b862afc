/** Reading and writing what this product records in a timr entry's `metadata`. */
import type { WorkingTime } from '../clients/timr/schemas.js';
import { SYNC_METADATA_KEY, SyncMetadata } from './contracts.js';

/** The record of an earlier transfer, or undefined when the entry was never transferred. */
export function readSyncMetadata(metadata: WorkingTime['metadata'] | undefined): SyncMetadata | undefined {
  const raw = metadata?.[SYNC_METADATA_KEY];
  if (raw === undefined || raw === null) return undefined;
  const parsed = SyncMetadata.safeParse(raw);
  // Someone edited our key by hand: treat as never transferred rather than guess ids.
  return parsed.success ? parsed.data : undefined;
}

/** The customer's metadata with our record set; their other keys are kept as they are. */
export function withSyncMetadata(metadata: WorkingTime['metadata'] | undefined, record: SyncMetadata): Record<string, unknown> {
  return { ...(metadata ?? {}), [SYNC_METADATA_KEY]: record };
}
