/**
 * The Personio records a transfer writes, of both kinds, behind one face: attendance periods
 * (`/v2/attendance-periods`) and, for Zeitausgleich booked as time off, absence periods
 * (`/v2/absence-periods`). Our transfer record keeps both kinds' ids in one list, absence ids
 * prefixed (planned-period.ts), so create, list, compare and delete dispatch on the planned
 * type or the id — and every exactly-once rule (reconcile before writing, adopt only exact
 * matches nobody else owns, resolve unknown outcomes) holds for absences as for attendances.
 */
import type { DeleteOutcome, PersonioClient } from '../clients/personio/client.js';
import { absenceRecordId, isAbsenceId, personioAbsenceId, type PlannedPeriod } from '../domain/planned-period.js';

/** A record as it exists in Personio, in the planned shape; `id` as our transfer record keeps it. */
export interface ExistingPeriod {
  id: string;
  personId: string;
  type: PlannedPeriod['type'];
  start: string;
  end: string | null;
  comment: string;
  absenceTypeId?: string;
  /** Attendances only: a project we never set means the period is not ours. */
  project: boolean;
}

/** Everything we write matches: a period with an old comment is not ours to adopt. */
export function sameContent(existing: ExistingPeriod, personId: string, p: PlannedPeriod): boolean {
  return (
    existing.personId === personId &&
    existing.type === p.type &&
    existing.start === p.start &&
    existing.end === p.end &&
    existing.comment === (p.comment ?? '') &&
    existing.absenceTypeId === p.absenceTypeId &&
    !existing.project
  );
}

/** The person's records starting within the planned periods' window, of the kinds the plan writes. */
export async function listWindow(personio: PersonioClient, personId: string, periods: readonly PlannedPeriod[]): Promise<ExistingPeriod[]> {
  const found: ExistingPeriod[] = [];
  const window = (kind: readonly PlannedPeriod[]) => {
    const starts = kind.map((p) => p.start).sort();
    return { from: starts[0]!, to: starts[starts.length - 1]! };
  };
  const attendances = periods.filter((p) => p.type !== 'ABSENCE');
  if (attendances.length > 0) {
    const { from, to } = window(attendances);
    for await (const p of personio.listAttendancePeriods({ personIds: [personId], startGte: from, startLte: to })) {
      found.push({ id: p.id, personId: p.person.id, type: p.type, start: p.start.date_time, end: p.end?.date_time ?? null, comment: p.comment ?? '', project: Boolean(p.project) });
    }
  }
  const absences = periods.filter((p) => p.type === 'ABSENCE');
  if (absences.length > 0) {
    const { from, to } = window(absences);
    for await (const a of personio.listAbsencePeriods({ personIds: [personId], startsFromGte: from, startsFromLte: to })) {
      found.push({
        id: absenceRecordId(a.id),
        personId: a.person.id,
        type: 'ABSENCE',
        start: a.starts_from.date_time,
        end: a.ends_at?.date_time ?? null,
        comment: a.comment ?? '',
        absenceTypeId: a.absence_type.id,
        project: false,
      });
    }
  }
  return found;
}

/** Creates one planned record; returns its id as our transfer record keeps it. */
export async function createPeriod(personio: PersonioClient, personId: string, period: PlannedPeriod): Promise<string> {
  const comment = period.comment !== undefined ? { comment: period.comment } : {};
  if (period.type === 'ABSENCE') {
    const id = await personio.createAbsencePeriod(
      { person: { id: personId }, absence_type: { id: period.absenceTypeId! }, starts_from: { date_time: period.start }, ends_at: { date_time: period.end }, ...comment },
      { skipApproval: true },
    );
    return absenceRecordId(id);
  }
  return personio.createAttendancePeriod({ person: { id: personId }, type: period.type, start: { date_time: period.start }, end: { date_time: period.end }, ...comment }, { skipApproval: true });
}

/** Deletes a recorded id of either kind; 404 counts as done. */
export function deletePeriod(personio: PersonioClient, id: string): Promise<DeleteOutcome> {
  return isAbsenceId(id) ? personio.deleteAbsencePeriod(personioAbsenceId(id)) : personio.deleteAttendancePeriod(id);
}
