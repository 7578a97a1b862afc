/**
 * The saga of one sync run, as one state class (the shape of the Temporal sample
 * safe-message-handlers' ClusterManager): the per-entry ledger is the single source of truth,
 * and the run's report, counts, quarantine and unresolved writes are all derived from it.
 * Activities and the non-cancellable scope are injected, so every branch is unit-tested with
 * stubs and no server; `sync-run.ts` only wires the real ones.
 *
 * Exactly-once rules it keeps:
 *  - never decide from an assumed failure: a post or lock whose answer did not come is
 *    `unknown`; a lock is read back before anything is compensated; whatever stays unknown is
 *    handed to the tenant (report.unresolved) and resolved by reading the vendors at the start
 *    of the next run, before any other write for that person;
 *  - every compensation is guarded: it never throws, a failed one leaves its ids unknown.
 */
import type {
  EntryLabel,
  InspectLocksInput,
  InspectLocksResult,
  LockBatchInput,
  LockBatchResult,
  PlanInput,
  PlannedEntry,
  PostBatchInput,
  PostBatchResult,
  QuarantinedEntry,
  RemoveInput,
  RemoveResult,
  ResolveWritesInput,
  ResolveWritesResult,
  RunPlan,
  UnresolvedWrite,
} from '../activities/contracts.js';
import { FailureType } from '../clients/failure-types.js';
import { batchesInFlight } from '../domain/write-pacing.js';
import { FateTally, QUARANTINE_CAUSES } from '../domain/entry-fates.js';
import { applyLedgerEvent, newLedgerEntry, newRemovalLedgerEntry, newVerdictLedgerEntry, type EntryLedger, type LedgerEvent, type Verdict } from '../domain/ledger.js';
import { applicationFailureOf, failureMessage } from './failure-chain.js';
import { heldEntries } from './held.js';
import { forEachLimited } from './pool.js';
import type { EntryOutcome, EntryReport, RunCounts, SyncRunInput, SyncRunReport } from './types.js';

/** The activities a run calls; `summary` is what the Temporal UI shows for the call. */
export interface RunActivities {
  plan(input: PlanInput, summary: string): Promise<RunPlan>;
  resolveWrites(input: ResolveWritesInput, summary: string): Promise<ResolveWritesResult>;
  post(input: PostBatchInput, summary: string): Promise<PostBatchResult>;
  lock(input: LockBatchInput, summary: string): Promise<LockBatchResult>;
  inspectLocks(input: InspectLocksInput, summary: string): Promise<InspectLocksResult>;
  /** Deletes periods of an entry deleted in timr (Temporal retries within the attempt limit). */
  removeDeleted(input: RemoveInput, summary: string): Promise<RemoveResult>;
  /** Deletes periods we just created (retries until the vendor is back, unless credentials are refused). */
  compensate(input: RemoveInput, summary: string): Promise<RemoveResult>;
}

export interface RunEnvironment {
  runId: string;
  /** CancellationScope.nonCancellable in a workflow; plain invocation in unit tests. */
  nonCancellable<T>(fn: () => Promise<T>): Promise<T>;
  /** The run was cancelled (e.g. from the UI): start nothing new, finish what is in flight. */
  isCancelled(): boolean;
}

/** How many times an entry is re-posted because it was edited while we locked it. */
const MAX_EDIT_ROUNDS = 3;
/**
 * Writes of unknown outcome a run lets pile up before it starts no further batch: they are
 * carried in the tenant's state and every next run's input, so they must stay bounded (they
 * can only grow while a vendor does not answer, and then nothing is gained by writing on).
 */
export const UNRESOLVED_LIMIT = 200;
/** Entries named in the result a run hands its tenant (its `report` query has every one). */
export const RESULT_ENTRY_SAMPLE = 20;
/** Quarantined entries the result names with their reasons; the rest are in `hold` (id, last_modified). */
export const RESULT_QUARANTINE_SAMPLE = 50;
/** Outcomes worth naming first in the result's sample. */
const NOTEWORTHY: readonly EntryOutcome[] = ['failed', 'unresolved', 'deferred', 'not-started', 'quarantined', 'updated', 'deleted'];

