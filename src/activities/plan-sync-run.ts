import { createHash } from 'node:crypto';
import type { PersonioClient } from '../clients/personio/client.js';
import type { Person } from '../clients/personio/schemas.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime } from '../clients/timr/schemas.js';
import { buildPersonIndex } from '../domain/employee-matching.js';
import { labelOf, planInputsKey, planOf } from './entry-memo.js';
import { QUARANTINE_CAUSES } from '../domain/entry-fates.js';
import { collectWork, fateOfSkip, type CollectedWork } from './collect-work.js';
import { MAX_DELETIONS_PER_RUN, type BackfillPreview, type PlanInput, type PlannedEntry, type QuarantinedEntry, type QuarantineSummary, type RunPlan, type WindowFates, type WorkCheck } from './contracts.js';
import { progress } from './heartbeat.js';
import { planEntry } from './plan-entry.js';
import { quarantineDigest } from './quarantine-digest.js';
import { IN_FLIGHT_MS } from './window-cache.js';
import { fullPassDue, parseTenantSyncConfig } from '../domain/tenant-config.js';
import { entriesPerBatch, entriesPerRun } from '../domain/write-pacing.js';

/** Quarantined entries a summary names with their reasons (the count and digest cover all). */
export const QUARANTINE_SAMPLE_LIMIT = 50;

async function allPersons(personio: PersonioClient): Promise<Person[]> {
  const persons: Person[] = [];
  for await (const p of personio.listPersons()) {
    persons.push(p);
    if (persons.length % 100 === 0) progress({ persons: persons.length });
  }
  return persons;
}

/** Stable digest of what the tenant shows about its window, so an unchanged view is not sent again. */
function digestOf(window: WindowFates): string {
  return createHash('sha256').update(JSON.stringify(window)).digest('hex').slice(0, 32);
}

/**
 * The cheap check of the tenant loop: is there anything to transfer or remove? Between full
 * passes it reads only what timr changed since the previous check (`last_modified_after`, less
 * an overlap) and the deletion feed, so a quiet cycle costs what changed, not the window. A full
 * pass (at most every sync.fullReconcileHours, or when the tenant asks for one) reads the whole
 * window and tells the tenant what every entry is. Quarantined entries the tenant does not hold
 * are not new work while they are exactly those the last run summarised (same digest). The
 * window view is sent only when it changed (a quiet tenant's history grows by a digest per
 * cycle); a change check sends the fates of what changed instead.
 */
export async function checkTenantWork(timr: TimrClient, input: Omit<PlanInput, 'runId' | 'chunkSize'>): Promise<WorkCheck> {
  const startedAt = Date.now();
  const config = parseTenantSyncConfig(input.sync, input.tenantId);
  const full = fullPassDue(input, config.fullReconcileHours, startedAt);
  const work = await collectWork(timr, {
    ...input,
    config,
    ...(!full && input.changeWatermark && { changedSince: input.changeWatermark, typesDigest: input.typesDigest ?? null }),
  });
  const candidates = [...work.withdrawn, ...work.eligible, ...work.invalid.map((i) => i.entry)];
  const zone = work.ctx.config.timezone;
  // The next check reads again from a little before this one started (see changeOverlapSeconds),
  // or, when that is later, from just before the newest change it saw (timr's clock: no skew).
  const next = {
    fullPass: work.fullPass,
    changeWatermark: new Date(Math.max(startedAt - config.changeOverlapSeconds * 1000, (work.newestChange ?? -Infinity) - IN_FLIGHT_MS)).toISOString(),
    typesDigest: work.typesDigest,
    // Deletions of entries never transferred need no run: the feed need not be read again.
    ...(work.deletions.length === 0 && work.deletionWatermark !== null && work.deletionWatermark !== input.deletionWatermark && { deletionWatermark: work.deletionWatermark }),
  };
  if (!work.fullPass) {
    // What changed is new: a run judges it (quarantined-and-unchanged ones are not among it).
    for (const entry of candidates) work.fates.add('pending', 'new or changed in timr: the next run transfers it', labelOf(entry, zone));
    const groups = work.fates.result().groups.filter((g) => g.fate !== 'transferred');
    return {
      hasWork: work.deletions.length > 0 || candidates.length > 0,
      pendingEntries: work.eligible.length + work.withdrawn.length,
      pendingDeletions: work.deletions.length,
      releasedQuarantine: work.releasedQuarantine,
      ...(input.windowDigest && { windowDigest: input.windowDigest }),
      ...next,
      ...(groups.length > 0 && { changes: { groups } }),
    };
  }
  const digest = quarantineDigest(candidates.map((e) => ({ entryId: e.id, lastModified: e.last_modified })));
  const onlyKnownQuarantine = digest !== null && digest === input.quarantineDigest;
  const pendingEntries = onlyKnownQuarantine ? 0 : work.eligible.length + work.withdrawn.length;
  for (const entry of candidates) {
    if (onlyKnownQuarantine) work.fates.add('quarantined', 'quarantined by the last run, unchanged in timr since (reasons: timr-sync report)', labelOf(entry, zone));
    // What a run would transfer, quarantine or withdraw is pending until that run says more.
    else work.fates.add('pending', 'new or changed in timr: the next run transfers it', labelOf(entry, zone));
  }
  const window: WindowFates = { fates: work.fates.result(), decisions: work.decisions };
  const windowDigest = digestOf(window);
  return {
    hasWork: work.deletions.length > 0 || (candidates.length > 0 && !onlyKnownQuarantine),
    pendingEntries,
    pendingDeletions: work.deletions.length,
    releasedQuarantine: work.releasedQuarantine,
    windowDigest,
    ...(windowDigest !== input.windowDigest && { window }),
    ...next,
  };
}

