/**
 * Locks entries in timr and records what was transferred, one PATCH per entry. timr has no
 * precondition header: the answer is the entry as it is now locked, and if its content is not
 * what we posted (an employee edited it meanwhile), the workflow compensates and posts the
 * locked content, which we re-plan here. An entry already approved or closed in timr keeps
 * its status (locking would undo the approval): it only gets our transfer record.
 */
import { heartbeat } from '@temporalio/activity';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTimeType } from '../clients/timr/schemas.js';
import { typeCategories } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { parseTenantSyncConfig } from '../domain/tenant-config.js';
import type { TenantSecrets } from '../secrets/index.js';
import type { LockBatchInput, LockBatchResult, LockOutcome, SyncMetadata } from './contracts.js';
import { asEntryRefusal } from './entry-refusal.js';
import { retryEntry } from './entry-retry.js';
import { planEntry } from './plan-entry.js';
import { withSyncMetadata } from './sync-metadata.js';

async function lockOne(timr: TimrClient, input: LockBatchInput, entryId: string, posted: SyncMetadata, types: () => Promise<WorkingTimeType[]>): Promise<LockOutcome> {
  const current = await timr.getWorkingTime(entryId);
  const metadata = withSyncMetadata(current.metadata, posted);
  const locked = current.status === 'changeable' ? await timr.lockWorkingTime(entryId, metadata) : await timr.patchWorkingTime(entryId, { metadata });
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
    try {
      // The lock PATCH is idempotent, so a brief retry here is safe.
      results.push(await retryEntry(() => lockOne(timr, input, entryId, posted, types)));
    } catch (err) {
      const refusal = asEntryRefusal(entryId, err, secrets);
      if (!refusal) throw err;
      results.push({ outcome: 'refused', entryId, failureType: refusal.failureType, message: refusal.message });
    }
    heartbeat({ done: results.length });
  }
  return { results };
}
