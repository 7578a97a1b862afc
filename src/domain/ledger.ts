/**
 * Saga ledger of one timr entry within a sync run, as a pure state machine. Lives in workflow
 * state, so: no zod, no Node, no I/O — plain data in, new plain data out. The run's report is
 * derived from the terminal states, so every outcome an entry can have is a state here.
 *
 *   pending | replacing ──post-started──► posting ──posted──► posted ──lock-started──► locking ──locked──► locked
 *   posting ──outcome-unknown──► unknown                 (the post's answer never came: carried to the next run)
 *   locking ──outcome-unknown──► unknown                 (lock unknown and not readable back: carried)
 *   posting | posted | locking ──compensation-started──► compensating ──compensated──► compensated
 *   compensating ──outcome-unknown──► unknown            (the delete failed: its ids are carried)
 *   compensated ──repost──► pending                      (post the content timr locked instead)
 *   locking ──settled──► settled                         (withdrawn; timr books the type by request)
 *   removing ──periods-removed──► removed                (entry deleted in timr)
 *   pending | replacing | posting | posted | locking | compensated | removing ──verdict──► quarantined | deferred | failed | not-started
 *
 * "Unknown" is a first-class state, never a failure: a write whose answer was lost may have
 * happened. Only reading the vendor's state resolves it (see the run saga). Applying the
 * event that led to the current state again changes nothing; any other transition not drawn
 * above throws.
 */

// The content fingerprint and the period key belong to the ledger's vocabulary; both are
// import-free and therefore safe in workflow code.
export { entryCanonicalForm, entryFingerprint } from './entry-fingerprint.js';
export { attendancePeriodKey, periodKey } from './period-key.js';

/** Final verdicts of an entry that was not transferred in this run. */
export type Verdict = 'quarantined' | 'deferred' | 'failed' | 'not-started';

export type LedgerState =
  /** `reconcile`: a post may already have reached Personio; list before writing. */
  | { name: 'pending'; reconcile: boolean }
  | { name: 'replacing'; oldPeriodIds: string[] }
  /** Write-ahead: the post was asked for; `oldPeriodIds` are removed by the same activity. */
  | { name: 'posting'; oldPeriodIds: string[] }
  | { name: 'posted'; periodIds: string[] }
  | { name: 'locking'; periodIds: string[] }
  | { name: 'locked'; periodIds: string[] }
  | { name: 'compensating'; periodIds: string[]; reason: string }
  | { name: 'compensated'; reason: string }
  /** Outcome unknown: `periodIds` may exist (known ids; a lost post may have created more). */
  | { name: 'unknown'; periodIds: string[]; reason: string }
  | { name: 'settled'; reason: string }
  | { name: 'removing'; periodIds: string[] }
  | { name: 'removed' }
  | { name: Verdict; reason: string };

export type LedgerStateName = LedgerState['name'];

export interface EntryLedger {
  entryId: string;
  /** entryFingerprint() of the content being transferred; null for a deletion. */
  fingerprint: string | null;
  state: LedgerState;
  /** Personio periods this entry has removed (replaced or compensated), each id once. */
  removedPeriodIds: string[];
  /** Completed compensations; a repeated `compensated` event does not count again. */
  compensations: number;
  /** Times the entry was posted again because timr locked other content than we posted. */
  reposts: number;
}

export type LedgerEvent =
  | { type: 'post-started' }
  | { type: 'posted'; periodIds: string[] }
  | { type: 'lock-started' }
  | { type: 'locked' }
  | { type: 'outcome-unknown'; reason: string; periodIds?: string[] }
  | { type: 'compensation-started'; reason: string; periodIds: string[] }
  | { type: 'compensated' }
  | { type: 'repost'; fingerprint: string }
  | { type: 'settled'; reason: string }
  | { type: 'periods-removed' }
  | { type: 'verdict'; verdict: Verdict; reason: string };

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
export function newLedgerEntry(init: { entryId: string; fingerprint: string; previousPeriodIds?: readonly string[]; reconcile?: boolean }): EntryLedger {
  const old = unique(init.previousPeriodIds ?? []);
  return {
    entryId: init.entryId,
    fingerprint: init.fingerprint,
    state: old.length > 0 ? { name: 'replacing', oldPeriodIds: old } : { name: 'pending', reconcile: init.reconcile ?? false },
    removedPeriodIds: [],
    compensations: 0,
    reposts: 0,
  };
}

/** Ledger of an entry deleted in timr whose Personio periods must go. */
export function newRemovalLedgerEntry(init: { entryId: string; periodIds: readonly string[] }): EntryLedger {
  return { entryId: init.entryId, fingerprint: null, state: { name: 'removing', periodIds: unique(init.periodIds) }, removedPeriodIds: [], compensations: 0, reposts: 0 };
}

/** An entry the plan already decided about (e.g. quarantined): it starts in its verdict. */
export function newVerdictLedgerEntry(init: { entryId: string; verdict: Verdict; reason: string }): EntryLedger {
  return { entryId: init.entryId, fingerprint: null, state: { name: init.verdict, reason: init.reason }, removedPeriodIds: [], compensations: 0, reposts: 0 };
}

