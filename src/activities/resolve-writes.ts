/**
 * Resolves writes whose outcome is unknown, by reading both vendors before anything else is
 * written for that person. timr says what an entry owns (our record in its metadata) and what
 * the employee's other entries own; Personio says what exists. A period we may have created
 * for the entry that nobody owns is a leftover: it is deleted, so the entry's next post starts
 * from a clean window (an edited entry is then never refused as "overlapping" its own ghost,
 * and a deleted entry leaves no ghost hours). Owned periods are never touched.
 */
import { NotFoundError } from '../clients/errors.js';
import type { PersonioClient } from '../clients/personio/client.js';
import type { TimrClient } from '../clients/timr/client.js';
import type { WorkingTime } from '../clients/timr/schemas.js';
import type { ResolveWritesInput, ResolveWritesResult, UnresolvedWrite, WriteResolution } from './contracts.js';
import { progress, stopIfCancelled } from './heartbeat.js';
import { deletePeriod, listWindow, sameContent } from './personio-periods.js';
import { readSyncMetadata } from './sync-metadata.js';

const DAY_MS = 86_400_000;

async function entryOrGone(timr: TimrClient, entryId: string): Promise<WorkingTime | undefined> {
  try {
    return await timr.getWorkingTime(entryId);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** Period ids the employee's other timr entries around these dates have recorded as theirs. */
async function claimedByOthers(timr: TimrClient, write: UnresolvedWrite): Promise<Set<string>> {
  const dates = write.periods.map((p) => p.start.slice(0, 10)).sort();
  const claimed = new Set<string>();
  if (dates.length === 0) return claimed;
  // An entry starting the day before may reach into this date (overnight shifts).
  const from = new Date(Date.parse(`${dates[0]}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  for await (const other of timr.listWorkingTimes({ users: [write.userId], start_from: from, start_to: dates[dates.length - 1]! })) {
    if (other.id === write.entryId) continue;
    for (const id of readSyncMetadata(other.metadata)?.periodIds ?? []) claimed.add(id);
  }
  return claimed;
}

async function resolveOne(timr: TimrClient, personio: PersonioClient, write: UnresolvedWrite): Promise<WriteResolution> {
  const entry = await entryOrGone(timr, write.entryId);
  const owned = new Set(entry ? (readSyncMetadata(entry.metadata)?.periodIds ?? []) : []);
  const claimed = await claimedByOthers(timr, write);
  const known = new Set(write.periodIds);
  const existing = write.periods.length ? await listWindow(personio, write.personId, write.periods) : [];

  const leftovers = new Set<string>();
  for (const p of existing) {
    if (owned.has(p.id) || claimed.has(p.id)) continue;
    if (known.has(p.id) || write.periods.some((w) => sameContent(p, write.personId, w))) leftovers.add(p.id);
  }
  // Known ids outside the listed window (or with no window at all) are deleted by id; 404 is done.
  for (const id of known) if (!owned.has(id) && !claimed.has(id)) leftovers.add(id);

  let removed = 0;
  for (const id of leftovers) {
    stopIfCancelled();
    if ((await deletePeriod(personio, id)) === 'deleted') removed++;
    progress({ entryId: write.entryId, removed });
  }
  const lockHappened = entry !== undefined && entry.status !== 'changeable' && write.periodIds.length > 0 && write.periodIds.every((id) => owned.has(id));
  return { entryId: write.entryId, resolution: lockHappened ? 'owned' : 'removed', removed, kept: [...known].filter((id) => owned.has(id)).length };
}

export async function resolveWrites(timr: TimrClient, personio: PersonioClient, input: ResolveWritesInput): Promise<ResolveWritesResult> {
  const resolved: WriteResolution[] = [];
  for (const write of input.writes) resolved.push(await resolveOne(timr, personio, write));
  return { resolved };
}
