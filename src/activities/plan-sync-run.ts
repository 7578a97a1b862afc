import { createHash } from 'node:crypto';
import type { PersonioClient } from '../clients/personio/client.js';
import type { Person } from '../clients/personio/schemas.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime } from '../clients/timr/schemas.js';
import { buildPersonIndex } from '../domain/employee-matching.js';
import { entryLabel } from '../domain/entry-label.js';
import { collectWork, fateOfSkip } from './collect-work.js';
import type { PlanInput, PlannedEntry, QuarantinedEntry, RunPlan, WindowFates, WorkCheck } from './contracts.js';
import { progress } from './heartbeat.js';
import { planEntry } from './plan-entry.js';

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
 * The cheap check of the tenant loop: is there anything to transfer or remove? It also tells
 * the tenant what every entry of the window is, when that changed since the tenant last heard
 * (a quiet tenant's history then grows by a digest per cycle, not by the whole view).
 */
export async function checkTenantWork(timr: TimrClient, input: Omit<PlanInput, 'runId' | 'chunkSize'>): Promise<WorkCheck> {
  const work = await collectWork(timr, input);
  const pendingEntries = work.eligible.length + work.withdrawn.length;
  const zone = work.ctx.config.timezone;
  // What a run would transfer, quarantine or withdraw is pending until that run says more.
  for (const entry of [...work.withdrawn, ...work.eligible, ...work.invalid.map((i) => i.entry)]) {
    work.fates.add('pending', 'new or changed in timr: the next run transfers it', entryLabel(entry, zone));
  }
  const window: WindowFates = { fates: work.fates.result(), decisions: work.decisions };
  const windowDigest = digestOf(window);
  return {
    hasWork: pendingEntries + work.invalid.length + work.deletions.length > 0,
    pendingEntries,
    pendingDeletions: work.deletions.length,
    releasedQuarantine: work.releasedQuarantine,
    windowDigest,
    ...(windowDigest !== input.windowDigest && { window }),
  };
}

/** What the plan saw, for metrics only (never into workflow history). */
export type PlanObserver = (seen: { untransferred: readonly WorkingTime[]; quarantined: number }) => void;

/**
 * Everything one run will do, in a form small enough for workflow history: at most
 * `chunkSize` entries (oldest first); `more` tells the tenant loop to start another run.
 * Every entry of the window is in `entries`, in `quarantined`, or has a fate in `fates`.
 */
export async function planRun(timr: TimrClient, personio: PersonioClient, input: PlanInput, observe?: PlanObserver): Promise<RunPlan> {
  const work = await collectWork(timr, input);
  // Finished entries this plan leaves untransferred (planned, beyond the chunk, or quarantined): for metrics.
  const untransferred: WorkingTime[] = work.invalid.map(({ entry }) => entry);
  const zone = work.ctx.config.timezone;
  const quarantined: QuarantinedEntry[] = work.invalid.map(({ entry, reason, code }) => ({ ...entryLabel(entry, zone), reason, code, lastModified: entry.last_modified }));

  const candidates = [...work.withdrawn, ...work.eligible];
  const index = candidates.length ? buildPersonIndex(await allPersons(personio), work.ctx.config.matching) : buildPersonIndex([], work.ctx.config.matching);
  const entries: PlannedEntry[] = [];
  let more = false;
  for (const entry of candidates) {
    const plan = planEntry(entry, work.ctx, index, work.notOursFor(entry));
    if (plan.ok || 'quarantine' in plan) untransferred.push(entry);
    if (plan.ok) {
      if (entries.length >= input.chunkSize) {
        more = true;
        work.fates.add('pending', `beyond this run's ${input.chunkSize} entries (chunkSize): the next run takes it`, entryLabel(entry, zone));
        continue;
      }
      entries.push(plan.entry);
    } else if ('quarantine' in plan) {
      quarantined.push(plan.quarantine);
    } else {
      const { fate, reason } = fateOfSkip(plan.code, entry, work.ctx);
      work.fates.add(fate, reason, entryLabel(entry, zone), plan.skip);
    }
  }
  observe?.({ untransferred, quarantined: quarantined.length });
  return {
    entries,
    quarantined,
    deletions: work.deletions,
    fates: work.fates.result(),
    decisions: work.decisions,
    deletionWatermark: work.deletionWatermark,
    more,
    releasedQuarantine: work.releasedQuarantine,
    eligible: work.eligible.length + work.invalid.length,
  };
}