const VERDICT_FROM: readonly LedgerStateName[] = ['pending', 'replacing', 'posting', 'posted', 'locking', 'compensated', 'removing'];
const VERDICTS: readonly LedgerStateName[] = ['quarantined', 'deferred', 'failed', 'not-started'];

export function applyLedgerEvent(entry: EntryLedger, event: LedgerEvent): EntryLedger {
  const copy: EntryLedger = { ...entry, removedPeriodIds: [...entry.removedPeriodIds] };
  const state = entry.state;
  const illegal = (...expected: LedgerStateName[]) => new IllegalLedgerTransition(entry.entryId, state.name, event.type, expected);
  const to = (next: LedgerState, extra: Partial<EntryLedger> = {}): EntryLedger => ({ ...copy, ...extra, state: next });

  switch (event.type) {
    case 'post-started':
      if (state.name === 'posting') return copy;
      if (state.name === 'pending') return to({ name: 'posting', oldPeriodIds: [] });
      if (state.name === 'replacing') return to({ name: 'posting', oldPeriodIds: [...state.oldPeriodIds] });
      throw illegal('pending', 'replacing');
    case 'posted': {
      const periodIds = unique(event.periodIds);
      if (state.name === 'posted' && sameIds(state.periodIds, periodIds)) return copy;
      // `pending` → posted directly: a relock, whose periods exist from the earlier transfer.
      if (state.name === 'pending') return to({ name: 'posted', periodIds });
      if (state.name !== 'posting') throw illegal('posting', 'pending');
      return to({ name: 'posted', periodIds }, { removedPeriodIds: unique([...copy.removedPeriodIds, ...state.oldPeriodIds]) });
    }
    case 'lock-started':
      if (state.name === 'locking') return copy;
      if (state.name !== 'posted') throw illegal('posted');
      return to({ name: 'locking', periodIds: [...state.periodIds] });
    case 'locked':
      if (state.name === 'locked') return copy;
      if (state.name !== 'locking') throw illegal('locking');
      return to({ name: 'locked', periodIds: [...state.periodIds] });
    case 'outcome-unknown': {
      if (state.name === 'unknown' && state.reason === event.reason) return copy;
      const known = state.name === 'posting' ? [] : state.name === 'locking' || state.name === 'compensating' ? state.periodIds : undefined;
      if (known === undefined) throw illegal('posting', 'locking', 'compensating');
      return to({ name: 'unknown', periodIds: unique([...known, ...(event.periodIds ?? [])]), reason: event.reason });
    }
    case 'compensation-started': {
      if (state.name === 'compensating' && state.reason === event.reason) return copy;
      if (state.name !== 'posting' && state.name !== 'posted' && state.name !== 'locking') throw illegal('posting', 'posted', 'locking');
      return to({ name: 'compensating', periodIds: unique(event.periodIds), reason: event.reason });
    }
    case 'compensated':
      if (state.name === 'compensated') return copy;
      if (state.name !== 'compensating') throw illegal('compensating');
      return to(
        { name: 'compensated', reason: state.reason },
        { removedPeriodIds: unique([...copy.removedPeriodIds, ...state.periodIds]), compensations: copy.compensations + 1 },
      );
    case 'repost':
      if (state.name !== 'compensated') throw illegal('compensated');
      return to({ name: 'pending', reconcile: false }, { fingerprint: event.fingerprint, reposts: copy.reposts + 1 });
    case 'settled':
      if (state.name === 'settled') return copy;
      if (state.name !== 'locking') throw illegal('locking');
      return to({ name: 'settled', reason: event.reason });
    case 'periods-removed':
      if (state.name === 'removed') return copy;
      if (state.name !== 'removing') throw illegal('removing');
      return to({ name: 'removed' }, { removedPeriodIds: unique([...copy.removedPeriodIds, ...state.periodIds]) });
    case 'verdict':
      if (state.name === event.verdict && 'reason' in state && state.reason === event.reason) return copy;
      if (!VERDICT_FROM.includes(state.name)) throw illegal(...VERDICT_FROM);
      return to({ name: event.verdict, reason: event.reason });
  }
}

/** Nothing more will happen to the entry in this run. */
export function isSettled(entry: EntryLedger): boolean {
  return ['locked', 'compensated', 'unknown', 'settled', 'removed', ...VERDICTS].includes(entry.state.name);
}

/** Personio periods that (may) exist for the entry and are not yet accounted for as removed. */
export function livePeriodIds(entry: EntryLedger): string[] {
  const state = entry.state;
  switch (state.name) {
    case 'posted':
    case 'locking':
    case 'locked':
    case 'compensating':
    case 'removing':
    case 'unknown':
      return [...state.periodIds];
    case 'replacing':
    case 'posting':
      return [...state.oldPeriodIds];
    default:
      return [];
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
