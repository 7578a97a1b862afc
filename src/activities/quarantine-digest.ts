/**
 * The digest by which the tenant recognises "the same quarantined entries as last time" without
 * keeping them: planning computes it over the quarantined entries the tenant does not hold, the
 * cheap check over what it would otherwise call new work. Equal digests: nothing new.
 */
import { createHash } from 'node:crypto';

export function quarantineDigest(entries: Iterable<{ entryId: string; lastModified: string }>): string | null {
  const keys = [...entries].map((e) => `${e.entryId}\u0000${e.lastModified}`).sort();
  if (keys.length === 0) return null;
  const hash = createHash('sha256');
  for (const key of keys) hash.update(`${key}\n`);
  return hash.digest('hex').slice(0, 32);
}
