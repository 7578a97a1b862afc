/**
 * Reads what a sync cycle has to do from timr: entries in the look-back window that still need
 * a transfer, classified by the domain rules, and deletions of entries we had transferred.
 *
 * timr is the source of truth: a `changeable` entry has not been transferred (or was unlocked
 * since), and an entry approved, closed or locked by someone else before we saw it carries no
 * transfer record of ours in its metadata — it needs a transfer too, or its hours are lost.
 */
import { heartbeat } from '@temporalio/activity';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime, WorkingTimeStatus } from '../clients/timr/schemas.js';
import { classifyEntry, typeCategories, type ClassificationContext } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { parseTenantSyncConfig } from '../domain/tenant-config.js';
import type { PlannedDeletion } from './contracts.js';
import { readSyncMetadata } from './sync-metadata.js';

export interface CollectInput {
  tenantId: string;
  sync: unknown;
  lookbackDays: number;
  held: Record<string, string>;
  deletionWatermark: string | null;
  /** Clock for the look-back window (tests pin it). */
  now?: Date;
}

export interface CollectedWork {
  ctx: ClassificationContext;
  /** Finished attendance and Zeitausgleich entries, oldest first, minus unchanged held ones. */
  eligible: WorkingTime[];
  /** Transferred earlier, now no attendance any more (e.g. retyped to vacation): periods to remove. */
  withdrawn: WorkingTime[];
  /** Entries classified invalid by the domain rules (quarantine with the reason). */
  invalid: { entry: WorkingTime; reason: string }[];
  skipped: Record<string, number>;
  /** Held entries that need nothing any more (deleted, retyped to an absence, no longer changeable). */
  releasedQuarantine: string[];
  deletions: PlannedDeletion[];
  deletionWatermark: string | null;
}

/** Statuses in which an entry can no longer be edited by its employee. */
const FINISHED_ELSEWHERE = ['approved', 'closed', 'locked'] as const;

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export async function collectWork(timr: TimrClient, input: CollectInput): Promise<CollectedWork> {
  const config = parseTenantSyncConfig(input.sync, input.tenantId);
  const ctx: ClassificationContext = { config, typeCategories: typeCategories(await timr.listWorkingTimeTypes()) };
  const now = input.now ?? new Date();
  const from = new Date(now.getTime() - input.lookbackDays * 86_400_000);

  const eligible: WorkingTime[] = [];
  const invalid: CollectedWork['invalid'] = [];
  const withdrawn: WorkingTime[] = [];
  const skipped: Record<string, number> = {};
  // Held ids still held or up for another try; the rest are released.
  const stillConcerned = new Set<string>();
  const statuses: WorkingTimeStatus[] = ['changeable', ...FINISHED_ELSEWHERE];
  let listed = 0;
  for await (const entry of timr.listWorkingTimes({ statuses, start_from: isoDate(from), sort_by: 'start', sort_direction: 'asc' })) {
    // A big tenant's window spans many pages: show Temporal we are alive while reading them
    // (the SDK throttles heartbeats, so one per entry costs nothing).
    heartbeat({ listed: ++listed });
    // Not editable by the employee and carrying our record of exactly this content: done.
    // (An admin may still change a locked or approved entry: then the record no longer fits.)
    if (entry.status !== 'changeable' && readSyncMetadata(entry.metadata)?.fingerprint === entryFingerprint(entry)) continue;
    if (input.held[entry.id] === entry.last_modified) {
      skipped.held = (skipped.held ?? 0) + 1;
      stillConcerned.add(entry.id);
      continue;
    }
    const c = classifyEntry(entry, ctx);
    if (c.kind !== 'skip') stillConcerned.add(entry.id);
    if (c.kind === 'skip' && (c.code === 'absence' || c.code === 'empty') && readSyncMetadata(entry.metadata)?.periodIds.length) withdrawn.push(entry);
    else if (c.kind === 'skip') skipped[c.code] = (skipped[c.code] ?? 0) + 1;
    else if (c.kind === 'invalid') invalid.push({ entry, reason: c.reason });
    else eligible.push(entry);
  }

  const deletions: PlannedDeletion[] = [];
  let deletionWatermark = input.deletionWatermark;
  for await (const deleted of timr.listDeletedWorkingTimes(input.deletionWatermark ?? undefined)) {
    // Compare instants, not strings: timr may vary the fractional-second precision.
    if (!deletionWatermark || Date.parse(deleted.last_modified) > Date.parse(deletionWatermark)) deletionWatermark = deleted.last_modified;
    const record = readSyncMetadata(deleted.metadata);
    if (record && record.periodIds.length) deletions.push({ entryId: deleted.id, periodIds: record.periodIds, lastModified: deleted.last_modified });
  }
  const releasedQuarantine = Object.keys(input.held).filter((id) => !stillConcerned.has(id));
  return { ctx, eligible, withdrawn, invalid, skipped, releasedQuarantine, deletions, deletionWatermark };
}
