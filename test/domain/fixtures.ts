/** Builders for timr entries and tenant config used by the domain tests. */
import type { BreakTime, WorkingTime } from '../../src/clients/timr/schemas.js';
import { WorkingTime as WorkingTimeSchema } from '../../src/clients/timr/schemas.js';
import { TenantSyncConfig, type TenantSyncConfigInput } from '../../src/domain/tenant-config.js';
import type { TransformContext } from '../../src/domain/transform.js';

export const WORK_TYPE = { id: 'wtt-work', name: 'Arbeitszeit', external_id: null };
export const VACATION_TYPE = { id: 'wtt-vacation', name: 'Urlaub', external_id: null };
export const ZA_TYPE = { id: 'wtt-za', name: 'Zeitausgleich', external_id: 'ZA' };

export const TYPE_CATEGORIES = {
  [WORK_TYPE.id]: 'attendance_time',
  [VACATION_TYPE.id]: 'vacation',
  [ZA_TYPE.id]: 'unpaid_time_off',
} as const;

export function context(config: TenantSyncConfigInput = {}): TransformContext {
  return { config: TenantSyncConfig.parse(config), typeCategories: TYPE_CATEGORIES };
}

/** A finished, changeable attendance; validated against the wire schema so fixtures stay honest. */
export function entry(fields: Partial<WorkingTime> & Pick<WorkingTime, 'start' | 'end'>): WorkingTime {
  return WorkingTimeSchema.parse({
    id: 'wt-1',
    break_time_total_minutes: 0,
    break_times: [],
    duration: null,
    changed: false,
    notes: null,
    user: {
      id: 'u-7',
      firstname: 'Anna',
      lastname: 'Berger',
      fullname: 'Anna Berger',
      email: 'anna.berger@example.com',
      employee_number: '0007',
      external_id: null,
    },
    working_time_type: WORK_TYPE,
    status: 'changeable',
    last_modified: '2026-11-21T07:00:00Z',
    metadata: null,
    ...fields,
  });
}

export function manualBreak(start: string, end: string): BreakTime {
  return { type: 'manual', duration_minutes: Math.round((Date.parse(end) - Date.parse(start)) / 60_000), start, end };
}

export function durationBreak(minutes: number): BreakTime {
  return { type: 'manual', duration_minutes: minutes, start: null, end: null };
}

/** RFC 3339 for an instant as a device with the given UTC offset (minutes) would write it. */
export function rfc3339(instant: number, offsetMinutes: number): string {
  const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}
