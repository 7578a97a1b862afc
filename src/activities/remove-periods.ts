import { heartbeat } from '@temporalio/activity';
import type { PersonioClient } from '../clients/personio/client.js';
import type { RemoveInput, RemoveResult } from './contracts.js';

/** Deletes periods; one already gone counts as done, so repeating this is harmless. */
export async function removeEntryPeriods(personio: PersonioClient, input: RemoveInput): Promise<RemoveResult> {
  let deleted = 0;
  let alreadyGone = 0;
  for (const id of input.periodIds) {
    if ((await personio.deleteAttendancePeriod(id)) === 'deleted') deleted++;
    else alreadyGone++;
    heartbeat({ done: deleted + alreadyGone });
  }
  return { deleted, alreadyGone };
}
