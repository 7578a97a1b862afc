/**
 * Reads what a sync cycle has to do from timr: entries in the look-back window that still need
 * a transfer, classified by the domain rules, and deletions of entries we had transferred.
 *
 * timr is the source of truth: a `changeable` entry has not been transferred (or was unlocked
 * since), and an entry approved, closed or locked by someone else before we saw it carries no
 * transfer record of ours in its metadata — it needs a transfer too, or its hours are lost.
 */
import { createHash } from 'node:crypto';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime, WorkingTimeStatus, WorkingTimeType } from '../clients/timr/schemas.js';
import { booksNothing, classifyEntry, typeCategories, type ClassificationContext, type SkipCode } from '../domain/entry-classification.js';
import { FateTally, type Fate } from '../domain/entry-fates.js';
import { parseTenantSyncConfig, type TenantSyncConfig } from '../domain/tenant-config.js';
import { undecidedTypes, type TypeDecision } from '../domain/type-decisions.js';
import type { PlannedDeletion } from './contracts.js';
import { fingerprintOf, labelOf } from './entry-memo.js';
import { progress, stopIfCancelled } from './heartbeat.js';
import { readSyncMetadata } from './sync-metadata.js';
import { readWindow, recordingWindow } from './window-cache.js';

export interface CollectInput {
  tenantId: string;
  sync: unknown;
  /** `sync` parsed already (the check parses it first): not parsed again. */
  config?: TenantSyncConfig;
  lookbackDays: number;
  held: Record<string, string>;
  deletionWatermark: string | null;
  /** Deletions to hand over at most (planning: one run's worth); the watermark stops before the rest. */
  maxDeletions?: number;
  /** Clock for the look-back window (tests pin it). */
  now?: Date;
  /**
   * An audit's repair: entryId → last_modified of transferred entries whose Personio periods are
   * missing or changed. While timr still shows them so, they are planned again instead of counted done.
   */
  replace?: Record<string, string>;
  /**
   * Read only the window's entries timr changed after this instant (`last_modified_after`), not
   * the whole window: the check between full passes. Held entries not among them are unchanged,
   * so still held; overlaps are judged among the changed entries only (a run judges them fully).
   * Only while the working-time types are those of `typesDigest`: changed types change how
   * unchanged entries are classified, so then the whole window is read.
   */
  changedSince?: string;
  typesDigest?: string | null;
  /** A backfill: these days instead of the look-back window. */
  range?: { from: string; to: string };
  /** Planning: the window from this worker's recent read plus timr's changes since (window-cache.ts). */
  useWindowCache?: boolean;
}

export interface CollectedWork {
  ctx: ClassificationContext;
  /** Finished attendance and Zeitausgleich entries, oldest first, minus unchanged held ones. */
  eligible: WorkingTime[];
  /** Transferred earlier, now no attendance any more (e.g. retyped to vacation): periods to remove. */
  withdrawn: WorkingTime[];
  /** Entries classified invalid by the domain rules, or overlapping another (quarantine with the reason). */
  invalid: { entry: WorkingTime; reason: string; code: 'entry-data' | 'overlap' }[];
  /**
   * Fates of the entries that need nothing from a run: transferred before, held, waiting,
   * not an attendance, ignored, empty, archived. Every other entry is in `eligible`,
   * `withdrawn` or `invalid`.
   */
  fates: FateTally;
  /** Non-attendance types the tenant has not decided on (Zeitausgleich or ignore). */
  decisions: TypeDecision[];
  /** Held entries no longer held: deleted, retyped, done, or changed in timr (then judged afresh). */
  releasedQuarantine: string[];
  deletions: PlannedDeletion[];
  /** Further deletions beyond `maxDeletions` (the next run's). */
  moreDeletions: boolean;
  deletionWatermark: string | null;
  /** The whole window was read (not only what changed since `changedSince`). */
  fullPass: boolean;
  /** Digest of the working-time types as read (see CollectInput.typesDigest). */
  typesDigest: string;
  /** A change read: the newest last_modified among the changes (timr's clock). */
  newestChange?: number;
  /** Period ids other live entries of the same employee around this entry's date have recorded. */
  notOursFor(entry: WorkingTime): string[];
  /** Entries of `replace` planned again (the others changed since the audit, or are gone). */
  replaced: Set<string>;
  /** Every period id a live entry of the window has recorded. */
  liveClaims: Set<string>;
}

/** A live timr entry's place in time and what it owns, for overlap and ownership checks. */
interface Claim {
  entryId: string;
  startMs: number;
  endMs: number;
  /** Transferred and unchanged: it keeps its periods, a newcomer that overlaps it waits. */
  done: boolean;
  periodIds: string[];
}

const DAY_MS = 86_400_000;

