/**
 * Locks the entry in timr and records what was transferred, in one PATCH. timr has no
 * precondition header: the answer is the entry as it is now locked, and if its content is
 * not what we posted (an employee edited it meanwhile), the workflow compensates and posts
 * the locked content, which we re-plan here.
 */
import type { TimrClient } from '../clients/timr/client.js';
import { typeCategories } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { parseTenantSyncConfig } from '../domain/tenant-config.js';
import type { LockInput, LockResult } from './contracts.js';
import { planEntry } from './plan-entry.js';
import { withSyncMetadata } from './sync-metadata.js';

export async function lockTimrEntry(timr: TimrClient, input: LockInput): Promise<LockResult> {
  const current = await timr.getWorkingTime(input.entryId);
  const locked = await timr.lockWorkingTime(input.entryId, withSyncMetadata(current.metadata, input.posted));
  // An empty transfer (entry withdrawn) has nothing whose content could differ.
  if (input.posted.periodIds.length === 0 || entryFingerprint(locked) === input.posted.fingerprint) return { outcome: 'locked' };

  const config = parseTenantSyncConfig(input.sync, input.tenantId);
  const ctx = { config, typeCategories: typeCategories(await timr.listWorkingTimeTypes()) };
  const plan = planEntry(locked, ctx, { fixedPersonId: input.posted.personId });
  if (plan.ok) return { outcome: 'content-changed', replan: plan.entry };
  return { outcome: 'content-changed', replan: null, reason: 'quarantine' in plan ? plan.quarantine.reason : plan.skip };
}
