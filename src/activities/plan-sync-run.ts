import { heartbeat } from '@temporalio/activity';
import type { PersonioClient } from '../clients/personio/client.js';
import type { Person } from '../clients/personio/schemas.js';
import type { TimrClient } from '../clients/timr/client.js';
import { buildPersonIndex } from '../domain/employee-matching.js';
import { entryLabel } from '../domain/entry-label.js';
import { collectWork } from './collect-work.js';
import type { PlanInput, PlannedEntry, QuarantinedEntry, RunPlan, WorkCheck } from './contracts.js';
import { planEntry } from './plan-entry.js';

async function allPersons(personio: PersonioClient): Promise<Person[]> {
  const persons: Person[] = [];
  for await (const p of personio.listPersons()) {
    persons.push(p);
    heartbeat({ persons: persons.length });
  }
  return persons;
}

/** The cheap check of the tenant loop: is there anything to transfer or remove? */
export async function checkTenantWork(timr: TimrClient, input: Omit<PlanInput, 'runId' | 'chunkSize'>): Promise<WorkCheck> {
  const work = await collectWork(timr, input);
  const pendingEntries = work.eligible.length + work.withdrawn.length;
  return {
    hasWork: pendingEntries + work.invalid.length + work.deletions.length > 0,
    pendingEntries,
    pendingDeletions: work.deletions.length,
    releasedQuarantine: work.releasedQuarantine,
  };
}

/**
 * Everything one run will do, in a form small enough for workflow history: at most
 * `chunkSize` entries (oldest first); `more` tells the tenant loop to start another run.
 */
export async function planRun(timr: TimrClient, personio: PersonioClient, input: PlanInput): Promise<RunPlan> {
  const work = await collectWork(timr, input);
  const zone = work.ctx.config.timezone;
  const quarantined: QuarantinedEntry[] = work.invalid.map(({ entry, reason }) => ({ ...entryLabel(entry, zone), reason, lastModified: entry.last_modified }));
  const skipped = { ...work.skipped };

  const candidates = [...work.withdrawn, ...work.eligible];
  const index = candidates.length ? buildPersonIndex(await allPersons(personio), work.ctx.config.matching) : buildPersonIndex([], work.ctx.config.matching);
  const entries: PlannedEntry[] = [];
  let more = false;
  for (const entry of candidates) {
    const plan = planEntry(entry, work.ctx, index, work.notOursFor(entry));
    if (plan.ok) {
      if (entries.length >= input.chunkSize) {
        more = true;
        continue;
      }
      entries.push(plan.entry);
    } else if ('quarantine' in plan) {
      quarantined.push(plan.quarantine);
    } else {
      skipped.other = (skipped.other ?? 0) + 1;
    }
  }
  return {
    entries,
    quarantined,
    deletions: work.deletions,
    skipped,
    deletionWatermark: work.deletionWatermark,
    more,
    releasedQuarantine: work.releasedQuarantine,
    eligible: work.eligible.length + work.invalid.length,
  };
}
