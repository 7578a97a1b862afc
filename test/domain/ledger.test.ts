import { describe, expect, it } from 'vitest';
import {
  applyLedgerEvent,
  IllegalLedgerTransition,
  isSettled,
  livePeriodIds,
  newLedgerEntry,
  newRemovalLedgerEntry,
  newVerdictLedgerEntry,
  type EntryLedger,
  type LedgerEvent,
} from '../../src/domain/ledger.js';

const fresh = () => newLedgerEntry({ entryId: 'wt-1', fingerprint: 'v1:aaa' });
const run = (entry: EntryLedger, ...events: LedgerEvent[]) => events.reduce(applyLedgerEvent, entry);
const postStarted: LedgerEvent = { type: 'post-started' };
const posted: LedgerEvent = { type: 'posted', periodIds: ['a', 'b'] };
const lockStarted: LedgerEvent = { type: 'lock-started' };

describe('ledger: legal transitions', () => {
  it('pending → posting → posted → locking → locked', () => {
    const locked = run(fresh(), postStarted, posted, lockStarted, { type: 'locked' });
    expect(locked.state).toEqual({ name: 'locked', periodIds: ['a', 'b'] });
    expect(isSettled(locked)).toBe(true);
    expect(livePeriodIds(locked)).toEqual(['a', 'b']);
  });

  it('a post whose answer never came is unknown, not failed, and settles the entry for this run', () => {
    const unknown = run(fresh(), postStarted, { type: 'outcome-unknown', reason: 'timed out' });
    expect(unknown.state).toEqual({ name: 'unknown', periodIds: [], reason: 'timed out' });
    expect(isSettled(unknown)).toBe(true);
  });

  it('a lock whose outcome is unknown keeps the posted ids', () => {
    const unknown = run(fresh(), postStarted, posted, lockStarted, { type: 'outcome-unknown', reason: 'reset' });
    expect(unknown.state).toEqual({ name: 'unknown', periodIds: ['a', 'b'], reason: 'reset' });
    expect(livePeriodIds(unknown)).toEqual(['a', 'b']);
  });

  it('locking → compensating → compensated records the removed periods once', () => {
    const compensated = run(fresh(), postStarted, posted, lockStarted, { type: 'compensation-started', reason: 'edited', periodIds: ['a', 'b'] }, { type: 'compensated' });
    expect(compensated.state).toEqual({ name: 'compensated', reason: 'edited' });
    expect(compensated.removedPeriodIds).toEqual(['a', 'b']);
    expect(compensated.compensations).toBe(1);
    expect(run(compensated, { type: 'compensated' }).compensations).toBe(1);
    expect(livePeriodIds(compensated)).toEqual([]);
  });

  it('a compensation that fails leaves its ids unknown', () => {
    const unknown = run(fresh(), postStarted, posted, lockStarted, { type: 'compensation-started', reason: 'refused', periodIds: ['a', 'b'] }, { type: 'outcome-unknown', reason: 'auth' });
    expect(unknown.state).toEqual({ name: 'unknown', periodIds: ['a', 'b'], reason: 'auth' });
  });

  it('refused part-way: posting → compensating(the created ones) → compensated → quarantined', () => {
    const q = run(
      fresh(),
      postStarted,
      { type: 'compensation-started', reason: 'refused by Personio', periodIds: ['a'] },
      { type: 'compensated' },
      { type: 'verdict', verdict: 'quarantined', reason: 'Period time range too long' },
    );
    expect(q.state).toEqual({ name: 'quarantined', reason: 'Period time range too long' });
    expect(q.removedPeriodIds).toEqual(['a']);
  });

  it('compensated → repost → pending with the new content, then on to locked', () => {
    const reposted = run(
      fresh(),
      postStarted,
      posted,
      lockStarted,
      { type: 'compensation-started', reason: 'edited', periodIds: ['a', 'b'] },
      { type: 'compensated' },
      { type: 'repost', fingerprint: 'v1:bbb' },
    );
    expect(reposted).toMatchObject({ fingerprint: 'v1:bbb', reposts: 1, state: { name: 'pending' } });
    const relocked = run(reposted, postStarted, { type: 'posted', periodIds: ['c'] }, lockStarted, { type: 'locked' });
    expect(relocked.state).toEqual({ name: 'locked', periodIds: ['c'] });
    expect(relocked.removedPeriodIds).toEqual(['a', 'b']);
  });

  it('re-transfer: replacing(old ids) → posting removes them with the post → posted', () => {
    const start = newLedgerEntry({ entryId: 'wt-1', fingerprint: 'v1:new', previousPeriodIds: ['old-1', 'old-2', 'old-1'] });
    expect(start.state).toEqual({ name: 'replacing', oldPeriodIds: ['old-1', 'old-2'] });
    expect(livePeriodIds(start)).toEqual(['old-1', 'old-2']);
    const p = run(start, postStarted, posted);
    expect(p.state).toEqual({ name: 'posted', periodIds: ['a', 'b'] });
    expect(p.removedPeriodIds).toEqual(['old-1', 'old-2']);
  });

  it('relock: pending → posted with the earlier ids, no post', () => {
    expect(run(fresh(), { type: 'posted', periodIds: ['x'] }, lockStarted, { type: 'locked' }).state).toEqual({ name: 'locked', periodIds: ['x'] });
  });

  it('withdrawn and booked by request: locking → settled', () => {
    expect(run(fresh(), postStarted, { type: 'posted', periodIds: [] }, lockStarted, { type: 'settled', reason: '302' }).state.name).toBe('settled');
  });

  it('deletion: removing → removed', () => {
    const removed = applyLedgerEvent(newRemovalLedgerEntry({ entryId: 'wt-9', periodIds: ['p', 'p', 'q'] }), { type: 'periods-removed' });
    expect(removed.state).toEqual({ name: 'removed' });
    expect(removed.removedPeriodIds).toEqual(['p', 'q']);
  });

  it('verdicts from every state that may end without a transfer', () => {
    for (const events of [[], [postStarted], [postStarted, posted, lockStarted]] as LedgerEvent[][]) {
      const e = run(fresh(), ...events, { type: 'verdict', verdict: 'deferred', reason: 'conflict' });
      expect(e.state).toEqual({ name: 'deferred', reason: 'conflict' });
      expect(isSettled(e)).toBe(true);
    }
    expect(newVerdictLedgerEntry({ entryId: 'q', verdict: 'quarantined', reason: 'unmatched' }).state).toEqual({ name: 'quarantined', reason: 'unmatched' });
  });

  it('repeating the event that led to the current state changes nothing', () => {
    const p = run(fresh(), postStarted, posted);
    expect(applyLedgerEvent(p, posted)).toEqual(p);
    const l = run(p, lockStarted, { type: 'locked' });
    expect(applyLedgerEvent(l, { type: 'locked' })).toEqual(l);
  });

  it('does not mutate its input', () => {
    const before = run(fresh(), postStarted, posted, lockStarted);
    const copy = structuredClone(before);
    run(before, { type: 'compensation-started', reason: 'x', periodIds: ['a'] }, { type: 'compensated' });
    expect(before).toEqual(copy);
  });
});

describe('ledger: illegal transitions throw, naming the entry', () => {
  it.each<[string, EntryLedger, LedgerEvent]>([
    ['lock before post', fresh(), { type: 'locked' }],
    ['posted twice with other ids', run(fresh(), postStarted, posted), { type: 'posted', periodIds: ['z'] }],
    ['compensate a locked entry', run(fresh(), postStarted, posted, lockStarted, { type: 'locked' }), { type: 'compensation-started', reason: 'x', periodIds: [] }],
    ['unknown before anything was asked', fresh(), { type: 'outcome-unknown', reason: 'x' }],
    ['a verdict after the lock', run(fresh(), postStarted, posted, lockStarted, { type: 'locked' }), { type: 'verdict', verdict: 'failed', reason: 'x' }],
    ['repost of an entry not compensated', run(fresh(), postStarted, posted), { type: 'repost', fingerprint: 'f' }],
    ['removed for an entry that is not being removed', fresh(), { type: 'periods-removed' }],
  ])('%s', (_name, entry, event) => {
    expect(() => applyLedgerEvent(entry, event)).toThrow(IllegalLedgerTransition);
    expect(() => applyLedgerEvent(entry, event)).toThrow(/wt-1/);
  });
});
