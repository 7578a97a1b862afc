/**
 * Saga ledger of one timr entry within a sync run, as a pure state machine. Lives in workflow
 * state, so: no zod, no Node, no I/O — plain data in, new plain data out.
 *
 *   pending ──posted──► posted ──locked──► locked
 *                         └─compensation-started─► compensating ──compensated──► compensated
 *                                                                   (──repost──► pending)
 *   replacing(old ids) ──old-periods-removed──► pending            (re-transfer of an edited entry)
 *   removing(ids) ──periods-removed──► removed                     (entry deleted in timr)
 *   pending ──skipped──► skipped
 *   pending | replacing | posted | compensating | removing ──failed──► failed ──retry──► (where it failed)
 *
 * Applying the event that led to the current state again changes nothing (Temporal may hand
 * the workflow the same activity result twice only on replay, but callers retry too); any
 * other transition not drawn above throws.
 */

// The content fingerprint and the period key belong to the ledger's vocabulary; both are
// import-free and therefore safe in workflow code.
export { entryCanonicalForm, entryFingerprint } from './entry-fingerprint.js';
export { attendancePeriodKey, periodKey } from './period-key.js';

export type LedgerState =
  /** `reconcile`: a post may already have reached Personio; list before writing. */
  | { name: 'pending'; reconcile: boolean }
  | { name: 'replacing'; oldPeriodIds: string[] }
  | { name: 'posted'; periodIds: string[] }
  | { name: 'locked'; periodIds: string[] }
  | { name: 'compensating'; periodIds: string[]; reason: string }
  | { name: 'compensated'; reason: string }
  | { name: 'removing'; periodIds: string[] }
  | { name: 'removed' }
  | { name: 'skipped'; reason: string }
  | { name: 'failed'; reason: string; retryable: boolean; previous: ActiveLedgerState };

export type LedgerStateName = LedgerState['name'];
type StateOf<N extends LedgerStateName> = Extract<LedgerState, { name: N }>;
/** States a failure can interrupt (and a retry resumes). */
export type ActiveLedgerState = StateOf<'pending' | 'replacing' | 'posted' | 'compensating' | 'removing'>;

export interface EntryLedger {
  entryId: string;
  /** entryFingerprint() of the content being transferred; null for a deletion. */
  fingerprint: string | null;
  state: LedgerState;
  /** Personio periods this entry has removed (replaced or compensated), each id once. */
  removedPeriodIds: string[];
  /** Completed compensations; a repeated `compensated` event does not count again. */
  compensations: number;
}

export type LedgerEvent =
  | { type: 'posted'; periodIds: string[] }
  | { type: 'locked' }
  | { type: 'compensation-started'; reason: string }
  | { type: 'compensated' }
  | { type: 'repost'; fingerprint: string }
  | { type: 'old-periods-removed' }
  | { type: 'periods-removed' }
  | { type: 'skipped'; reason: string }
  | { type: 'failed'; reason: string; retryable: boolean }
  | { type: 'retry' };

export class IllegalLedgerTransition extends Error {
  constructor(
    readonly entryId: string,
    readonly from: LedgerStateName,
    readonly event: LedgerEvent['type'],
    expected: readonly LedgerStateName[],
  ) {
    super(
      `Ledger of timr entry ${entryId}: event "${event}" is not allowed in state "${from}" ` +
        `(allowed in: ${expected.join(', ')}). This is a bug in the sync workflow, not in the entry's data.`,
    );
    this.name = 'IllegalLedgerTransition';
  }
}

/** A fresh entry; with the period ids of an earlier transfer it starts by removing those. */
export function newLedgerEntry(init: { entryId: string; fingerprint: string; previousPeriodIds?: readonly string[] }): EntryLedger {
  const old = unique(init.previousPeriodIds ?? []);
  return {
    entryId: init.entryId,
    fingerprint: init.fingerprint,
    state: old.length > 0 ? { name: 'replacing', oldPeriodIds: old } : { name: 'pending', reconcile: false },
    removedPeriodIds: [],
    compensations: 0,
  };
}

/** Ledger of an entry deleted in timr whose Personio periods must go. */
export function newRemovalLedgerEntry(init: { entryId: string; periodIds: readonly string[] }): EntryLedger {
  return {
    entryId: init.entryId,
    fingerprint: null,
    state: { name: 'removing', periodIds: unique(init.periodIds) },
    removedPeriodIds: [],
    compensations: 0,
  };
}

