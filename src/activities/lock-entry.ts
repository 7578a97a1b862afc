/**
 * Locks entries in timr and records what was transferred, one PATCH per entry. timr has no
 * precondition header: the answer is the entry as it is now locked, and if its content is not
 * what we posted (an employee edited it meanwhile), the workflow compensates and posts the
 * locked content, which we re-plan here. An entry already approved or closed in timr keeps
 * its status (locking would undo the approval): it only gets our transfer record.
 */
import { NotFoundError } from '../clients/errors.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime, WorkingTimeType } from '../clients/timr/schemas.js';
import { typeCategories } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { parseTenantSyncConfig } from '../domain/tenant-config.js';
import type { TenantSecrets } from '../secrets/index.js';
import type { InspectLocksInput, InspectLocksResult, LockBatchInput, LockBatchResult, LockOutcome, SyncMetadata } from './contracts.js';
import { asEntryRefusal } from './entry-refusal.js';
import { progress, stopIfCancelled } from './heartbeat.js';
import { planEntry } from './plan-entry.js';
import { readSyncMetadata, withSyncMetadata } from './sync-metadata.js';

/** timr holds the entry finished with our record of exactly these periods: the lock happened. */
export function carriesOurLock(entry: WorkingTime, periodIds: readonly string[]): boolean {
  const record = readSyncMetadata(entry.metadata);
  return entry.status !== 'changeable' && record !== undefined && sameIds(record.periodIds, periodIds);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

/**
 * The PATCH answer may be lost or unreadable although timr applied it, and a retry of an applied
 * PATCH may then meet a 409. Never conclude "not locked" from an error: read the entry back.
 */
async function patchOrReadBack(timr: TimrClient, entryId: string, posted: SyncMetadata, patch: () => Promise<WorkingTime>): Promise<WorkingTime> {
  try {
    return await patch();
  } catch (err) {
    let now: WorkingTime;
    try {
      now = await timr.getWorkingTime(entryId);
    } catch {
      throw err;
    }
    if (carriesOurLock(now, posted.periodIds)) return now;
    throw err;
  }
}

async function lockOne(timr: TimrClient, input: LockBatchInput, entryId: string, posted: SyncMetadata, types: () => Promise<WorkingTimeType[]>): Promise<LockOutcome> {
  const current = await timr.getWorkingTime(entryId);
  const metadata = withSyncMetadata(current.metadata, posted);
  // An earlier try's PATCH took effect but its answer was lost: nothing to write again.
  const locked = carriesOurLock(current, posted.periodIds)
    ? current
    : await patchOrReadBack(timr, entryId, posted, () =>
        current.status === 'changeable' ? timr.lockWorkingTime(entryId, metadata) : timr.patchWorkingTime(entryId, { metadata }),
      );
  // An empty transfer (entry withdrawn) has nothing whose content could differ.
  if (posted.periodIds.length === 0 || entryFingerprint(locked) === posted.fingerprint) return { outcome: 'locked', entryId };

  const config = parseTenantSyncConfig(input.sync, input.tenantId);
  const plan = planEntry(locked, { config, typeCategories: typeCategories(await types()) }, { fixedPersonId: posted.personId });
  if (plan.ok) return { outcome: 'content-changed', entryId, replan: plan.entry };
  return { outcome: 'content-changed', entryId, replan: null, reason: 'quarantine' in plan ? plan.quarantine.reason : plan.skip };
}

export async function lockBatch(timr: TimrClient, input: LockBatchInput, secrets: TenantSecrets): Promise<LockBatchResult> {
  let typeList: Promise<WorkingTimeType[]> | undefined;
  const types = () => (typeList ??= timr.listWorkingTimeTypes());
  const results: LockOutcome[] = [];
  for (const { entryId, posted } of input.entries) {
    stopIfCancelled();
    try {
      // Each call retries itself (the lock PATCH is idempotent); an error is read back in lockOne.
      results.push(await lockOne(timr, input, entryId, posted, types));
    } catch (err) {
      const refusal = asEntryRefusal(entryId, err, secrets);
      if (!refusal) throw err;
      results.push({ outcome: 'refused', entryId, failureType: refusal.failureType, message: refusal.message });
    }
    progress({ done: results.length, of: input.entries.length });
  }
  return { results };
}

/** Read-only check after a lock batch failed for good: which entries does timr hold locked with our record? */
export async function inspectLocks(timr: TimrClient, input: InspectLocksInput): Promise<InspectLocksResult> {
  const locked: string[] = [];
  for (const { entryId, periodIds } of input.entries) {
    let entry: WorkingTime;
    try {
      entry = await timr.getWorkingTime(entryId);
    } catch (err) {
      // Deleted meanwhile: certainly not locked with our record.
      if (err instanceof NotFoundError) continue;
      throw err;
    }
    if (carriesOurLock(entry, periodIds)) locked.push(entryId);
    progress({ locked: locked.length });
  }
  return { locked };
}
