/**
 * The deletion feed is handed to runs in bounded chunks (a mass deletion in timr once put every
 * deleted entry into one plan): oldest first, cut at a timestamp boundary so the watermark
 * never skips an entry that shares the last taken instant. A fake timr serves the feed.
 */
import { describe, expect, it } from 'vitest';
import { collectWork } from '../../src/activities/collect-work.js';
import type { TimrClient } from '../../src/clients/timr/client.js';
import type { DeletedEntry } from '../../src/clients/timr/schemas.js';

/** 450 deleted, transferred entries; every three share one last_modified (a bulk delete). */
const deleted: DeletedEntry[] = Array.from({ length: 450 }, (_, i) => ({
  id: `d${String(i).padStart(3, '0')}`,
  last_modified: new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 3) * 1000).toISOString(),
  last_modified_by: null,
  // Every tenth was never transferred: nothing to remove, but the watermark passes it.
  metadata: i % 10 === 9 ? null : { personioSync: { periodIds: [`p-${i}`], personId: 'x', fingerprint: 'f', run: 'r' } },
})).reverse(); // the feed's own order is not relied on

const timr = {
  listWorkingTimeTypes: async () => [],
  async *listWorkingTimes() {},
  async *listDeletedWorkingTimes(after?: string) {
    for (const d of deleted) if (after === undefined || Date.parse(d.last_modified) > Date.parse(after)) yield d;
  },
} as unknown as TimrClient;

describe('deletions in bounded chunks', () => {
  it('hands over at most maxDeletions per plan, and the watermark leads through all of them exactly once', async () => {
    let watermark: string | null = null;
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const work = await collectWork(timr, { tenantId: 't', sync: {}, lookbackDays: 30, held: {}, deletionWatermark: watermark, maxDeletions: 100 });
      expect(work.deletions.length).toBeLessThanOrEqual(100);
      seen.push(...work.deletions.map((d) => d.entryId));
      watermark = work.deletionWatermark;
      if (!work.moreDeletions) break;
      // Cut between instants: the next chunk starts strictly after the last taken one.
      const last = work.deletions.at(-1)!;
      expect(Date.parse(watermark!)).toBe(Date.parse(last.lastModified));
    }
    const transferred = deleted.filter((d) => d.metadata).map((d) => d.id).sort();
    expect([...seen].sort()).toEqual(transferred);
    expect(new Set(seen).size).toBe(seen.length);
    // The watermark ends past every row, untransferred ones included.
    expect(watermark).toBe(deleted[0]!.last_modified);
  });
});
