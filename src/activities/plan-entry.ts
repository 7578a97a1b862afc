/**
 * One timr entry → the planned transfer the run workflow executes (periods, person, kind),
 * or the reason it has to wait in quarantine. Shared by planning and by the lock step, which
 * re-plans an entry whose content changed under our lock.
 */
import type { WorkingTime } from '../clients/timr/schemas.js';
import { entryLabel } from '../domain/entry-label.js';
import { booksNothing, type ClassificationContext, type SkipCode } from '../domain/entry-classification.js';
import { matchUser, type PersonIndex } from '../domain/employee-matching.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { transformEntry } from '../domain/transform.js';
import { LOCK_BASE_METADATA_LIMIT, SYNC_METADATA_KEY, type LockBase, type PlannedEntry, type QuarantinedEntry } from './contracts.js';
import { readSyncMetadata } from './sync-metadata.js';

const withLockBase = (entry: WorkingTime) => {
  const lockBase = lockBaseOf(entry);
  return lockBase ? { lockBase } : {};
};

/** The entry's status and the customer's metadata, for a lock without a read first; undefined when too big or not lockable. */
export function lockBaseOf(entry: WorkingTime): LockBase | undefined {
  const { status } = entry;
  if (status !== 'changeable' && status !== 'approved' && status !== 'closed' && status !== 'locked') return undefined;
  const { [SYNC_METADATA_KEY]: _ours, ...theirs } = entry.metadata ?? {};
  if (Object.keys(theirs).length === 0) return { status, metadata: null };
  return JSON.stringify(theirs).length <= LOCK_BASE_METADATA_LIMIT ? { status, metadata: theirs } : undefined;
}

export type EntryPlan = { ok: true; entry: PlannedEntry } | { ok: false; quarantine: QuarantinedEntry } | { ok: false; skip: string; code: SkipCode };

export function planEntry(entry: WorkingTime, ctx: ClassificationContext, persons: PersonIndex | { fixedPersonId: string }, notOurs: string[] = []): EntryPlan {
  const label = entryLabel(entry, ctx.config.timezone);
  const previous = readSyncMetadata(entry.metadata);
  const fingerprint = entryFingerprint(entry);
  const quarantine = (reason: string, code: QuarantinedEntry['code']): EntryPlan => ({ ok: false, quarantine: { ...label, reason, code, lastModified: entry.last_modified } });

  const transformed = transformEntry(entry, ctx);
  if (transformed.kind === 'invalid') return quarantine(transformed.reason, 'entry-data');
  if (transformed.kind === 'skip') {
    // Transferred before but no longer an attendance: its periods must go.
    if (previous?.periodIds.length && booksNothing(transformed.code)) {
      return {
        ok: true,
        entry: { ...label, personId: previous.personId, userId: entry.user.id, notOurs, periods: [], fingerprint, lastModified: entry.last_modified, previous, kind: 'retransfer', warnings: [transformed.reason], ...withLockBase(entry) },
      };
    }
    return { ok: false, skip: transformed.reason, code: transformed.code };
  }

  let personId: string;
  const warnings = [...transformed.warnings];
  if ('fixedPersonId' in persons) {
    personId = persons.fixedPersonId;
  } else {
    const match = matchUser(persons, entry.user);
    if (!match.ok) return quarantine(match.reason, 'employee-match');
    personId = match.personId;
    warnings.push(...match.warnings);
  }

  const kind = !previous ? 'new' : previous.fingerprint === fingerprint && previous.personId === personId ? 'relock' : 'retransfer';
  return {
    ok: true,
    entry: {
      ...label,
      personId,
      userId: entry.user.id,
      notOurs,
      periods: transformed.periods,
      fingerprint,
      lastModified: entry.last_modified,
      ...(previous && { previous }),
      kind,
      warnings,
      ...withLockBase(entry),
    },
  };
}