/** The earlier of two overlapping entries keeps the time: transferred first, then by start, then id. */
function precedes(a: Claim, b: Claim): boolean {
  if (a.done !== b.done) return a.done;
  if (a.startMs !== b.startMs) return a.startMs < b.startMs;
  return a.entryId < b.entryId;
}

function overlapReason(other: Claim, zone: string): string {
  const fmt = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: zone }).slice(0, 16);
  return (
    `overlaps timr entry ${other.entryId} (${fmt(other.startMs)}–${fmt(other.endMs).slice(11)}) of the same employee; ` +
    'Personio holds one attendance per time, so only the earlier entry is transferred. Delete or correct one of the two in timr'
  );
}

/** Statuses in which an entry can no longer be edited by its employee. */
const FINISHED_ELSEWHERE = ['approved', 'closed', 'locked'] as const;
/**
 * Everything in the window is read, not only what may need a transfer: running, paused and
 * archived entries get a fate too, so nothing in timr is left unaccounted for.
 */
const ALL_STATUSES: WorkingTimeStatus[] = ['changeable', ...FINISHED_ELSEWHERE, 'running', 'paused', 'archived'];

/** The fate of an entry a run leaves alone, and the reason shared by its group. */
export function fateOfSkip(code: SkipCode, entry: WorkingTime, ctx: ClassificationContext): { fate: Fate; reason: string } {
  const type = entry.working_time_type;
  switch (code) {
    case 'running':
      return { fate: 'waiting', reason: 'still running in timr' };
    case 'paused':
      return { fate: 'waiting', reason: 'paused in timr' };
    case 'unfinished':
      return { fate: 'waiting', reason: 'has no end time yet' };
    case 'awaiting-approval':
      return { fate: 'waiting', reason: 'waits for approval in timr (sync.transferWhen = approved)' };
    case 'archived':
      return { fate: 'archived', reason: 'archived in timr; archived entries are not transferred' };
    case 'absence':
      return { fate: 'not-attendance', reason: `type "${type.name}" (${type.id}) of category ${ctx.typeCategories[type.id] ?? 'unknown'}` };
    case 'ignored':
      return { fate: 'ignored', reason: `type "${type.name}" (${type.id}) is in sync.ignoreTypeIds` };
    case 'empty':
      return { fate: 'empty', reason: 'lasts zero minutes: nothing to book' };
  }
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The working-time types as this process last read them, per tenant. A change check between full
 * passes uses a read younger than this: types change rarely, and reading them was one of a quiet
 * cycle's three requests (issue 10). Every other collectWork (a full pass, a run's plan, a
 * backfill) reads them afresh and refreshes the kept read, and so does a change naming a type the
 * kept read lacks; audits and locks read their own.
 */
export const TYPES_MAX_AGE_MS = 10 * 60_000;
/** Tenants whose read is kept at most (a worker's tenants; beyond, the oldest read goes). */
const TYPES_KEPT_LIMIT = 20_000;
const typesRead = new Map<string, { types: WorkingTimeType[]; digest: string; atMs: number }>();

export function clearTypesCache(): void {
  typesRead.clear();
}

async function readTypes(timr: TimrClient, nowMs: number): Promise<{ types: WorkingTimeType[]; digest: string }> {
  const types = await timr.listWorkingTimeTypes();
  const read = { types, digest: digestOfTypes(types), atMs: nowMs };
  typesRead.delete(timr.tenantId);
  typesRead.set(timr.tenantId, read);
  if (typesRead.size > TYPES_KEPT_LIMIT) typesRead.delete(typesRead.keys().next().value!);
  return read;
}

/** The kept read, when young enough and the one the previous check saw (otherwise a full pass follows, which reads afresh). */
function keptTypes(tenantId: string, digest: string | null | undefined, nowMs: number): { types: WorkingTimeType[]; digest: string } | undefined {
  const kept = typesRead.get(tenantId);
  return kept && kept.digest === digest && nowMs - kept.atMs >= 0 && nowMs - kept.atMs < TYPES_MAX_AGE_MS ? kept : undefined;
}

export async function collectWork(timr: TimrClient, input: CollectInput): Promise<CollectedWork> {
  const nowMs = (input.now ?? new Date()).getTime();
  const kept = !input.range && input.changedSince !== undefined ? keptTypes(timr.tenantId, input.typesDigest, nowMs) : undefined;
  // Undefined: a change named a type the kept read lacks; then the types are read afresh.
  const work = kept && (await collectWith(timr, input, kept, true));
  // A fresh read never gives up (an unknown type is then the entry's own problem).
  return work ?? (await collectWith(timr, input, await readTypes(timr, nowMs), false))!;
}

