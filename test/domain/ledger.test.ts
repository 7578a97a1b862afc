import { describe, expect, it } from 'vitest';
import {
  applyLedgerEvent,
  IllegalLedgerTransition,
  isSettled,
  livePeriodIds,
  newLedgerEntry,
  newRemovalLedgerEntry,
  type EntryLedger,
  type LedgerEvent,
} from '../../src/domain/ledger.js';

const fresh = () => newLedgerEntry({ entryId: 'wt-1', fingerprint: 'v1:aaa' });
const run = (entry: EntryLedger, ...events: LedgerEvent[]) => events.reduce(applyLedgerEvent, entry);
const posted: LedgerEvent = { type: 'posted', periodIds: ['a', 'b'] };

describe('ledger: legal transitions', () => {
  it('pending → posted → locked', () => {
    const locked = run(fresh(), posted, { type: 'locked' });
    expect(locked.state).toEqual({ name: 'locked', periodIds: ['a', 'b'] });
    expect(isSettled(locked)).toBe(true);
    expect(livePeriodIds(locked)).toEqual(['a', 'b']);
  });

  it('posted → compensating → compensated records the removed periods once', () => {
    const compensated = run(fresh(), posted, { type: 'compensation-started', reason: 'entry edited while locking' }, { type: 'compensated' });
    expect(compensated.state).toEqual({ name: 'compensated', reason: 'entry edited while locking' });
    expect(compensated.removedPeriodIds).toEqual(['a', 'b']);
    expect(compensated.compensations).toBe(1);
    expect(livePeriodIds(compensated)).toEqual([]);
  });

  it('compensated → repost → pending with the new content, then on to locked', () => {
    const reposted = run(
      fresh(),
      posted,
      { type: 'compensation-started', reason: 'edited' },
      { type: 'compensated' },
      { type: 'repost', fingerprint: 'v1:bbb' },
    );
    expect(reposted).toMatchObject({ fingerprint: 'v1:bbb', state: { name: 'pending' } });
    const relocked = run(reposted, { type: 'posted', periodIds: ['c'] }, { type: 'locked' });
    expect(relocked.state).toEqual({ name: 'locked', periodIds: ['c'] });
    expect(relocked.removedPeriodIds).toEqual(['a', 'b']);
  });

  it('re-transfer: replacing(old ids) → old periods removed → pending → posted → locked', () => {
    const start = newLedgerEntry({ entryId: 'wt-1', fingerprint: 'v1:new', previousPeriodIds: ['old-1', 'old-2', 'old-1'] });
    expect(start.state).toEqual({ name: 'replacing', oldPeriodIds: ['old-1', 'old-2'] });
    expect(livePeriodIds(start)).toEqual(['old-1', 'old-2']);
    const pending = applyLedgerEvent(start, { type: 'old-periods-removed' });
    expect(pending.state).toEqual({ name: 'pending', reconcile: false });
    expect(pending.removedPeriodIds).toEqual(['old-1', 'old-2']);
    expect(run(pending, posted, { type: 'locked' }).state.name).toBe('locked');
  });

  it('an empty list of earlier periods starts as plain pending', () => {
    expect(newLedgerEntry({ entryId: 'wt-1', fingerprint: 'f', previousPeriodIds: [] }).state.name).toBe('pending');
  });

  it('removal: removing → removed', () => {
    const removed = applyLedgerEvent(newRemovalLedgerEntry({ entryId: 'wt-9', periodIds: ['x'] }), { type: 'periods-removed' });
    expect(removed).toMatchObject({ fingerprint: null, state: { name: 'removed' }, removedPeriodIds: ['x'] });
    expect(isSettled(removed)).toBe(true);
  });

  it('pending → skipped', () => {
    const skipped = applyLedgerEvent(fresh(), { type: 'skipped', reason: 'absence' });
    expect(skipped.state).toEqual({ name: 'skipped', reason: 'absence' });
    expect(isSettled(skipped)).toBe(true);
  });

  it.each([
    ['pending', fresh()],
    ['replacing', newLedgerEntry({ entryId: 'wt-1', fingerprint: 'f', previousPeriodIds: ['o'] })],
    ['posted', run(fresh(), posted)],
    ['compensating', run(fresh(), posted, { type: 'compensation-started', reason: 'r' })],
    ['removing', newRemovalLedgerEntry({ entryId: 'wt-1', periodIds: ['x'] })],
  ])('%s → failed → retry resumes where it failed', (name, entry) => {
    const failed = applyLedgerEvent(entry, { type: 'failed', reason: 'Personio 503', retryable: true });
    expect(failed.state).toMatchObject({ name: 'failed', reason: 'Personio 503', retryable: true, previous: { name } });
    expect(isSettled(failed)).toBe(true);
    expect(livePeriodIds(failed)).toEqual(livePeriodIds(entry));
    const retried = applyLedgerEvent(failed, { type: 'retry' });
    expect(retried.state.name).toBe(name);
    expect(isSettled(retried)).toBe(false);
  });

  it('a retry after a failed post asks the next post to reconcile first', () => {
    const retried = run(fresh(), { type: 'failed', reason: 'timeout', retryable: true }, { type: 'retry' });
    expect(retried.state).toEqual({ name: 'pending', reconcile: true });
  });
});

