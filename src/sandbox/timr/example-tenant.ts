/**
 * A small, internally consistent timr tenant for tests and demos: three employees (one
 * resigned), the usual working time types (attendance, home office, "Zeitausgleich",
 * vacation recorded by request) and a deterministic series of working times across
 * statuses, days and device offsets (including one recorded on a UTC+01:00 device after
 * local midnight, whose UTC day differs from its recorded day).
 */
import type { User, WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';
import type { TenantSeed } from '../seed.js';
import { userPartial } from './store.js';

export interface ExampleTenantOptions {
  id: string;
  /** Extra finished attendance entries, one per 15 minutes from 2026-03-02, for paging tests. */
  bulkEntries?: number;
}

export const EXAMPLE_TYPE_IDS = {
  attendance: 'wtt-attendance',
  homeOffice: 'wtt-home-office',
  zeitausgleich: 'wtt-zeitausgleich',
  vacation: 'wtt-vacation',
} as const;

function users(tenantId: string): User[] {
  const make = (n: number, firstname: string, lastname: string, extra: Partial<User> = {}): User => ({
    id: `${tenantId}-user-${n}`,
    login: `${firstname.toLowerCase()}.${lastname.toLowerCase()}`,
    firstname,
    lastname,
    fullname: `${firstname} ${lastname}`,
    email: `${firstname.toLowerCase()}.${lastname.toLowerCase()}@${tenantId}.example`,
    employee_number: `E-${100 + n}`,
    external_id: null,
    entry_date: '2024-01-01',
    resign_date: null,
    metadata: null,
    ...extra,
  });
  return [make(1, 'Anna', 'Berger'), make(2, 'Jakob', 'Huber', { external_id: 'PAY-2' }), make(3, 'Lena', 'Adler', { resign_date: '2025-12-31' })];
}

const TYPES: WorkingTimeType[] = [
  { id: EXAMPLE_TYPE_IDS.attendance, name: 'Arbeitszeit', short_name: 'AZ', description: null, external_id: null, edit_unit: 'minutes', category: 'attendance_time', sub_category: 'present', recording_mode_user: 'allowed', archived: false },
  { id: EXAMPLE_TYPE_IDS.homeOffice, name: 'Homeoffice', short_name: 'HO', description: null, external_id: 'HO', edit_unit: 'minutes', category: 'attendance_time', sub_category: 'work_from_home', recording_mode_user: 'allowed', archived: false },
  { id: EXAMPLE_TYPE_IDS.zeitausgleich, name: 'Zeitausgleich', short_name: 'ZA', description: null, external_id: 'ZA', edit_unit: 'days', category: 'unpaid_time_off', sub_category: null, recording_mode_user: 'allowed', archived: false },
  { id: EXAMPLE_TYPE_IDS.vacation, name: 'Urlaub', short_name: 'UR', description: null, external_id: null, edit_unit: 'days', category: 'vacation', sub_category: null, recording_mode_user: 'by_request', archived: false },
];

function typePartial(id: string) {
  const t = TYPES.find((x) => x.id === id)!;
  return { id: t.id, name: t.name, external_id: t.external_id };
}

interface EntrySpec {
  id: string;
  user: User;
  type: string;
  start: string;
  end: string | null;
  breakMinutes?: number;
  status?: WorkingTime['status'];
  notes?: string | null;
  changed?: boolean;
  lastModified: string;
  dayBased?: boolean;
}

function entry(spec: EntrySpec): WorkingTime {
  const breakMinutes = spec.breakMinutes ?? 0;
  const gross = spec.end === null ? null : Math.floor((Date.parse(spec.end) - Date.parse(spec.start)) / 60_000);
  return {
    id: spec.id,
    start: spec.start,
    end: spec.end,
    break_time_total_minutes: breakMinutes,
    break_times: breakMinutes > 0 ? [{ type: 'manual', duration_minutes: breakMinutes, start: null, end: null }] : [],
    duration:
      gross === null ? null : spec.dayBased ? { type: 'full_day', minutes: 462, minutes_rounded: 462 } : { type: 'minutes', minutes: gross - breakMinutes, minutes_rounded: gross - breakMinutes },
    changed: spec.changed ?? false,
    notes: spec.notes ?? null,
    user: userPartial(spec.user),
    working_time_type: typePartial(spec.type),
    status: spec.status ?? (spec.end === null ? 'running' : 'changeable'),
    last_modified: spec.lastModified,
    last_modified_by: null,
    metadata: null,
  };
}

export function exampleTimrTenant(opts: ExampleTenantOptions): TenantSeed {
  const id = opts.id;
  const [anna, jakob, lena] = users(id) as [User, User, User];
  const T = EXAMPLE_TYPE_IDS;
  const workingTimes: WorkingTime[] = [
    entry({ id: `${id}-wt-1`, user: anna, type: T.attendance, start: '2026-03-02T08:00:00+01:00', end: '2026-03-02T16:30:00+01:00', breakMinutes: 30, notes: 'Kundentermin Linz', lastModified: '2026-03-02T15:31:00Z' }),
    entry({ id: `${id}-wt-2`, user: jakob, type: T.homeOffice, start: '2026-03-02T07:30:00+01:00', end: '2026-03-02T12:00:00+01:00', lastModified: '2026-03-02T11:01:00Z', changed: true }),
    entry({ id: `${id}-wt-3`, user: anna, type: T.attendance, start: '2026-03-03T22:00:00+01:00', end: '2026-03-04T06:00:00+01:00', notes: 'Nachtschicht', status: 'locked', lastModified: '2026-03-04T05:01:00Z' }),
    // Recorded on a device at UTC+01:00 just after local midnight: UTC day is 2026-03-04.
    entry({ id: `${id}-wt-4`, user: jakob, type: T.attendance, start: '2026-03-05T00:30:00+01:00', end: '2026-03-05T04:30:00+01:00', lastModified: '2026-03-05T03:31:00Z' }),
    entry({ id: `${id}-wt-5`, user: anna, type: T.zeitausgleich, start: '2026-03-06T00:00:00+01:00', end: '2026-03-07T00:00:00+01:00', dayBased: true, lastModified: '2026-03-05T09:00:00Z' }),
    entry({ id: `${id}-wt-6`, user: lena, type: T.vacation, start: '2026-03-09T00:00:00+01:00', end: '2026-03-10T00:00:00+01:00', dayBased: true, status: 'approved', lastModified: '2026-03-01T09:00:00Z' }),
    entry({ id: `${id}-wt-7`, user: jakob, type: T.attendance, start: '2026-03-10T08:00:00+01:00', end: null, lastModified: '2026-03-10T07:00:00Z', notes: 'läuft noch' }),
  ];
  const bulkStart = Date.parse('2026-04-01T06:00:00Z');
  for (let i = 0; i < (opts.bulkEntries ?? 0); i++) {
    const start = new Date(bulkStart + i * 15 * 60_000).toISOString();
    const end = new Date(bulkStart + i * 15 * 60_000 + 10 * 60_000).toISOString();
    // A few shared last_modified values, so id tiebreaking is exercised.
    const lastModified = new Date(bulkStart + Math.floor(i / 3) * 60_000).toISOString();
    workingTimes.push(entry({ id: `${id}-bulk-${String(i).padStart(4, '0')}`, user: i % 2 ? anna : jakob, type: T.attendance, start, end, lastModified }));
  }
  return {
    id,
    timezone: 'Europe/Vienna',
    timr: { clientId: `${id}-timr-client`, clientSecret: `${id}-timr-secret-0123456789`, users: [anna, jakob, lena], workingTimeTypes: TYPES, workingTimes },
    personio: { clientId: `${id}-personio-client`, clientSecret: `${id}-personio-secret-0123456789`, persons: [], attendancePeriods: [] },
  };
}
