import { describe, expect, it } from 'vitest';
import { RUN_OUTCOME_KEYWORDS, runOutcomeKeyword } from '../../src/domain/search-attributes.js';

describe('RunOutcome keyword', () => {
  it('marks a success that quarantined entries, and keeps every other outcome as it is', () => {
    expect(runOutcomeKeyword('succeeded', 0)).toBe('succeeded');
    expect(runOutcomeKeyword('succeeded', 1)).toBe('succeeded-with-quarantine');
    // A partial, failed or auth-failed run says so whatever it quarantined: that is the more urgent news.
    for (const o of ['partial', 'failed', 'auth-failed'] as const) {
      expect(runOutcomeKeyword(o, 0)).toBe(o);
      expect(runOutcomeKeyword(o, 7)).toBe(o);
    }
    expect([...RUN_OUTCOME_KEYWORDS].sort()).toEqual(['auth-failed', 'failed', 'partial', 'succeeded', 'succeeded-with-quarantine']);
  });
});
