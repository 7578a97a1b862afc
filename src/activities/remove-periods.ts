import type { PersonioClient } from '../clients/personio/client.js';
import type { RemoveInput, RemoveResult } from './contracts.js';
import { progress, stopIfCancelled } from './heartbeat.js';
import { deletePeriod } from './personio-periods.js';

/** Deletes periods (attendances or absences, by id); one already gone counts as done, so repeating this is harmless. */
export async function removeEntryPeriods(personio: PersonioClient, input: RemoveInput): Promise<RemoveResult> {
  let deleted = 0;
  let alreadyGone = 0;
  for (const id of input.periodIds) {
    stopIfCancelled();
    if ((await deletePeriod(personio, id)) === 'deleted') deleted++;
    else alreadyGone++;
    progress({ done: deleted + alreadyGone, of: input.periodIds.length });
  }
  return { deleted, alreadyGone };
}
