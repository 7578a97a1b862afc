import { describe, expect, it } from 'vitest';
import { describeFateCounts, fateCounts, FATE_GROUP_LIMIT, FATE_SAMPLE_LIMIT, FateTally, FATES, OTHER_REASONS, totalEntries } from '../../src/domain/entry-fates.js';
import type { EntryOutcome } from '../../src/workflows/types.js';

const label = (i: number) => ({ entryId: `wt-${i}`, employee: `Anna Berger (timr user u-${i})`, date: '2026-10-19' });

describe('FateTally', () => {
  it('counts every entry but keeps at most FATE_SAMPLE_LIMIT labels per fate and reason', () => {
    const tally = new FateTally();
    for (let i = 0; i < 250; i++) tally.add('waiting', 'still running in timr', label(i));
    tally.add('empty', 'lasts zero minutes', label(999));
    const { groups } = tally.result();
    expect(groups.map((g) => [g.fate, g.count, g.sample.length])).toEqual([
      ['waiting', 250, FATE_SAMPLE_LIMIT],
      ['empty', 1, 1],
    ]);
    expect(groups[0]!.sample[0]).toEqual(label(0));
    expect(fateCounts({ groups })).toMatchObject({ waiting: 250, empty: 1, transferred: 0 });
    expect(totalEntries({ groups })).toBe(251);
  });

  it('folds reasons beyond FATE_GROUP_LIMIT into one group per fate, so a flood of distinct reasons stays bounded', () => {
    const tally = new FateTally();
    for (let i = 0; i < FATE_GROUP_LIMIT + 30; i++) tally.add('quarantined', `reason ${i}`, label(i));
    const { groups } = tally.result();
    expect(groups.length).toBe(FATE_GROUP_LIMIT + 1);
    expect(groups.find((g) => g.reason === OTHER_REASONS)?.count).toBe(30);
    expect(fateCounts({ groups }).quarantined).toBe(FATE_GROUP_LIMIT + 30);
  });

  it('merges tallies group by group and cuts long details', () => {
    const a = new FateTally();
    a.add('transferred', 'transferred before, unchanged since', label(1));
    const b = new FateTally(a.result());
    b.add('transferred', 'transferred before, unchanged since', label(2));
    b.add('failed', 'failed after retries', label(3), 'x'.repeat(1000));
    const merged = b.result();
    expect(merged.groups[0]).toMatchObject({ fate: 'transferred', count: 2 });
    expect(merged.groups[1]!.sample[0]!.detail!.length).toBeLessThanOrEqual(240);
    expect(merged.groups.map((g) => g.fate)).toEqual(['transferred', 'failed']);
  });

  it('says the counts in one phrase, in the order of the vocabulary', () => {
    expect(describeFateCounts({ ...fateCounts(undefined), waiting: 2, transferred: 12 })).toBe('12 transferred, 2 waiting (unfinished or unapproved)');
    expect(describeFateCounts(fateCounts(undefined))).toBe('no entries');
  });

  it('shares one vocabulary with the run outcomes', () => {
    const outcomes: EntryOutcome[] = ['transferred', 'updated', 'relocked', 'deleted', 'quarantined', 'deferred', 'failed', 'unresolved', 'not-started'];
    for (const o of outcomes) expect(FATES).toContain(o);
  });
});
