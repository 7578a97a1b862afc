/**
 * The look-back window as the worker last read it, for the runs of one backfill: each run plans
 * from the whole window, and reading it again for every 200-entry run made a 5,000-entry backfill
 * read the window 26 times (issue 10). A plan soon after another of the same tenant reads only
 * what timr changed since the cached read (`last_modified_after`, less the overlap; without a
 * start filter, so an entry moved out of the window is seen leaving) and the deletion feed, and
 * applies both. Every write to an entry moves its last_modified — the rule the change checks rely
 * on too. The cache lives in this process only (another worker reads in full), is short-lived,
 * bounded, and never used for the check's full pass or an audit (a full pass only fills it).
 */
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime, WorkingTimeStatus } from '../clients/timr/schemas.js';
import { progress, stopIfCancelled } from './heartbeat.js';

interface CachedWindow {
  /** The window's first day (start_from) it was read for. */
  from: string;
  entries: Map<string, WorkingTime>;
  /** Changes after this instant are not in it yet (see readWindow), and when it was last used. */
  changesAfter: number;
  usedAt: number;
}

/**
 * After a change read, the next one starts this long before the newest last_modified it saw:
 * timr's own clock, so no skew, and only writes still committing when it read are in doubt.
 */
export const IN_FLIGHT_MS = 5_000;

/** How long after its last use a cached window is trusted (consecutive runs of a backfill are seconds apart). */
export const WINDOW_CACHE_TTL_MS = 120_000;
/** Entries cached over all tenants at most; beyond, the least recently used windows go. */
const WINDOW_CACHE_ENTRY_LIMIT = 200_000;

const windows = new Map<string, CachedWindow>();

export function clearWindowCache(): void {
  windows.clear();
}

function byStart(a: WorkingTime, b: WorkingTime): number {
  const d = Date.parse(a.start) - Date.parse(b.start);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function evictBeyondLimit(nowMs: number): void {
  // Expired windows are never used again: they go first, so a tenant read once is not held for good.
  for (const [key, w] of windows) if (nowMs - w.usedAt >= WINDOW_CACHE_TTL_MS) windows.delete(key);
  let total = [...windows.values()].reduce((n, w) => n + w.entries.size, 0);
  const oldestFirst = [...windows.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt);
  for (const [key, w] of oldestFirst) {
    if (total <= WINDOW_CACHE_ENTRY_LIMIT) break;
    windows.delete(key);
    total -= w.entries.size;
  }
}

/**
 * Every entry of the window (start on or after `from`, any of `statuses`), oldest first — from
 * the cached read plus timr's changes since when there is a fresh one, else read in full.
 */
export async function readWindow(timr: TimrClient, opts: { from: string; statuses: WorkingTimeStatus[]; overlapMs: number; nowMs?: number }): Promise<WorkingTime[]> {
  const key = timr.tenantId;
  const startedAt = opts.nowMs ?? Date.now();
  const cached = windows.get(key);
  const statuses = new Set(opts.statuses);
  let listed = 0;
  const beat = () => {
    if (++listed % 100 === 0) {
      progress({ listed });
      stopIfCancelled();
    }
  };
  let entries: Map<string, WorkingTime>;
  // A full read (by start) may miss what changes while it reads: the next change read starts
  // before it, less the overlap for clock skew (worker vs timr) — or, after a change read, just
  // before the newest change it saw when that is later.
  let changesAfter = startedAt - opts.overlapMs;
  if (cached && cached.from === opts.from && startedAt - cached.usedAt < WINDOW_CACHE_TTL_MS) {
    entries = cached.entries;
    changesAfter = Math.max(changesAfter, cached.changesAfter);
    const since = new Date(cached.changesAfter).toISOString();
    // Sorted by last_modified, an entry changed while this reads moves behind the cursor: still seen.
    for await (const entry of timr.listWorkingTimes({ statuses: opts.statuses, last_modified_after: since, sort_by: 'last_modified', sort_direction: 'asc' })) {
      beat();
      changesAfter = Math.max(changesAfter, Date.parse(entry.last_modified) - IN_FLIGHT_MS);
      // start_from compares the calendar day of `start` as recorded (the device's offset).
      if (entry.start.slice(0, 10) < opts.from) entries.delete(entry.id);
      else entries.set(entry.id, entry);
    }
    for await (const deleted of timr.listDeletedWorkingTimes(since)) {
      beat();
      entries.delete(deleted.id);
    }
    // Deletions are not watermarked on their own: the next read asks for them from the same instant.
  } else {
    entries = new Map();
    for await (const entry of timr.listWorkingTimes({ statuses: opts.statuses, start_from: opts.from, sort_by: 'start', sort_direction: 'asc' })) {
      beat();
      entries.set(entry.id, entry);
    }
  }
  remember(key, { from: opts.from, entries, changesAfter, usedAt: Date.now() });
  return [...entries.values()].filter((e) => statuses.has(e.status)).sort(byStart);
}

function remember(key: string, window: CachedWindow): void {
  windows.set(key, window);
  evictBeyondLimit(window.usedAt);
}

/**
 * The check's full pass reads the whole window itself (a reconciliation never trusts a cache),
 * and leaves what it read here: the run it starts seconds later then plans from it plus the
 * changes since, instead of reading the window a second time. Passes every entry through.
 */
export async function* recordingWindow(timr: TimrClient, from: string, listing: AsyncIterable<WorkingTime>, opts: { overlapMs: number; startedAt: number }): AsyncGenerator<WorkingTime> {
  const entries = new Map<string, WorkingTime>();
  for await (const entry of listing) {
    entries.set(entry.id, entry);
    yield entry;
  }
  remember(timr.tenantId, { from, entries, changesAfter: opts.startedAt - opts.overlapMs, usedAt: Date.now() });
}
