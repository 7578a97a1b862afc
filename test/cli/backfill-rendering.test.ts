import { describe, expect, it } from 'vitest';
import type { BackfillPreview } from '../../src/activities/contracts.js';
import { renderPreview } from '../../src/cli/commands/backfill.js';

const preview = (over: Partial<BackfillPreview>): BackfillPreview => ({
  range: { from: '2026-08-01', to: '2026-08-31' },
  fates: { groups: [] },
  wouldTransfer: 2,
  wouldUpdate: 0,
  wouldRelock: 0,
  sample: [{ entryId: 'wt-1', employee: 'Sophie Brunner', date: '2026-08-03' }],
  quarantined: 0,
  quarantineSample: [],
  runs: 1,
  ...over,
});

describe('backfill --dry-run', () => {
  it('counts the entries it would transfer, and the rest of the days by fate only when there is a rest', () => {
    // Walking the runbook: 2 entries to transfer printed "every entry of those days: no entries".
    const lines = renderPreview('acme', preview({}));
    expect(lines[0]).toBe('backfill of acme 2026-08-01 to 2026-08-31 would transfer 2 entries and quarantine 0, in 1 run(s); nothing was written');
    expect(lines.join('\n')).not.toMatch(/no entries/);
    const withRest = renderPreview('acme', preview({ fates: { groups: [{ fate: 'transferred', reason: 'transferred before, unchanged since', count: 16, sample: [] }] } }));
    expect(withRest[1]).toBe('  the other entries of those days: 16 transferred');
  });
});
