/**
 * Counts what a seed contains, per case the sync must handle, by looking at the data itself
 * (times, offsets, categories, notes) rather than at how it was generated — so it also works
 * on a seed edited by hand, and a count of 0 in a log means the case really is missing.
 */
import type { WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';
import type { Seed, TenantSeed } from '../seed.js';
import { wallMidnightOf } from './calendar.js';
import { ZoneClocks, formatOffset, type ZoneClock } from './zone-clock.js';

export const DEMO_SCENARIOS = [
  'break-manual-positioned',
  'break-manual-unpositioned',
  'break-automatic',
  'breaks-several',
  'overnight-shift',
  'dst-day',
  'dst-night-shift',
  'zeitausgleich-minutes',
  'zeitausgleich-full-day',
  'running',
  'paused',
  'vacation',
  'sickness',
  'foreign-offset',
  'weekend-work',
  'notes-unicode',
  'notes-long',
  'notes-null',
  'unmatched-employee',
  'email-variants',
  'zero-minutes',
] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];
export type ScenarioCounts = Record<DemoScenario, number>;

export interface TenantSummary {
  id: string;
  users: number;
  persons: number;
  workingTimes: number;
  scenarios: ScenarioCounts;
}

export interface DemoDataSummary {
  tenants: TenantSummary[];
  totals: Omit<TenantSummary, 'id'> & { tenants: number };
}

const DAY_MS = 24 * 60 * 60_000;
const EMOJI = /\p{Extended_Pictographic}/u;
/** Accented Latin letters: umlauts, ß, é, ş … */
const ACCENTED_LETTER = /[\u00C0-\u024F]/u;

function emptyCounts(): ScenarioCounts {
  return Object.fromEntries(DEMO_SCENARIOS.map((s) => [s, 0])) as ScenarioCounts;
}

export const normaliseEmail = (email: string | null | undefined): string => (email ?? '').trim().toLowerCase();

function offsetSuffix(rfc3339: string): string {
  const suffix = /(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339)?.[1] ?? '';
  return suffix === 'Z' ? '+00:00' : suffix;
}

class TenantLens {
  private readonly offsetChangeByDate = new Map<string, boolean>();

  constructor(
    readonly clock: ZoneClock,
    readonly categoryOf: Map<string, WorkingTimeType['category']>,
  ) {}

  localDate(instantMs: number): string {
    return new Date(this.clock.toWall(instantMs)).toISOString().slice(0, 10);
  }

  isWeekend(instantMs: number): boolean {
    const weekday = new Date(this.clock.toWall(instantMs)).getUTCDay();
    return weekday === 0 || weekday === 6;
  }

  dayHasOffsetChange(date: string): boolean {
    let changes = this.offsetChangeByDate.get(date);
    if (changes === undefined) {
      const midnight = wallMidnightOf(date);
      const start = this.clock.toInstant(midnight);
      const end = this.clock.toInstant(midnight + DAY_MS);
      changes = this.clock.offsetMinutes(start) !== this.clock.offsetMinutes(end);
      this.offsetChangeByDate.set(date, changes);
    }
    return changes;
  }
}

function countEntry(entry: WorkingTime, lens: TenantLens, counts: ScenarioCounts): void {
  const category = lens.categoryOf.get(entry.working_time_type.id);
  const startMs = Date.parse(entry.start);
  const endMs = entry.end === null ? null : Date.parse(entry.end);
  const breaks = entry.break_times;

  if (breaks.some((b) => b.type === 'manual' && b.start && b.end)) counts['break-manual-positioned']++;
  if (breaks.some((b) => b.type === 'manual' && (!b.start || !b.end))) counts['break-manual-unpositioned']++;
  if (breaks.some((b) => b.type === 'automatic')) counts['break-automatic']++;
  if (breaks.filter((b) => b.type !== 'ongoing').length >= 2) counts['breaks-several']++;

  if (endMs !== null && entry.duration?.type === 'minutes') {
    const crossesOffsetChange = lens.clock.offsetMinutes(startMs) !== lens.clock.offsetMinutes(endMs);
    if (crossesOffsetChange) counts['dst-night-shift']++;
    else if (lens.localDate(startMs) !== lens.localDate(endMs)) counts['overnight-shift']++;
  }
  if (lens.dayHasOffsetChange(lens.localDate(startMs))) counts['dst-day']++;

  if (category === 'unpaid_time_off' && entry.duration?.type === 'minutes') counts['zeitausgleich-minutes']++;
  if (category === 'unpaid_time_off' && entry.duration?.type === 'full_day') counts['zeitausgleich-full-day']++;
  if (category === 'vacation') counts.vacation++;
  if (category === 'paid_time_off') counts.sickness++;
  if (category === 'attendance_time' && lens.isWeekend(startMs)) counts['weekend-work']++;
  if (category === 'attendance_time' && endMs === startMs) counts['zero-minutes']++;

  if (entry.status === 'running' && entry.end === null) counts.running++;
  if (entry.status === 'paused' && breaks.some((b) => b.type === 'ongoing')) counts.paused++;

  if (offsetSuffix(entry.start) !== formatOffset(lens.clock.offsetMinutes(startMs))) counts['foreign-offset']++;

  if (entry.notes === null) counts['notes-null']++;
  else {
    if (entry.notes.length > 1_000) counts['notes-long']++;
    if (EMOJI.test(entry.notes) && ACCENTED_LETTER.test(entry.notes)) counts['notes-unicode']++;
  }
}

export function describeTenant(tenant: TenantSeed, clocks = new ZoneClocks()): TenantSummary {
  const lens = new TenantLens(
    clocks.get(tenant.timezone),
    new Map(tenant.timr.workingTimeTypes.map((t) => [t.id, t.category])),
  );
  const counts = emptyCounts();
  for (const entry of tenant.timr.workingTimes) countEntry(entry, lens, counts);

  const personEmails = new Set(tenant.personio.persons.map((p) => normaliseEmail(p.email)));
  for (const user of tenant.timr.users) if (!personEmails.has(normaliseEmail(user.email))) counts['unmatched-employee']++;
  for (const person of tenant.personio.persons) if ((person.email ?? '') !== normaliseEmail(person.email)) counts['email-variants']++;

  return {
    id: tenant.id,
    users: tenant.timr.users.length,
    persons: tenant.personio.persons.length,
    workingTimes: tenant.timr.workingTimes.length,
    scenarios: counts,
  };
}

export function describeDemoData(seed: Seed): DemoDataSummary {
  const clocks = new ZoneClocks();
  const tenants = seed.tenants.map((t) => describeTenant(t, clocks));
  const scenarios = emptyCounts();
  for (const t of tenants) for (const s of DEMO_SCENARIOS) scenarios[s] += t.scenarios[s];
  return {
    tenants,
    totals: {
      tenants: tenants.length,
      users: tenants.reduce((n, t) => n + t.users, 0),
      persons: tenants.reduce((n, t) => n + t.persons, 0),
      workingTimes: tenants.reduce((n, t) => n + t.workingTimes, 0),
      scenarios,
    },
  };
}
