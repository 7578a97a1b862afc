/**
 * The runs of one backfill judge the same window again and again: a 5,000-entry window took
 * about 1 s of CPU per 200-entry run to fingerprint, label and plan every entry anew (issue 10).
 * The window cache (window-cache.ts) hands every run the same entry objects for what timr did
 * not change, so what the pure rules computed for an object is remembered on it: an entry timr
 * changed arrives as a new object and is judged afresh. Keyed weakly, so nothing outlives the
 * window that holds the entries. Parsed entries are never mutated (the rules only read them).
 */
import { createHash } from 'node:crypto';
import type { WorkingTime } from '../clients/timr/schemas.js';
import type { ClassificationContext } from '../domain/entry-classification.js';
import { entryFingerprint } from '../domain/entry-fingerprint.js';
import { entryLabel, type EntryLabel } from '../domain/entry-label.js';
import type { Person } from '../clients/personio/schemas.js';

const fingerprints = new WeakMap<WorkingTime, string>();
const labels = new WeakMap<WorkingTime, { zone: string; label: EntryLabel }>();
const plans = new WeakMap<WorkingTime, { key: string; plan: unknown }>();

export function fingerprintOf(entry: WorkingTime): string {
  let fp = fingerprints.get(entry);
  if (fp === undefined) {
    fp = entryFingerprint(entry);
    fingerprints.set(entry, fp);
  }
  return fp;
}

/** The label as entryLabel gives it; callers copy what they keep (FateTally does). */
export function labelOf(entry: WorkingTime, zone: string): EntryLabel {
  const hit = labels.get(entry);
  if (hit?.zone === zone) return hit.label;
  const label = entryLabel(entry, zone);
  labels.set(entry, { zone, label });
  return label;
}

/** Everything a plan depends on besides the entry itself: the rules (config, type categories) and the people. */
export function planInputsKey(ctx: ClassificationContext, persons: readonly Person[]): string {
  return createHash('sha256').update(JSON.stringify(ctx)).update('\n').update(JSON.stringify(persons)).digest('base64url');
}

/** `compute()` once per entry object for the same inputs and neighbours' periods (`notOurs`). */
export function planOf<P>(entry: WorkingTime, inputsKey: string, notOurs: readonly string[], compute: () => P): P {
  const key = `${inputsKey}|${notOurs.join(',')}`;
  const hit = plans.get(entry);
  if (hit?.key === key) return hit.plan as P;
  const plan = compute();
  plans.set(entry, { key, plan });
  return plan;
}
