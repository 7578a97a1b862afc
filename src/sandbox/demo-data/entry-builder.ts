/**
 * Turns a planned recording (instants, breaks, device clock) into a timr `WorkingTime` whose
 * derived fields agree with it: `break_time_total_minutes` is the sum of finished breaks,
 * `duration.minutes` is end − start − breaks, and every time carries the offset of the
 * device it was recorded on.
 */
import type { BreakTime, UserPartial, WorkingTime, WorkingTimeStatus, WorkingTimeType } from '../../clients/timr/schemas.js';
import { formatUtc, type ZoneClock } from './zone-clock.js';

const MINUTE_MS = 60_000;

export type PlannedBreak =
  | { kind: 'manual'; startMs: number; endMs: number }
  | { kind: 'manual-unpositioned'; minutes: number }
  | { kind: 'automatic'; startMs: number; endMs: number }
  | { kind: 'ongoing'; startMs: number };

/** The clock of the phone, terminal or browser the entry was recorded on. */
export interface Device {
  clock: ZoneClock;
  /** Writes a zero offset as `Z` instead of `+00:00`. */
  zulu?: boolean;
}

export interface PlannedEntry {
  id: string;
  user: UserPartial;
  type: WorkingTimeType;
  device: Device;
  startMs: number;
  /** null while the recording is still open (running or paused). */
  endMs: number | null;
  breaks: PlannedBreak[];
  notes: string | null;
  status: Extract<WorkingTimeStatus, 'changeable' | 'running' | 'paused'>;
  /** Day-based absences: the minutes timr derives from the work schedule. */
  fullDayMinutes?: number;
  /** Rounding step of the account, in minutes, for `minutes_rounded`. */
  roundingMinutes: number;
  changed: boolean;
  lastModifiedMs: number;
}

export function breakMinutes(planned: PlannedBreak): number {
  switch (planned.kind) {
    case 'manual-unpositioned':
      return planned.minutes;
    case 'ongoing':
      return 0;
    default:
      return Math.round((planned.endMs - planned.startMs) / MINUTE_MS);
  }
}

function toBreakTime(planned: PlannedBreak, device: Device): BreakTime {
  const at = (ms: number) => device.clock.format(ms, device.zulu);
  switch (planned.kind) {
    case 'manual':
      return { type: 'manual', duration_minutes: breakMinutes(planned), start: at(planned.startMs), end: at(planned.endMs) };
    case 'manual-unpositioned':
      return { type: 'manual', duration_minutes: planned.minutes, start: null, end: null };
    case 'automatic':
      return { type: 'automatic', duration_minutes: breakMinutes(planned), start: at(planned.startMs), end: at(planned.endMs) };
    case 'ongoing':
      return { type: 'ongoing', start: at(planned.startMs) };
  }
}

function roundTo(minutes: number, step: number): number {
  return Math.round(minutes / step) * step;
}

export function buildWorkingTime(plan: PlannedEntry): WorkingTime {
  const at = (ms: number) => plan.device.clock.format(ms, plan.device.zulu);
  let breakTotal = 0;
  for (const b of plan.breaks) breakTotal += breakMinutes(b);

  let duration: WorkingTime['duration'] = null;
  if (plan.fullDayMinutes !== undefined) {
    duration = { type: 'full_day', minutes: plan.fullDayMinutes, minutes_rounded: plan.fullDayMinutes };
  } else if (plan.endMs !== null) {
    const net = Math.round((plan.endMs - plan.startMs) / MINUTE_MS) - breakTotal;
    duration = { type: 'minutes', minutes: net, minutes_rounded: roundTo(net, plan.roundingMinutes) };
  }

  return {
    id: plan.id,
    start: at(plan.startMs),
    end: plan.endMs === null ? null : at(plan.endMs),
    break_time_total_minutes: breakTotal,
    break_times: plan.breaks.map((b) => toBreakTime(b, plan.device)),
    duration,
    changed: plan.changed,
    notes: plan.notes,
    user: plan.user,
    working_time_type: { id: plan.type.id, name: plan.type.name, external_id: plan.type.external_id },
    status: plan.status,
    last_modified: formatUtc(plan.lastModifiedMs),
    metadata: null,
  };
}
