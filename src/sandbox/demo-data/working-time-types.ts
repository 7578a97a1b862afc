/**
 * The working-time types of a demo timr account, as a real account has them. Zeitausgleich
 * exists twice — booked by the minute and by the day — because timr fixes `edit_unit` per type
 * and a full-day booking needs a type recorded in days.
 */
import type { WorkingTimeType } from '../../clients/timr/schemas.js';
import type { Prng } from './prng.js';

export type TypeRole =
  | 'work'
  | 'homeOffice'
  | 'businessTrip'
  | 'vacation'
  | 'sickness'
  | 'zeitausgleichMinutes'
  | 'zeitausgleichDays'
  | 'break'
  | 'archivedWork';

export type DemoWorkingTimeTypes = Record<TypeRole, WorkingTimeType>;

/** External id carried by both Zeitausgleich types of a tenant whose admin renamed them. */
export const RENAMED_ZEITAUSGLEICH_EXTERNAL_ID = 'ZA';

type TypeTemplate = Omit<WorkingTimeType, 'id'>;

function template(
  name: string,
  category: WorkingTimeType['category'],
  editUnit: WorkingTimeType['edit_unit'],
  extra: Partial<TypeTemplate> = {},
): TypeTemplate {
  return {
    name,
    short_name: null,
    description: null,
    external_id: null,
    edit_unit: editUnit,
    category,
    sub_category: null,
    recording_mode_user: 'allowed',
    archived: false,
    requires_substitute: false,
    ...extra,
  };
}

/**
 * `renamedZeitausgleich`: the admin renamed both Zeitausgleich types and tagged them with an
 * external id, so a sync that matches on the name "Zeitausgleich" alone misses them.
 */
export function buildWorkingTimeTypes(prng: Prng, opts: { renamedZeitausgleich: boolean }): DemoWorkingTimeTypes {
  const za = opts.renamedZeitausgleich
    ? {
        minutes: template('ZA – Zeitausgleich', 'unpaid_time_off', 'minutes', { short_name: 'ZA', external_id: RENAMED_ZEITAUSGLEICH_EXTERNAL_ID }),
        days: template('ZA – ganztägig', 'unpaid_time_off', 'days', { short_name: 'ZAT', external_id: RENAMED_ZEITAUSGLEICH_EXTERNAL_ID }),
      }
    : {
        minutes: template('Zeitausgleich', 'unpaid_time_off', 'minutes', { short_name: 'ZA' }),
        days: template('Zeitausgleich ganztägig', 'unpaid_time_off', 'days', { short_name: 'ZAT' }),
      };
  const templates: Record<TypeRole, TypeTemplate> = {
    work: template('Arbeitszeit', 'attendance_time', 'minutes', { short_name: 'AZ', sub_category: 'present' }),
    homeOffice: template('Homeoffice', 'attendance_time', 'minutes', { short_name: 'HO', sub_category: 'work_from_home' }),
    businessTrip: template('Dienstreise', 'attendance_time', 'minutes', { short_name: 'DR', sub_category: 'away' }),
    vacation: template('Urlaub', 'vacation', 'days', { short_name: 'U', recording_mode_user: 'by_request', requires_substitute: true }),
    sickness: template('Krankenstand', 'paid_time_off', 'days', { short_name: 'K' }),
    zeitausgleichMinutes: za.minutes,
    zeitausgleichDays: za.days,
    break: template('Pause', 'break_time', 'minutes', { short_name: 'P' }),
    archivedWork: template('Arbeitszeit (bis 2024)', 'attendance_time', 'minutes', { archived: true, sub_category: 'present' }),
  };
  const out = {} as DemoWorkingTimeTypes;
  for (const role of Object.keys(templates) as TypeRole[]) {
    out[role] = { id: prng.uuid(), ...templates[role] };
  }
  return out;
}