/** What the plan saw, for metrics only (never into workflow history). */
export type PlanObserver = (seen: { untransferred: readonly WorkingTime[]; quarantined: number }) => void;

/**
 * Every quarantined entry of the window (planning's verdicts), in window order; `untransferred`
 * collects the finished entries left untransferred (planned, beyond the chunk, or quarantined).
 */
async function quarantineOf(work: CollectedWork, personio: PersonioClient, chunkSize: number, onPlanned?: (entry: PlannedEntry) => boolean, untransferred: WorkingTime[] = []) {
  for (const { entry } of work.invalid) untransferred.push(entry);
  const zone = work.ctx.config.timezone;
  const quarantined: QuarantinedEntry[] = work.invalid.map(({ entry, reason, code }) => ({ ...labelOf(entry, zone), reason, code, lastModified: entry.last_modified }));
  const candidates = [...work.withdrawn, ...work.eligible];
  const persons = candidates.length ? await allPersons(personio) : [];
  const index = buildPersonIndex(persons, work.ctx.config.matching);
  const inputsKey = planInputsKey(work.ctx, persons);
  for (const entry of candidates) {
    const notOurs = work.notOursFor(entry);
    const plan = planOf(entry, inputsKey, notOurs, () => planEntry(entry, work.ctx, index, notOurs));
    if (plan.ok || 'quarantine' in plan) untransferred.push(entry);
    if (plan.ok) {
      if (onPlanned && !onPlanned(plan.entry)) work.fates.add('pending', `beyond this run's ${chunkSize} entries (chunkSize; fewer at a low Personio rate): the next run takes it`, labelOf(entry, zone));
    } else if ('quarantine' in plan) {
      quarantined.push(plan.quarantine);
    } else {
      const { fate, reason } = fateOfSkip(plan.code, entry, work.ctx);
      work.fates.add(fate, reason, labelOf(entry, zone), plan.skip);
    }
  }
  return quarantined;
}

/**
 * Everything one run will do, in a form small enough for workflow history: at most
 * `chunkSize` entries (oldest first; fewer at a low Personio rate, write-pacing.ts) and MAX_DELETIONS_PER_RUN deletions; `more` tells the
 * tenant loop to start another run. Of the quarantined entries, those the tenant has room to
 * hold (`holdRoom`) come with their reasons; the rest as a count, a digest and a sample, and
 * with their fates. Every entry of the window is in `entries`, in `quarantined` or has a fate.
 */
export async function planRun(timr: TimrClient, personio: PersonioClient, input: PlanInput, observe?: PlanObserver): Promise<RunPlan> {
  const rate = personioRate(personio);
  // A run at a high Personio rate takes more of the chunk (write-pacing.ts).
  const perRun = entriesPerRun(input.chunkSize, rate);
  // The runs of a backfill follow each other within seconds: the window as the previous one
  // read it plus timr's changes since, not the whole window again (window-cache.ts).
  const work = await collectWork(timr, { ...input, maxDeletions: MAX_DELETIONS_PER_RUN, useWindowCache: true, ...(input.repair && { replace: input.repair.replace }), ...(input.range && { range: input.range }) });
  const repair = repairOf(work, input);
  const entries: PlannedEntry[] = [];
  let more = work.moreDeletions;
  const untransferred: WorkingTime[] = [];
  const quarantined = await quarantineOf(
    work,
    personio,
    perRun,
    (entry) => {
      if (entries.length >= perRun) {
        more = true;
        return false;
      }
      // A repair's entry is unchanged in timr, so planning calls it a relock: its periods must be written again.
      entries.push(work.replaced.has(entry.entryId) && entry.kind === 'relock' ? { ...entry, kind: 'retransfer' } : entry);
      return true;
    },
    untransferred,
  );
  observe?.({ untransferred, quarantined: quarantined.length });
  const room = input.holdRoom ?? quarantined.length;
  const unheldEntries = quarantined.slice(room);
  for (const q of unheldEntries) work.fates.add('quarantined', q.code ? QUARANTINE_CAUSES[q.code] : 'quarantined', q, q.reason);
  const unheld: QuarantineSummary = {
    count: unheldEntries.length,
    digest: quarantineDigest(unheldEntries),
    sample: unheldEntries.slice(0, QUARANTINE_SAMPLE_LIMIT),
  };
  return {
    entries,
    quarantined: quarantined.slice(0, room),
    unheld,
    deletions: [...work.deletions, ...repair.deletions],
    fates: work.fates.result(),
    decisions: work.decisions,
    deletionWatermark: work.deletionWatermark,
    more,
    releasedQuarantine: work.releasedQuarantine,
    eligible: work.eligible.length + work.invalid.length,
    ...(input.repair && { repairObsolete: repair.obsolete }),
    // The run keeps only as many batches in flight as the rate can use, and sizes them by it.
    ...(rate !== undefined && { personioRatePerSecond: rate }),
    ...(input.batchSize !== undefined && { entriesPerBatch: entriesPerBatch(input.batchSize, rate) }),
  };
}