describe('ledger: repeated events change nothing', () => {
  it.each<[string, EntryLedger, LedgerEvent]>([
    ['posted', run(fresh(), posted), { type: 'posted', periodIds: ['b', 'a'] }],
    ['locked', run(fresh(), posted, { type: 'locked' }), { type: 'locked' }],
    ['compensation-started', run(fresh(), posted, { type: 'compensation-started', reason: 'r' }), { type: 'compensation-started', reason: 'r' }],
    ['compensated', run(fresh(), posted, { type: 'compensation-started', reason: 'r' }, { type: 'compensated' }), { type: 'compensated' }],
    ['periods-removed', run(newRemovalLedgerEntry({ entryId: 'wt-1', periodIds: ['x'] }), { type: 'periods-removed' }), { type: 'periods-removed' }],
    ['skipped', run(fresh(), { type: 'skipped', reason: 's' }), { type: 'skipped', reason: 's' }],
    ['failed', run(fresh(), { type: 'failed', reason: 'f', retryable: false }), { type: 'failed', reason: 'f', retryable: false }],
  ])('%s twice', (_name, entry, event) => {
    const again = applyLedgerEvent(entry, event);
    expect(again).toEqual(entry);
    expect(again).not.toBe(entry);
  });

  it('counts a compensation once however often it is reported', () => {
    const done = run(fresh(), posted, { type: 'compensation-started', reason: 'r' }, { type: 'compensated' }, { type: 'compensated' }, { type: 'compensated' });
    expect(done.compensations).toBe(1);
    expect(done.removedPeriodIds).toEqual(['a', 'b']);
  });
});

describe('ledger: illegal transitions', () => {
  it.each<[string, EntryLedger, LedgerEvent]>([
    ['lock before post', fresh(), { type: 'locked' }],
    ['post twice with other ids', run(fresh(), posted), { type: 'posted', periodIds: ['z'] }],
    ['post while replacing', newLedgerEntry({ entryId: 'wt-1', fingerprint: 'f', previousPeriodIds: ['o'] }), posted],
    ['compensate a locked entry', run(fresh(), posted, { type: 'locked' }), { type: 'compensation-started', reason: 'r' }],
    ['compensated without starting', run(fresh(), posted), { type: 'compensated' }],
    ['repost without compensation', run(fresh(), posted), { type: 'repost', fingerprint: 'x' }],
    ['fail after locking', run(fresh(), posted, { type: 'locked' }), { type: 'failed', reason: 'x', retryable: true }],
    ['skip a posted entry', run(fresh(), posted), { type: 'skipped', reason: 'x' }],
    ['retry what did not fail', fresh(), { type: 'retry' }],
    ['remove old periods of a new entry', fresh(), { type: 'old-periods-removed' }],
    ['periods-removed outside a removal', fresh(), { type: 'periods-removed' }],
    ['fail a second time differently', run(fresh(), { type: 'failed', reason: 'a', retryable: true }), { type: 'failed', reason: 'b', retryable: true }],
  ])('%s throws a clear error', (_name, entry, event) => {
    expect(() => applyLedgerEvent(entry, event)).toThrow(IllegalLedgerTransition);
    expect(() => applyLedgerEvent(entry, event)).toThrow(new RegExp(`timr entry wt-1: event "${event.type}" is not allowed in state "${entry.state.name}"`));
  });

  it('never mutates the entry it is given', () => {
    const entry = run(fresh(), posted);
    const snapshot = structuredClone(entry);
    const next = applyLedgerEvent(entry, { type: 'compensation-started', reason: 'r' });
    applyLedgerEvent(next, { type: 'compensated' });
    expect(entry).toEqual(snapshot);
    if (next.state.name === 'compensating') next.state.periodIds.push('mutated');
    expect(entry).toEqual(snapshot);
  });
});