export function applyLedgerEvent(entry: EntryLedger, event: LedgerEvent): EntryLedger {
  const copy = cloneLedger(entry);
  const state = copy.state;
  const illegal = (...expected: LedgerStateName[]) => new IllegalLedgerTransition(entry.entryId, state.name, event.type, expected);

  switch (event.type) {
    case 'posted': {
      const periodIds = unique(event.periodIds);
      if (state.name === 'posted' && sameIds(state.periodIds, periodIds)) return copy;
      if (state.name !== 'pending') throw illegal('pending');
      return { ...copy, state: { name: 'posted', periodIds } };
    }
    case 'locked':
      if (state.name === 'locked') return copy;
      if (state.name !== 'posted') throw illegal('posted');
      return { ...copy, state: { name: 'locked', periodIds: state.periodIds } };
    case 'compensation-started':
      if (state.name === 'compensating' && state.reason === event.reason) return copy;
      if (state.name !== 'posted') throw illegal('posted');
      return { ...copy, state: { name: 'compensating', periodIds: state.periodIds, reason: event.reason } };
    case 'compensated':
      if (state.name === 'compensated') return copy;
      if (state.name !== 'compensating') throw illegal('compensating');
      return {
        ...copy,
        state: { name: 'compensated', reason: state.reason },
        removedPeriodIds: unique([...copy.removedPeriodIds, ...state.periodIds]),
        compensations: copy.compensations + 1,
      };
    case 'repost':
      if (state.name !== 'compensated') throw illegal('compensated');
      return { ...copy, fingerprint: event.fingerprint, state: { name: 'pending', reconcile: false } };
    case 'old-periods-removed':
      if (state.name !== 'replacing') throw illegal('replacing');
      return {
        ...copy,
        state: { name: 'pending', reconcile: false },
        removedPeriodIds: unique([...copy.removedPeriodIds, ...state.oldPeriodIds]),
      };
    case 'periods-removed':
      if (state.name === 'removed') return copy;
      if (state.name !== 'removing') throw illegal('removing');
      return { ...copy, state: { name: 'removed' }, removedPeriodIds: unique([...copy.removedPeriodIds, ...state.periodIds]) };
    case 'skipped':
      if (state.name === 'skipped' && state.reason === event.reason) return copy;
      if (state.name !== 'pending') throw illegal('pending');
      return { ...copy, state: { name: 'skipped', reason: event.reason } };
    case 'failed':
      if (state.name === 'failed' && state.reason === event.reason && state.retryable === event.retryable) return copy;
      if (!isActive(state)) throw illegal('pending', 'replacing', 'posted', 'compensating', 'removing');
      return { ...copy, state: { name: 'failed', reason: event.reason, retryable: event.retryable, previous: state } };
    case 'retry': {
      if (state.name !== 'failed') throw illegal('failed');
      const previous = state.previous;
      // A post that failed may still have created periods: the next post lists first.
      return { ...copy, state: previous.name === 'pending' ? { name: 'pending', reconcile: true } : previous };
    }
  }
}

/** Nothing more will happen to the entry in this run. */
export function isSettled(entry: EntryLedger): boolean {
  return ['locked', 'compensated', 'removed', 'skipped', 'failed'].includes(entry.state.name);
}

/** Personio periods that (may) exist for the entry and are not yet accounted for as removed. */
export function livePeriodIds(entry: EntryLedger): string[] {
  const state = entry.state.name === 'failed' ? entry.state.previous : entry.state;
  switch (state.name) {
    case 'posted':
    case 'locked':
    case 'compensating':
    case 'removing':
      return [...state.periodIds];
    case 'replacing':
      return [...state.oldPeriodIds];
    default:
      return [];
  }
}

function isActive(state: LedgerState): state is ActiveLedgerState {
  return ['pending', 'replacing', 'posted', 'compensating', 'removing'].includes(state.name);
}

function cloneLedger(entry: EntryLedger): EntryLedger {
  return { ...entry, state: cloneState(entry.state), removedPeriodIds: [...entry.removedPeriodIds] };
}

function cloneState<S extends LedgerState>(state: S): S {
  const copy = { ...state } as S & Record<string, unknown>;
  for (const key of ['periodIds', 'oldPeriodIds'] as const) {
    const ids = copy[key];
    if (Array.isArray(ids)) copy[key] = [...ids];
  }
  if (copy.name === 'failed') (copy as StateOf<'failed'>).previous = cloneState((copy as StateOf<'failed'>).previous);
  return copy;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
