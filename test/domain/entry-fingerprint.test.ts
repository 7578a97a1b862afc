import { describe, expect, it } from 'vitest';
import { entryCanonicalForm } from '../../src/domain/entry-fingerprint.js';
import { attendancePeriodKey, entryFingerprint, periodKey } from '../../src/domain/ledger.js';
import type { PlannedPeriod } from '../../src/domain/planned-period.js';
import { entry, manualBreak } from './fixtures.js';

const base = entry({
  start: '2026-11-20T08:00:00+01:00',
  end: '2026-11-20T16:30:00+01:00',
  notes: 'Kunde',
  break_time_total_minutes: 40,
  break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00'), manualBreak('2026-11-20T15:00:00+01:00', '2026-11-20T15:10:00+01:00')],
});

describe('entryFingerprint', () => {
  it('is deterministic and shaped v1:<16 hex>', () => {
    expect(entryFingerprint(base)).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(entryFingerprint(structuredClone(base))).toBe(entryFingerprint(base));
  });

  it('ignores what locking changes and how the device wrote the offset', () => {
    const locked = {
      ...base,
      status: 'locked' as const,
      last_modified: '2026-11-22T10:00:00Z',
      metadata: { personioSync: { periodIds: ['a'] } },
      start: '2026-11-20T07:00:00Z',
      break_times: [...base.break_times].reverse(),
    };
    expect(entryFingerprint(locked)).toBe(entryFingerprint(base));
  });

  it.each([
    ['start', { start: '2026-11-20T08:01:00+01:00' }],
    ['end', { end: '2026-11-20T16:31:00+01:00' }],
    ['notes', { notes: 'Kunde B' }],
    ['break total', { break_time_total_minutes: 45 }],
    ['breaks', { break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:35:00+01:00')] }],
    ['type', { working_time_type: { id: 'other', name: 'Arbeitszeit', external_id: null } }],
    ['user', { user: { ...base.user, id: 'u-8' } }],
  ])('changes when %s changes', (_what, change) => {
    expect(entryFingerprint({ ...base, ...change })).not.toBe(entryFingerprint(base));
  });
});

/** The first version's algorithm, verbatim (a BigInt per byte): the oracle for stored fingerprints. */
function referenceFnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    for (const byte of [unit & 0xff, unit >>> 8]) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `v1:${hash.toString(16).padStart(16, '0')}`;
}

describe('entryFingerprint stays what timr metadata already holds', () => {
  it('keeps the value of a fingerprint written by the first version', () => {
    // Computed by the BigInt implementation that wrote transferred entries' metadata until issue 10.
    const stored = entry({
      start: '2026-11-20T08:00:00+01:00',
      end: '2026-11-20T16:30:00+01:00',
      notes: 'Kunde – Café ☕ 😀',
      break_time_total_minutes: 40,
      break_times: [manualBreak('2026-11-20T12:00:00+01:00', '2026-11-20T12:30:00+01:00')],
    });
    expect(entryFingerprint(stored)).toBe('v1:cfd644817bdfaf38');
  });

  it('equals the first version on varied content (non-ASCII notes, many breaks, odd offsets)', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = ['a', 'Z', ' ', 'ä', 'ß', '€', '☕', '😀', '\n', '"', '\u0000', '\uffff'];
    for (let i = 0; i < 300; i++) {
      const notes = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join('');
      const breaks = Array.from({ length: rand(4) }, (_, b) => manualBreak(`2026-11-20T1${b}:00:00+0${rand(9)}:00`, `2026-11-20T1${b}:${10 + rand(40)}:00+00:00`));
      const e = entry({ start: `2026-11-${10 + rand(18)}T0${rand(9)}:${10 + rand(49)}:00-0${rand(9)}:30`, end: `2026-11-28T2${rand(4)}:00:00+01:00`, notes, break_times: breaks, break_time_total_minutes: rand(120) });
      expect(entryFingerprint(e)).toBe(referenceFnv1a64(entryCanonicalForm(e)));
    }
  });
});

describe('periodKey', () => {
  it('is equal for a planned period and the same period read back from Personio', () => {
    const period: PlannedPeriod = { type: 'WORK', start: '2026-11-20T08:00:00', end: '2026-11-20T12:00:00', comment: 'x' };
    const planned = periodKey('p-1', period);
    const existing = attendancePeriodKey({
      id: 'uuid-1',
      person: { id: 'p-1' },
      type: 'WORK',
      start: { date_time: '2026-11-20T08:00:00' },
      end: { date_time: '2026-11-20T12:00:00' },
      comment: 'other comment',
    });
    expect(existing).toBe(planned);
  });

  it('differs by person, type, start and end', () => {
    const p = { type: 'WORK' as const, start: '2026-11-20T08:00:00', end: '2026-11-20T12:00:00' };
    const key = periodKey('p-1', p);
    expect(new Set([key, periodKey('p-2', p), periodKey('p-1', { ...p, type: 'BREAK' }), periodKey('p-1', { ...p, start: '2026-11-20T08:00:01' }), periodKey('p-1', { ...p, end: null })]).size).toBe(5);
  });
});
