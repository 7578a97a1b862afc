/**
 * Natural key of a Personio attendance period. Personio rejects overlapping periods of one
 * person, so (person, type, start, end) identifies a period: posting adopts an existing
 * period with the same key instead of creating a twin.
 */
import type { AttendancePeriod, PeriodType } from '../clients/personio/schemas.js';
import type { LocalDateTime } from './time-zone.js';

export function periodKey(personId: string, period: { type: PeriodType | 'ABSENCE'; start: LocalDateTime; end: LocalDateTime | null }): string {
  return JSON.stringify([personId, period.type, period.start, period.end]);
}

export function attendancePeriodKey(period: AttendancePeriod): string {
  return periodKey(period.person.id, { type: period.type, start: period.start.date_time, end: period.end?.date_time ?? null });
}