/** The Personio rate the run's writes will get here (write-pacing.ts sizes them by it); undefined when not paced. */
function personioRate(personio: PersonioClient): number | undefined {
  const rate = personio.requestRate;
  return rate !== undefined && Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

/**
 * A repair's removals that still apply (periods no live entry records, not already in this run's
 * deletions) and the items with nothing left to do: entries timr no longer shows as audited.
 */
function repairOf(work: CollectedWork, input: PlanInput): { deletions: RunPlan['deletions']; obsolete: string[] } {
  if (!input.repair) return { deletions: [], obsolete: [] };
  const obsolete = Object.keys(input.repair.replace).filter((id) => !work.replaced.has(id));
  const deleting = new Set(work.deletions.map((d) => d.entryId));
  const deletions: RunPlan['deletions'] = [];
  for (const r of input.repair.remove) {
    const periodIds = r.periodIds.filter((id) => !work.liveClaims.has(id));
    if (deleting.has(r.entryId) || periodIds.length === 0) obsolete.push(r.entryId);
    else deletions.push({ entryId: r.entryId, periodIds, lastModified: '' });
  }
  return { deletions, obsolete };
}

/** Labels a dry run names at most. */
const PREVIEW_SAMPLE = 20;

/**
 * `backfill --dry-run`: the range planned as a backfill run would plan it (the same rules), but
 * every entry counted instead of one chunk taken, and nothing written.
 */
export async function previewBackfill(timr: TimrClient, personio: PersonioClient, input: Omit<PlanInput, 'runId'> & { range: NonNullable<PlanInput['range']> }): Promise<BackfillPreview> {
  const work = await collectWork(timr, { ...input, range: input.range });
  const counts = { new: 0, retransfer: 0, relock: 0 };
  const sample: BackfillPreview['sample'] = [];
  const perRun = entriesPerRun(input.chunkSize, personioRate(personio));
  const quarantined = await quarantineOf(work, personio, perRun, (entry) => {
    counts[entry.kind]++;
    if (sample.length < PREVIEW_SAMPLE) sample.push({ entryId: entry.entryId, employee: entry.employee, date: entry.date });
    return true;
  });
  const planned = counts.new + counts.retransfer + counts.relock;
  return {
    range: input.range,
    fates: work.fates.result(),
    wouldTransfer: counts.new,
    wouldUpdate: counts.retransfer,
    wouldRelock: counts.relock,
    sample,
    quarantined: quarantined.length,
    quarantineSample: quarantined.slice(0, PREVIEW_SAMPLE),
    runs: Math.ceil(planned / perRun),
  };
}

/** One page of the window's quarantine; reasons are shared by many entries, so they are listed once. */
export interface QuarantinePage {
  total: number;
  reasons: string[];
  entries: { entryId: string; employee: string; date: string; lastModified: string; code?: QuarantinedEntry['code']; reason: number }[];
}

/**
 * The whole quarantine of the window, a page at a time (details on demand: the tenant keeps
 * only counts and a sample). Held entries are judged again too; one the vendors refused earlier
 * (planning alone would transfer it) is listed with the hold's own words.
 */
export async function listQuarantine(timr: TimrClient, personio: PersonioClient, input: Omit<PlanInput, 'runId' | 'chunkSize'> & { offset: number; limit: number }): Promise<QuarantinePage> {
  const work = await collectWork(timr, { ...input, held: {} });
  const quarantined = await quarantineOf(work, personio, 0);
  const seen = new Set(quarantined.map((q) => q.entryId));
  const zone = work.ctx.config.timezone;
  for (const entry of [...work.eligible, ...work.withdrawn]) {
    if (seen.has(entry.id) || input.held[entry.id] !== entry.last_modified) continue;
    quarantined.push({ ...labelOf(entry, zone), reason: 'refused by Personio or timr earlier and unchanged in timr since (the run that refused it says why: timr-sync report --run <n>)', code: 'vendor-refused', lastModified: entry.last_modified });
  }
  const reasons: string[] = [];
  const reasonIndex = new Map<string, number>();
  const entries = quarantined.slice(input.offset, input.offset + input.limit).map((q) => {
    let i = reasonIndex.get(q.reason);
    if (i === undefined) {
      i = reasons.push(q.reason) - 1;
      reasonIndex.set(q.reason, i);
    }
    return { entryId: q.entryId, employee: q.employee, date: q.date, lastModified: q.lastModified, ...(q.code && { code: q.code }), reason: i };
  });
  return { total: quarantined.length, reasons, entries };
}
