/**
 * Locks entries in timr and records what was transferred, one PATCH per entry, and the PATCH's
 * answer is the read: the entry's status and the customer's metadata come from planning's read
 * (LockBase). A retried attempt, an entry planned without a base, and any failed PATCH read the
 * entry first (an unknown outcome is resolved by reading timr before any further write). timr has no
 * precondition header: the answer is the entry as it is now locked, and if its content is not
 * what we posted (an employee edited it meanwhile), the workflow compensates and posts the
 * locked content, which we re-plan here. An entry already approved or closed in timr keeps
 * its status (locking would undo the approval): it only gets our transfer record.
 */
import { NotFoundError, VendorError } from '../clients/errors.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime, WorkingTimeType } from '../clients/timr/schemas.js';
import { typeCategories } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { parseTenantSyncConfig } from '../domain/tenant-config.js';
import type { TenantSecrets } from '../secrets/index.js';
import type { InspectLocksInput, InspectLocksResult, LockBase, LockBatchInput, LockBatchResult, LockOutcome, SyncMetadata } from './contracts.js';
import { asEntryRefusal } from './entry-refusal.js';
import { activityAttempt, progress, stopIfCancelled } from './heartbeat.js';
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

/** The PATCH that locks (or, for an approved or closed entry, only records): status and metadata as `base` says. */
function lockPatch(timr: TimrClient, entryId: string, base: LockBase, posted: SyncMetadata, opts: { once?: boolean } = {}): Promise<WorkingTime> {
  const metadata = withSyncMetadata(base.metadata, posted);
  return base.status === 'changeable' ? timr.lockWorkingTime(entryId, metadata, opts) : timr.patchWorkingTime(entryId, { metadata }, opts);
}

/** Read first, then PATCH (the way of a retried attempt and of entries planned without a base). */
async function readThenLock(timr: TimrClient, entryId: string, posted: SyncMetadata, current?: WorkingTime): Promise<WorkingTime> {
  current ??= await timr.getWorkingTime(entryId);
  // An earlier try's PATCH took effect but its answer was lost: nothing to write again.
  if (carriesOurLock(current, posted.periodIds)) return current;
  // Anything but changeable keeps its status (locking would undo an approval): only our record is written.
  const base: LockBase = { status: current.status === 'changeable' ? 'changeable' : 'locked', metadata: current.metadata ?? null };
  return patchOrReadBack(timr, entryId, posted, () => lockPatch(timr, entryId, base, posted));
}

/**
 * One PATCH from planning's read, no read first. On any failure the entry is read back: locked
 * with our record is done; otherwise a retryable failure goes on from what was read.
 */
async function lockFromBase(timr: TimrClient, entryId: string, posted: SyncMetadata, base: LockBase): Promise<WorkingTime> {
  try {
    return await lockPatch(timr, entryId, base, posted, { once: true });
  } catch (err) {
    let now: WorkingTime;
    try {
      now = await timr.getWorkingTime(entryId);
    } catch {
      throw err;
    }
    if (carriesOurLock(now, posted.periodIds)) return now;
    if (!(err instanceof VendorError) || !err.kind.retryable) throw err;
    return readThenLock(timr, entryId, posted, now);
  }
}

async function lockOne(timr: TimrClient, input: LockBatchInput, item: LockBatchInput['entries'][number], types: () => Promise<WorkingTimeType[]>): Promise<LockOutcome> {
  const { entryId, posted } = item;
  // A retried attempt may follow PATCHes whose answers were lost: read before writing again.
  const locked = item.base && activityAttempt() === 1 ? await lockFromBase(timr, entryId, posted, item.base) : await readThenLock(timr, entryId, posted);
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
  for (const item of input.entries) {
    stopIfCancelled();
    try {
      // An error is read back in lockOne before anything else is written for the entry.
      results.push(await lockOne(timr, input, item, types));
    } catch (err) {
      const refusal = asEntryRefusal(item.entryId, err, secrets);
      if (!refusal) throw err;
      results.push({ outcome: 'refused', entryId: item.entryId, failureType: refusal.failureType, message: refusal.message });
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
