/**
 * Reconcile-then-write. Personio has no idempotency key, so whenever we cannot be sure what
 * exists (a retry, a re-transfer, or Personio reporting an overlap) we list the person's
 * periods in the entry's window and adopt exact matches (person, type, start, end) instead
 * of creating twins. Personio rejects overlapping periods, so that key is unique.
 */
import { heartbeat } from '@temporalio/activity';
import type { PersonioClient } from '../clients/personio/client.js';
import type { AttendancePeriod } from '../clients/personio/schemas.js';
import { ValidationRejectedError } from '../clients/errors.js';
import type { PlannedPeriod, PostInput, PostResult } from './contracts.js';

const OVERLAP = /overlap/i;

function sameSlot(existing: AttendancePeriod, personId: string, p: PlannedPeriod): boolean {
  return existing.person.id === personId && existing.type === p.type && existing.start.date_time === p.start && (existing.end?.date_time ?? null) === p.end;
}

async function listWindow(personio: PersonioClient, personId: string, periods: PlannedPeriod[]): Promise<AttendancePeriod[]> {
  const starts = periods.map((p) => p.start).sort();
  const found: AttendancePeriod[] = [];
  for await (const p of personio.listAttendancePeriods({ personIds: [personId], startGte: starts[0]!, startLte: starts[starts.length - 1]! })) found.push(p);
  return found;
}

export async function postEntryPeriods(personio: PersonioClient, input: PostInput, attempt: number): Promise<PostResult> {
  if (input.periods.length === 0) return { periodIds: [], created: 0, adopted: 0 };
  let existing: AttendancePeriod[] | undefined = input.reconcile || attempt > 1 ? await listWindow(personio, input.personId, input.periods) : undefined;
  const taken = new Set<string>();
  const ids: string[] = [];
  let created = 0;
  let adopted = 0;

  const adopt = (p: PlannedPeriod): string | undefined => {
    const match = existing?.find((e) => !taken.has(e.id) && sameSlot(e, input.personId, p));
    if (match) taken.add(match.id);
    return match?.id;
  };

  for (const period of input.periods) {
    let id = adopt(period);
    if (id) {
      adopted++;
    } else {
      try {
        id = await personio.createAttendancePeriod(
          { person: { id: input.personId }, type: period.type, start: { date_time: period.start }, end: { date_time: period.end }, ...(period.comment !== undefined && { comment: period.comment }) },
          { skipApproval: true },
        );
        created++;
      } catch (err) {
        // An overlap may be our own earlier write whose answer was lost: look, adopt if exact.
        if (!(err instanceof ValidationRejectedError) || !OVERLAP.test(err.message) ) throw err;
        existing = await listWindow(personio, input.personId, input.periods);
        id = adopt(period);
        if (!id) throw err;
        adopted++;
      }
    }
    ids.push(id);
    heartbeat({ posted: ids.length });
  }
  return { periodIds: ids, created, adopted };
}