const employeeName = (label: EntryLabel) => label.employee.replace(/ \(timr user [^)]*\)$/, '');
const timeRange = (item: { periods: { start: string; end: string }[] }) =>
  item.periods.length ? ` ${item.periods[0]!.start.slice(11, 16)}–${item.periods[item.periods.length - 1]!.end.slice(11, 16)}` : '';

/** "Anna Müller 2026-10-19 08:00–16:30, …" — who and when, for activity summaries. */
function describeBatch(items: PlannedEntry[]): string {
  const names = items.map((i) => `${employeeName(i)} ${i.date}${timeRange(i)}`);
  const text = names.slice(0, 4).join(', ');
  return items.length > 4 ? `${text} and ${items.length - 4} more` : text;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Tracked {
  ledger: EntryLedger;
  /** Who and when; `lastModified` for quarantine and settled records (plan quarantines carry their cause). */
  label: EntryLabel & { lastModified?: string; code?: QuarantinedEntry['code'] };
  /** The content being transferred now (replaced when timr locked other content). */
  item?: PlannedEntry;
  /** The plan's kind before any edit round (an edited entry reports as updated). */
  kind?: PlannedEntry['kind'];
}

/** Plan verdicts carry their cause; a planned transfer can only be quarantined by a vendor's refusal. */
const quarantineCode = (t: Tracked): QuarantinedEntry['code'] => (t.item ? 'vendor-refused' : t.label.code);

/** The reason shared by a fate's group, from the ledger's terminal state and how the entry came in. */
function fateReason(t: Tracked, outcome: EntryOutcome): string {
  const s = t.ledger.state;
  switch (outcome) {
    case 'transferred':
      return 'transferred by this run';
    case 'updated':
      if (s.name === 'settled') return 'withdrawn: its Personio periods were removed; timr books its new type by request';
      if (t.item && t.item.periods.length === 0) return 'no longer to be booked: its Personio periods were removed';
      if (t.kind !== 'retransfer') return 'edited while it was being locked: the locked content was transferred';
      return 'changed in timr after its transfer: Personio updated';
    case 'relocked':
      return 'unlocked in timr but unchanged: locked again';
    case 'deleted':
      return 'deleted in timr: its Personio periods were removed';
    case 'quarantined': {
      const code = quarantineCode(t);
      return code ? QUARANTINE_CAUSES[code] : 'quarantined';
    }
    case 'deferred':
      return 'deferred: a conflict, or an earlier write to resolve first; retried next cycle';
    case 'failed':
      return 'failed after retries; retried next cycle';
    case 'not-started':
      return 'not started: the run stopped';
    case 'unresolved':
      return 'write of unknown outcome; resolved against timr and Personio by the next run';
  }
}

export class RunSaga {
  private readonly tracked = new Map<string, Tracked>();
  /** Writes of earlier runs this run must resolve first; removed once resolved. */
  private readonly carried = new Map<string, UnresolvedWrite>();
  private plan: RunPlan | undefined;
  /** Why planning failed; the run then did nothing. */
  private planError: string | undefined;
  private authFailure: string | undefined;
  private deletionsComplete = true;

  constructor(
    private readonly input: SyncRunInput,
    private readonly acts: RunActivities,
    private readonly env: RunEnvironment,
  ) {
    for (const w of input.unresolved ?? []) this.carried.set(w.entryId, w);
  }

  private get tenantId() {
    return this.input.settings.tenantId;
  }

  private get ref() {
    return { tenantId: this.tenantId, credentialsRef: this.input.settings.credentialsRef };
  }

  /** The ledger per entry, for the run's `ledger` query. */
  ledgers(): EntryLedger[] {
    return [...this.tracked.values()].map((t) => t.ledger);
  }

  private record(entryId: string, event: LedgerEvent): void {
    const t = this.tracked.get(entryId);
    if (!t) throw new Error(`ledger has no entry ${entryId}`);
    t.ledger = applyLedgerEvent(t.ledger, event);
  }

  private stateOf(entryId: string) {
    return this.tracked.get(entryId)!.ledger.state;
  }

  private verdict(entryId: string, verdict: Verdict, reason: string): void {
    this.record(entryId, { type: 'verdict', verdict, reason });
  }

  private noteAuth(err: unknown): void {
    if (applicationFailureOf(err)?.type === FailureType.AuthRejected) this.authFailure ??= failureMessage(err);
  }

  private label(item: PlannedEntry): string {
    return `${this.tenantId}: ${employeeName(item)} ${item.date}${timeRange(item)}`;
  }

  async run(): Promise<SyncRunReport> {
    const { settings } = this.input;
    let plan: RunPlan;
    try {
      plan = await this.acts.plan(
        {
          ...this.ref,
          runId: this.env.runId,
          sync: settings.sync,
          lookbackDays: settings.lookbackDays,
          chunkSize: settings.chunkSize,
          batchSize: settings.batchSize,
          held: this.input.held ?? heldEntries(this.input.quarantined ?? [], this.input.settled),
          ...(this.input.holdRoom !== undefined && { holdRoom: this.input.holdRoom }),
          deletionWatermark: this.input.deletionWatermark,
          ...(this.input.repair && { repair: this.input.repair }),
          ...(this.input.range && { range: this.input.range }),
        },
        `${this.tenantId}: plan ${this.input.range ? `backfill run ${this.input.runNumber} (${this.input.range.from} to ${this.input.range.to})` : `run ${this.input.runNumber}`}${this.input.repair ? ` (with an audit's repair of ${Object.keys(this.input.repair.replace).length + this.input.repair.remove.length} item(s))` : ''}`,
      );
    } catch (err) {
      // Nothing was written yet: say why (credentials refused, or a vendor unreachable after the
      // retries) and hand the carried writes back untouched. A run that completes its saga is
      // never a failed workflow; the next cycle plans again.
      this.noteAuth(err);
      this.planError = failureMessage(err);
      return this.report();
    }
    this.plan = plan;
    for (const q of plan.quarantined) {
      this.tracked.set(q.entryId, { ledger: newVerdictLedgerEntry({ entryId: q.entryId, verdict: 'quarantined', reason: q.reason }), label: q });
    }

    await this.resolveCarried();
    await this.removeDeleted(plan);

    const blocked = new Set([...this.carried.values()].map((w) => w.personId));
    for (const item of plan.entries) {
      const previousPeriodIds = item.kind === 'retransfer' ? item.previous?.periodIds : undefined;
      const ledger = newLedgerEntry({ entryId: item.entryId, fingerprint: item.fingerprint, ...(previousPeriodIds && { previousPeriodIds }) });
      this.tracked.set(item.entryId, { ledger, label: item, item, kind: item.kind });
      if (blocked.has(item.personId)) {
        const w = [...this.carried.values()].find((c) => c.personId === item.personId)!;
        this.verdict(item.entryId, 'deferred', `an earlier write for this employee (timr entry ${w.entryId}, ${w.reason}) is not resolved yet; it is checked against Personio before anything else is written`);
      }
    }
    const ready = plan.entries.filter((i) => !blocked.has(i.personId));
    // A plan of an older version names no batch size: its run batched by the settings alone.
    const perBatch = plan.entriesPerBatch ?? settings.batchSize ?? 10;
    await forEachLimited(chunk(ready, perBatch), batchesInFlight(settings.concurrency, plan.personioRatePerSecond), (batch) => this.transferBatch(batch, 0));
    return this.report();
  }

  /** Earlier runs' unknown writes: read the vendors and delete leftovers before anything else. */
  private async resolveCarried(): Promise<void> {
    if (this.carried.size === 0) return;
    const writes = [...this.carried.values()];
    try {
      const { resolved } = await this.acts.resolveWrites(
        { ...this.ref, writes },
        `${this.tenantId}: check ${writes.length} earlier write(s) of unknown outcome against timr and Personio`,
      );
      for (const r of resolved) this.carried.delete(r.entryId);
    } catch (err) {
      // They stay carried; entries of those employees wait (see run()).
      this.noteAuth(err);
    }
  }

  private async removeDeleted(plan: RunPlan): Promise<void> {
    await forEachLimited(plan.deletions, batchesInFlight(this.input.settings.concurrency, plan.personioRatePerSecond), async (d) => {
      this.tracked.set(d.entryId, { ledger: newRemovalLedgerEntry(d), label: { entryId: d.entryId, employee: '', date: '' } });
      if (this.authFailure) {
        this.deletionsComplete = false;
        this.verdict(d.entryId, 'not-started', 'run stopped: credentials rejected');
        return;
      }
      try {
        await this.acts.removeDeleted(
          { ...this.ref, entryId: d.entryId, periodIds: d.periodIds },
          `${this.tenantId}: entry ${d.entryId} deleted in timr — remove ${d.periodIds.length} Personio period(s)`,
        );
        this.record(d.entryId, { type: 'periods-removed' });
      } catch (err) {
        // The deletion watermark stays put, so the next cycle tries again.
        this.deletionsComplete = false;
        this.noteAuth(err);
        this.verdict(d.entryId, 'failed', failureMessage(err));
      }
    });
  }

  /**
   * Deletes periods we created; never cancelled half-way and never throws. If it cannot be
   * done, the ids stay known as unknown outcome and the next run resolves them.
   */
  private compensate(item: PlannedEntry, periodIds: string[], why: string): Promise<boolean> {
    return this.env.nonCancellable(async () => {
      this.record(item.entryId, { type: 'compensation-started', reason: why, periodIds });
      if (periodIds.length === 0) {
        this.record(item.entryId, { type: 'compensated' });
        return true;
      }
      try {
        await this.acts.compensate({ ...this.ref, entryId: item.entryId, periodIds }, `${this.label(item)}: compensate (${why})`);
        this.record(item.entryId, { type: 'compensated' });
        return true;
      } catch (err) {
        this.noteAuth(err);
        this.record(item.entryId, { type: 'outcome-unknown', reason: `compensation (${why}) failed: ${failureMessage(err)}` });
        return false;
      }
    });
  }

  /** Compensate what we created (if anything), then give the verdict. */
  private async giveUp(item: PlannedEntry, periodIds: string[], why: string, verdict: Verdict, reason: string): Promise<void> {
    // A relock's periods are the entry's own, from an earlier transfer: they stay.
    const created = item.kind === 'relock' ? [] : periodIds;
    if (created.length === 0 || (await this.compensate(item, created, why))) this.verdict(item.entryId, verdict, reason);
  }

  /** Why no new write may start, if one may not. */
  private stopReason(): string | undefined {
    if (this.authFailure) return 'run stopped: credentials rejected';
    if (this.env.isCancelled()) return 'run cancelled';
    const unknown = this.carried.size + [...this.tracked.values()].filter((t) => t.ledger.state.name === 'unknown').length;
    if (unknown >= UNRESOLVED_LIMIT) return `run stopped: ${unknown} writes of unknown outcome are resolved against timr and Personio first (next run)`;
    return undefined;
  }

  private async transferBatch(batch: PlannedEntry[], round: number): Promise<void> {
    const stop = this.stopReason();
    if (stop) {
      for (const item of batch) this.verdict(item.entryId, 'not-started', stop);
      return;
    }
    const byId = new Map(batch.map((i) => [i.entryId, i]));
    for (const item of batch) if (item.kind === 'relock') this.record(item.entryId, { type: 'posted', periodIds: item.previous?.periodIds ?? [] });

    const toPost = batch.filter((i) => i.kind !== 'relock');
    if (toPost.length) await this.postBatch(toPost, round);

    const toLock = batch.filter((i) => this.stateOf(i.entryId).name === 'posted');
    if (!toLock.length) return;
    // Posted entries still get their lock after an auth failure elsewhere (it makes them done);
    // a cancelled run asks for no lock, so its posts are known not locked and are taken back.
    if (this.env.isCancelled()) {
      await Promise.all(toLock.map((item) => this.giveUp(item, this.postedIds(item), 'not locked', 'failed', 'run cancelled')));
      return;
    }
    const again = await this.lockBatch(toLock, byId, round);
    if (again.length) await this.transferBatch(again, round + 1);
  }

  private async postBatch(toPost: PlannedEntry[], round: number): Promise<void> {
    for (const item of toPost) this.record(item.entryId, { type: 'post-started' });
    let results: PostBatchResult['results'];
    try {
      ({ results } = await this.acts.post(
        {
          ...this.ref,
          entries: toPost.map((i) => ({
            entryId: i.entryId,
            personId: i.personId,
            periods: i.periods,
            removeFirst: round === 0 && i.kind === 'retransfer' ? (i.previous?.periodIds ?? []) : [],
            reconcile: i.kind !== 'new' || round > 0,
            notOurs: this.notOurs(i),
          })),
        },
        `${this.tenantId}: post to Personio — ${describeBatch(toPost)}`,
      ));
    } catch (err) {
      // Some of these posts may have happened: unknown, never "failed".
      this.noteAuth(err);
      for (const item of toPost) this.record(item.entryId, { type: 'outcome-unknown', reason: `post to Personio did not answer: ${failureMessage(err)}` });
      return;
    }
    for (const r of results) {
      const item = toPost.find((i) => i.entryId === r.entryId)!;
      if (r.ok) {
        this.record(item.entryId, { type: 'posted', periodIds: r.periodIds });
        continue;
      }
      const deferred = r.failureType === FailureType.Conflict || r.failureType === FailureType.NotFound;
      await this.giveUp(item, r.periodIds, 'refused by Personio', deferred ? 'deferred' : 'quarantined', r.message);
    }
  }

  /** Ids this entry must never adopt: other entries' records (from the plan) and this run's posts. */
  private notOurs(item: PlannedEntry): string[] {
    const ours: string[] = [];
    for (const t of this.tracked.values()) {
      if (t.ledger.entryId === item.entryId || t.item?.personId !== item.personId) continue;
      const s = t.ledger.state;
      if ('periodIds' in s) ours.push(...s.periodIds);
    }
    return [...new Set([...item.notOurs, ...ours])];
  }

  private postedIds(item: PlannedEntry): string[] {
    const s = this.stateOf(item.entryId);
    return 'periodIds' in s ? [...s.periodIds] : [];
  }

  private async lockBatch(toLock: PlannedEntry[], byId: Map<string, PlannedEntry>, round: number): Promise<PlannedEntry[]> {
    const posted = (item: PlannedEntry) => this.postedIds(item);
    const records = toLock.map((i): LockBatchInput['entries'][number] => ({
      entryId: i.entryId,
      posted: { periodIds: posted(i), personId: i.personId, fingerprint: i.fingerprint, run: this.env.runId },
      // Planning's read of the entry spares the lock its own read; after an edit round it reads first.
      ...(round === 0 && i.lockBase && { base: i.lockBase }),
    }));
    for (const item of toLock) this.record(item.entryId, { type: 'lock-started' });
    let outcomes: LockBatchResult['results'];
    try {
      ({ results: outcomes } = await this.acts.lock(
        { ...this.ref, runId: this.env.runId, sync: this.input.settings.sync, entries: records },
        `${this.tenantId}: lock in timr — ${describeBatch(toLock)}`,
      ));
    } catch (err) {
      this.noteAuth(err);
      await this.lockFailed(toLock, posted, failureMessage(err));
      return [];
    }

    const again: PlannedEntry[] = [];
    for (const o of outcomes) {
      const item = byId.get(o.entryId)!;
      const periodIds = posted(item);
      if (o.outcome === 'locked') {
        this.record(item.entryId, { type: 'locked' });
      } else if (o.outcome === 'refused') {
        if (o.failureType === FailureType.RedirectedToRequest && item.periods.length === 0) {
          // Withdrawn (retyped to a type timr books by request): the periods are gone and timr
          // will not take our mark. The tenant remembers it, so it is not withdrawn every cycle.
          this.record(item.entryId, { type: 'settled', reason: o.message });
          continue;
        }
        // The lock activity read the entry back before refusing: it is not locked with our record.
        const deferred = o.failureType === FailureType.Conflict || o.failureType === FailureType.NotFound;
        await this.giveUp(item, periodIds, deferred ? 'timr conflict while locking' : 'refused by timr', deferred ? 'deferred' : 'quarantined', o.message);
      } else if (await this.compensate(item, periodIds, 'entry edited while locking')) {
        // Locked with other content than we posted: ours are removed, now post the locked content.
        if (!o.replan) {
          // The locked content is nothing to transfer (e.g. retyped to an absence): say so in timr.
          this.record(item.entryId, { type: 'repost', fingerprint: item.fingerprint });
          again.push(this.retarget(item, { ...item, periods: [], kind: 'retransfer', warnings: [o.reason ?? 'no longer an attendance'] }));
        } else if (round + 1 >= MAX_EDIT_ROUNDS) {
          this.verdict(item.entryId, 'deferred', `timr entry ${item.entryId} kept changing while being locked; it is retried next cycle`);
        } else {
          this.record(item.entryId, { type: 'repost', fingerprint: o.replan.fingerprint });
          again.push(this.retarget(item, { ...o.replan, userId: item.userId, notOurs: item.notOurs, kind: 'retransfer' }));
        }
      }
    }
    return again;
  }

  private retarget(item: PlannedEntry, next: PlannedEntry): PlannedEntry {
    this.tracked.get(item.entryId)!.item = next;
    return next;
  }

  /**
   * The lock batch failed for good: the PATCHes may have happened. Read the entries back; only
   * those timr does not hold with our record are compensated. If even that read fails, they
   * stay unknown and the next run resolves them.
   */
  private async lockFailed(toLock: PlannedEntry[], posted: (i: PlannedEntry) => string[], reason: string): Promise<void> {
    let locked: Set<string>;
    try {
      // Read-only, and what decides about compensations: it runs even in a cancelled run.
      const r = await this.env.nonCancellable(() =>
        this.acts.inspectLocks(
          { ...this.ref, entries: toLock.map((i) => ({ entryId: i.entryId, periodIds: posted(i) })) },
          `${this.tenantId}: read back ${toLock.length} entr${toLock.length === 1 ? 'y' : 'ies'} after a lock failed`,
        ),
      );
      locked = new Set(r.locked);
    } catch (err) {
      this.noteAuth(err);
      for (const item of toLock) this.record(item.entryId, { type: 'outcome-unknown', reason: `lock in timr did not answer (${reason}) and could not be read back: ${failureMessage(err)}` });
      return;
    }
    for (const item of toLock) {
      if (locked.has(item.entryId)) this.record(item.entryId, { type: 'locked' });
      else await this.giveUp(item, posted(item), 'lock failed', 'failed', reason);
    }
  }

  /** Everything the run reports, derived from the ledger. */
  report(): SyncRunReport {
    const plan: RunPlan = this.plan ?? { entries: [], quarantined: [], deletions: [], deletionWatermark: null, more: false, releasedQuarantine: [], eligible: 0 };
    const entries: EntryReport[] = [];
    const quarantined: QuarantinedEntry[] = [];
    const settled: Record<string, string> = {};
    const unresolved: UnresolvedWrite[] = [...this.carried.values()];
    // Entries this run wrote nothing for keep the plan's fates; the others get theirs below.
    const fates = new FateTally(plan.fates);
    const counts: RunCounts = {
      eligible: plan.eligible,
      transferred: 0,
      updated: 0,
      relocked: 0,
      deleted: 0,
      quarantined: 0,
      deferred: 0,
      failed: 0,
      unresolved: 0,
      notStarted: 0,
      compensations: 0,
    };
    // Quarantined entries beyond the hold room: the plan counted and described them.
    counts.quarantined += plan.unheld?.count ?? 0;
    for (const t of this.tracked.values()) {
      const { ledger, label, item } = t;
      counts.compensations += ledger.compensations;
      const base = { entryId: ledger.entryId, ...(label.employee && { employee: label.employee, date: label.date }) };
      const s = ledger.state;
      let outcome: EntryOutcome;
      let extra: Partial<EntryReport> = {};
      switch (s.name) {
        case 'locked':
          outcome = ledger.reposts > 0 || t.kind === 'retransfer' ? 'updated' : t.kind === 'relock' ? 'relocked' : 'transferred';
          extra = { periodIds: s.periodIds, ...(item?.warnings.length && { warnings: item.warnings }) };
          break;
        case 'settled':
          outcome = 'updated';
          extra = { periodIds: [], reason: s.reason };
          settled[ledger.entryId] = item?.lastModified ?? '';
          break;
        case 'removed':
          outcome = 'deleted';
          break;
        case 'quarantined': {
          outcome = 'quarantined';
          extra = { reason: s.reason, retryable: false };
          const code = quarantineCode(t);
          quarantined.push({
            entryId: ledger.entryId,
            employee: label.employee,
            date: label.date,
            reason: s.reason,
            ...(code && { code }),
            lastModified: label.lastModified ?? item?.lastModified ?? '',
          });
          break;
        }
        case 'deferred':
        case 'failed':
        case 'not-started':
          outcome = s.name;
          extra = { reason: s.reason, retryable: true };
          break;
        case 'unknown':
          outcome = 'unresolved';
          extra = { reason: s.reason, retryable: true, ...(s.periodIds.length && { periodIds: s.periodIds }) };
          if (item) {
            unresolved.push({ entryId: ledger.entryId, userId: item.userId, personId: item.personId, periods: item.periods, periodIds: s.periodIds, run: this.env.runId, reason: s.reason });
          }
          break;
        default:
          // A state that is not terminal at the end of the run is a bug; never report it as done.
          outcome = 'failed';
          extra = { reason: `run ended with the entry in state "${s.name}" (a bug in the sync workflow)`, retryable: true };
      }
      if (outcome === 'not-started') counts.notStarted++;
      else counts[outcome]++;
      entries.push({ ...base, outcome, ...extra });
      fates.add(outcome, fateReason(t, outcome), base, 'reason' in s ? s.reason : undefined);
    }
    const outcome = this.authFailure ? 'auth-failed' : this.planError !== undefined ? 'failed' : counts.failed + counts.deferred + counts.unresolved > 0 || unresolved.length > 0 ? 'partial' : 'succeeded';
    return {
      tenantId: this.tenantId,
      runId: this.env.runId,
      outcome,
      counts,
      entries,
      quarantined,
      ...(plan.unheld && { unheld: plan.unheld }),
      deletionWatermark: this.deletionsComplete ? plan.deletionWatermark : null,
      more: plan.more,
      releasedQuarantine: plan.releasedQuarantine ?? [],
      settled,
      unresolved,
      ...(this.authFailure !== undefined && { authFailure: this.authFailure }),
      ...(this.planError !== undefined && { error: this.planError }),
      // A run that could not plan saw nothing: the tenant keeps the view it had.
      ...(this.plan && { fates: fates.result(), decisions: plan.decisions ?? [] }),
      ...(this.input.repair && this.plan && { repairSettled: this.repairSettled(plan) }),
    };
  }

  /**
   * Repair items this run is done with: written again and locked, removed, or given a verdict
   * that holds until timr changes (quarantined, settled) — and those the plan found nothing to do
   * for. Failed, deferred, unknown and not-started ones stay with the tenant for the next run.
   */
  private repairSettled(plan: RunPlan): string[] {
    const repair = this.input.repair!;
    const done = new Set(plan.repairObsolete ?? []);
    for (const id of [...Object.keys(repair.replace), ...repair.remove.map((r) => r.entryId)]) {
      const state = this.tracked.get(id)?.ledger.state.name;
      if (state === 'locked' || state === 'removed' || state === 'quarantined' || state === 'settled') done.add(id);
    }
    return [...done];
  }

  /**
   * What the run hands its tenant (recorded in the tenant's history, so bounded at any size):
   * the report with a sample of its entries, the quarantined ones to hold as ids, a sample with
   * reasons. Every entry with its details stays in the run's `report` query.
   */
  result(): SyncRunReport {
    const full = this.report();
    const rank = (e: EntryReport) => {
      const i = NOTEWORTHY.indexOf(e.outcome);
      return i === -1 ? NOTEWORTHY.length : i;
    };
    const entries = [...full.entries].sort((a, b) => rank(a) - rank(b)).slice(0, RESULT_ENTRY_SAMPLE);
    return {
      ...full,
      entries,
      quarantined: full.quarantined.slice(0, RESULT_QUARANTINE_SAMPLE),
      hold: Object.fromEntries(full.quarantined.map((q) => [q.entryId, q.lastModified])),
    };
  }
}