async function collectWith(timr: TimrClient, input: CollectInput, read: { types: WorkingTimeType[]; digest: string }, keptRead: boolean): Promise<CollectedWork | undefined> {
  const config = input.config ?? parseTenantSyncConfig(input.sync, input.tenantId);
  const { types, digest: typesDigest } = read;
  const ctx: ClassificationContext = { config, typeCategories: typeCategories(types) };
  const now = input.now ?? new Date();
  const from = new Date(now.getTime() - input.lookbackDays * 86_400_000);

  const eligible: WorkingTime[] = [];
  const invalid: CollectedWork['invalid'] = [];
  const withdrawn: WorkingTime[] = [];
  const fates = new FateTally();
  const entriesByType = new Map<string, number>();
  // Held ids still held (unchanged in timr); the rest are released — an edited one is judged
  // afresh by this very plan (and held again, with its new last_modified, if it still must be).
  const stillConcerned = new Set<string>();
  const claims = new Map<string, Claim[]>();
  const claimOf = (entry: WorkingTime, done: boolean, takesTime = true) => {
    const startMs = Date.parse(entry.start);
    // Not an attendance (any more): it still owns its recorded periods, but no time.
    const endMs = entry.end === null || !takesTime ? startMs : Date.parse(entry.end);
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) return;
    const list = claims.get(entry.user.id) ?? [];
    list.push({ entryId: entry.id, startMs, endMs, done, periodIds: readSyncMetadata(entry.metadata)?.periodIds ?? [] });
    claims.set(entry.user.id, list);
  };
  let listed = 0;
  const replaced = new Set<string>();
  const zone = config.timezone;
  const seenIds = new Set<string>();
  // A backfill reads its days in full; the check between full passes only what changed.
  const changedOnly = !input.range && input.changedSince !== undefined && input.typesDigest === typesDigest;
  const days = input.range ? { start_from: input.range.from, start_to: input.range.to } : { start_from: isoDate(from) };
  // Changes sorted by last_modified: an entry changed while they are read moves behind the cursor, so it is still seen.
  const filters = changedOnly
    ? ({ statuses: ALL_STATUSES, ...days, last_modified_after: input.changedSince, sort_by: 'last_modified', sort_direction: 'asc' } as const)
    : ({ statuses: ALL_STATUSES, ...days, sort_by: 'start', sort_direction: 'asc' } as const);
  let newestChange: number | undefined;
  // The cache holds the look-back window only; a backfill's range is read as asked.
  const overlapMs = config.changeOverlapSeconds * 1000;
  const listing =
    changedOnly || input.range
      ? timr.listWorkingTimes(filters)
      : input.useWindowCache
        ? await readWindow(timr, { from: isoDate(from), statuses: ALL_STATUSES, overlapMs, nowMs: Date.now() })
        : recordingWindow(timr, isoDate(from), timr.listWorkingTimes(filters), { overlapMs, startedAt: Date.now() });
  for await (const entry of listing) {
    if (changedOnly) {
      seenIds.add(entry.id);
      const at = Date.parse(entry.last_modified);
      if (!(newestChange !== undefined && newestChange >= at)) newestChange = at;
    }
    // The attempt's pulse heartbeats by time (heartbeat.ts); this is only what it reports.
    if (++listed % 100 === 0) {
      progress({ listed });
      stopIfCancelled();
    }
    if (keptRead && ctx.typeCategories[entry.working_time_type.id] === undefined) return undefined;
    entriesByType.set(entry.working_time_type.id, (entriesByType.get(entry.working_time_type.id) ?? 0) + 1);
    // Not editable by the employee and carrying our record of exactly this content: done.
    // (An admin may still change a locked or approved entry: then the record no longer fits.)
    const forced = input.replace?.[entry.id] === entry.last_modified;
    if (entry.status !== 'changeable' && entry.status !== 'running' && entry.status !== 'paused' && readSyncMetadata(entry.metadata)?.fingerprint === fingerprintOf(entry)) {
      claimOf(entry, true);
      if (!forced) {
        fates.add('transferred', 'transferred before, unchanged since', labelOf(entry, zone));
        continue;
      }
      // Transferred, but an audit found its Personio periods missing or changed: planned again.
      replaced.add(entry.id);
    }
    const c = classifyEntry(entry, ctx);
    if (!replaced.has(entry.id)) claimOf(entry, false, c.kind !== 'skip');
    if (input.held[entry.id] === entry.last_modified) {
      fates.add('held', c.kind === 'skip' ? 'withdrawn before; timr books its type by request' : 'quarantined before, unchanged in timr since', labelOf(entry, zone));
      stillConcerned.add(entry.id);
      continue;
    }
    if (c.kind === 'skip' && booksNothing(c.code) && readSyncMetadata(entry.metadata)?.periodIds.length) withdrawn.push(entry);
    else if (c.kind === 'skip') {
      const { fate, reason } = fateOfSkip(c.code, entry, ctx);
      fates.add(fate, reason, labelOf(entry, zone));
    } else if (c.kind === 'invalid') invalid.push({ entry, reason: c.reason, code: 'entry-data' });
    else eligible.push(entry);
  }

  // The deletion feed, oldest first, cut at a timestamp boundary after maxDeletions: the
  // watermark then stops there and the next run goes on (rows sharing one last_modified are
  // taken together, or `last_modified_after` would skip the ones left behind).
  const deletedRows: { entryId: string; at: number; lastModified: string; deletion?: PlannedDeletion }[] = [];
  let deletedSeen = 0;
  for await (const deleted of timr.listDeletedWorkingTimes(input.deletionWatermark ?? undefined)) {
    if (++deletedSeen % 100 === 0) {
      progress({ listed, deletedSeen });
      stopIfCancelled();
    }
    const record = readSyncMetadata(deleted.metadata);
    // Compare instants, not strings: timr may vary the fractional-second precision.
    deletedRows.push({
      entryId: deleted.id,
      at: Date.parse(deleted.last_modified),
      lastModified: deleted.last_modified,
      ...(record && record.periodIds.length && { deletion: { entryId: deleted.id, periodIds: record.periodIds, lastModified: deleted.last_modified } }),
    });
  }
  deletedRows.sort((a, b) => a.at - b.at);
  const maxDeletions = input.maxDeletions ?? Number.POSITIVE_INFINITY;
  const deletions: PlannedDeletion[] = [];
  let deletionWatermark = input.deletionWatermark;
  let moreDeletions = false;
  for (let i = 0; i < deletedRows.length; ) {
    let j = i;
    while (j < deletedRows.length && deletedRows[j]!.at === deletedRows[i]!.at) j++;
    const group = deletedRows.slice(i, j).flatMap((r) => (r.deletion ? [r.deletion] : []));
    if (deletions.length > 0 && deletions.length + group.length > maxDeletions) {
      moreDeletions = true;
      break;
    }
    deletions.push(...group);
    if (!deletionWatermark || deletedRows[i]!.at > Date.parse(deletionWatermark)) deletionWatermark = deletedRows[i]!.lastModified;
    i = j;
  }
  // A change check saw only what changed: a held entry it did not see is unchanged (or deleted:
  // the feed says so, and the next full pass releases one that left the window).
  const deletedIds = new Set(deletedRows.map((r) => r.entryId));
  const releasedQuarantine = Object.keys(input.held).filter((id) => !stillConcerned.has(id) && (!changedOnly || seenIds.has(id) || deletedIds.has(id)));

  // Two live entries of one employee over the same time: the later one waits, naming the other
  // (otherwise both would claim one Personio period, or one would adopt part of the other's).
  const overlapping = (entry: WorkingTime): Claim | undefined => {
    const mine = claims.get(entry.user.id)?.find((c) => c.entryId === entry.id);
    if (!mine || mine.endMs <= mine.startMs) return undefined;
    return claims
      .get(entry.user.id)!
      .find((o) => o.entryId !== entry.id && o.endMs > o.startMs && o.startMs < mine.endMs && mine.startMs < o.endMs && precedes(o, mine));
  };
  const stillEligible: WorkingTime[] = [];
  for (const entry of eligible) {
    const other = overlapping(entry);
    if (other) invalid.push({ entry, reason: overlapReason(other, config.timezone), code: 'overlap' });
    else stillEligible.push(entry);
  }
  const notOursFor = (entry: WorkingTime): string[] => {
    const startMs = Date.parse(entry.start);
    return (claims.get(entry.user.id) ?? []).filter((c) => c.entryId !== entry.id && Math.abs(c.startMs - startMs) <= 2 * DAY_MS).flatMap((c) => c.periodIds);
  };
  const decisions = undecidedTypes(types, config, entriesByType);
  const liveClaims = new Set([...claims.values()].flatMap((list) => list.flatMap((c) => c.periodIds)));
  return { ctx, eligible: stillEligible, withdrawn, invalid, fates, decisions, releasedQuarantine, deletions, moreDeletions, deletionWatermark, fullPass: !changedOnly, typesDigest, ...(newestChange !== undefined && { newestChange }), notOursFor, replaced, liveClaims };
}

/** What classification reads of the types (ids, names, categories …), order-independent. */
function digestOfTypes(types: readonly WorkingTimeType[]): string {
  const canonical = [...types].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((t) => JSON.stringify(t));
  return createHash('sha256').update(canonical.join('\n')).digest('hex').slice(0, 32);
}
