/**
 * What became of every timr entry in the look-back window, so no entry is ever skipped
 * silently: transferred, waiting, not an attendance, quarantined … each with the reason.
 *
 * The shape is bounded for workflow history and state (issue 8): per fate and reason a count
 * plus a sample of at most FATE_SAMPLE_LIMIT entry labels, and at most FATE_GROUP_LIMIT
 * groups; details of a run are on demand (`timr-sync report --run N`). Counts by fate are one
 * function of this shape (`fateCounts`), for the CLI, summaries and a later metrics exporter.
 *
 * Import-free at run time: used by the run saga (workflow code) and by the activities alike;
 * the zod shapes are in entry-fates-schema.ts.
 */
import type { EntryFates, FateGroup, FateSample, QuarantineCode } from './entry-fates-schema.js';

export type { EntryFates, FateGroup, FateSample, QuarantineCode };

/**
 * One vocabulary for run outcomes and plan fates. The first group are the outcomes a run's
 * ledger gives (the same words as EntryOutcome); the second what the plan decides without a
 * write.
 */
export const FATES = [
  'transferred',
  'updated',
  'relocked',
  'deleted',
  'quarantined',
  'deferred',
  'failed',
  'unresolved',
  'not-started',
  /** Eligible, but beyond this run's chunk (or, in a check, for the next run to transfer). */
  'pending',
  /** Running or paused in timr (or awaiting approval under transferWhen approved): transferred later. */
  'waiting',
  /** Quarantined before and unchanged in timr since (or withdrawn and booked by request). */
  'held',
  /** A type in a non-attendance category the tenant has not configured (see type decisions). */
  'not-attendance',
  /** A non-attendance type the tenant decided to ignore (`sync.ignoreTypeIds`). */
  'ignored',
  /** An attendance that lasts zero minutes: nothing to book. */
  'empty',
  /** Archived in timr before it was transferred. */
  'archived',
] as const;
export type Fate = (typeof FATES)[number];

export const FATE_SAMPLE_LIMIT = 20;
export const FATE_GROUP_LIMIT = 40;
/** Longest per-entry detail kept in a sample (vendor messages can be long). */
const DETAIL_LIMIT = 240;
/** Reason of the group that collects a fate's reasons beyond FATE_GROUP_LIMIT. */
export const OTHER_REASONS = 'other reasons';

/** How a fate reads in summaries and the CLI. */
export const FATE_LABELS: Readonly<Record<Fate, string>> = {
  transferred: 'transferred',
  updated: 'updated',
  relocked: 'relocked',
  deleted: 'deleted',
  quarantined: 'quarantined',
  deferred: 'deferred (next cycle)',
  failed: 'failed (next cycle)',
  unresolved: 'unresolved (write of unknown outcome)',
  'not-started': 'not started',
  pending: 'pending (next run)',
  waiting: 'waiting (unfinished or unapproved)',
  held: 'held (quarantined, unchanged)',
  'not-attendance': 'not an attendance',
  ignored: 'ignored by configuration',
  empty: 'empty (zero minutes)',
  archived: 'archived in timr',
};

/** The group reason of a quarantined entry, by its cause. */
export const QUARANTINE_CAUSES: Readonly<Record<QuarantineCode, string>> = {
  'entry-data': 'its data cannot be transferred as it stands; correct it in timr',
  overlap: 'overlaps another entry of the same employee',
  'employee-match': 'employee not matched to a Personio person',
  'vendor-refused': 'refused by Personio or timr',
};

export type FateCounts = Record<Fate, number>;

function compact(label: FateSample, detail?: string): FateSample {
  const d = detail ?? label.detail;
  return {
    entryId: label.entryId,
    ...(label.employee && { employee: label.employee }),
    ...(label.date && { date: label.date }),
    ...(d && { detail: d.length > DETAIL_LIMIT ? `${d.slice(0, DETAIL_LIMIT - 1)}…` : d }),
  };
}

/** Collects fates entry by entry (or group by group) within the bounds. */
export class FateTally {
  private readonly groups = new Map<string, FateGroup>();

  constructor(...from: (EntryFates | undefined)[]) {
    for (const f of from) for (const g of f?.groups ?? []) this.addGroup(g);
  }

  private group(fate: Fate, reason: string): FateGroup {
    let key = `${fate}\u0000${reason}`;
    let g = this.groups.get(key);
    if (!g && this.groups.size >= FATE_GROUP_LIMIT) {
      key = `${fate}\u0000${OTHER_REASONS}`;
      g = this.groups.get(key);
      reason = OTHER_REASONS;
    }
    if (!g) {
      g = { fate, reason, count: 0, sample: [] };
      this.groups.set(key, g);
    }
    return g;
  }

  add(fate: Fate, reason: string, label: FateSample, detail?: string): void {
    const g = this.group(fate, reason);
    g.count += 1;
    if (g.sample.length < FATE_SAMPLE_LIMIT) g.sample.push(compact(label, detail));
  }

  addGroup(from: FateGroup): void {
    const g = this.group(from.fate, from.reason);
    g.count += from.count;
    for (const s of from.sample) if (g.sample.length < FATE_SAMPLE_LIMIT) g.sample.push(compact(s));
  }

  result(): EntryFates {
    const order = (f: Fate) => FATES.indexOf(f);
    const groups = [...this.groups.values()]
      .map((g) => ({ ...g, sample: [...g.sample] }))
      .sort((a, b) => order(a.fate) - order(b.fate) || b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    return { groups };
  }
}

/** Entries per fate (every fate present, 0 when none). */
export function fateCounts(fates: EntryFates | undefined): FateCounts {
  const counts = Object.fromEntries(FATES.map((f) => [f, 0])) as FateCounts;
  for (const g of fates?.groups ?? []) counts[g.fate] += g.count;
  return counts;
}

export function totalEntries(fates: EntryFates | undefined): number {
  return (fates?.groups ?? []).reduce((n, g) => n + g.count, 0);
}

/** "112 transferred, 2 waiting (unfinished or unapproved), 1 quarantined"; zero counts left out. */
export function describeFateCounts(counts: FateCounts): string {
  const parts = FATES.filter((f) => counts[f] > 0).map((f) => `${counts[f]} ${FATE_LABELS[f]}`);
  return parts.length ? parts.join(', ') : 'no entries';
}
