/**
 * Recordings described the way people think of them — "Monday 08:00 to 16:30, lunch 12:00 to
 * 12:30" in local minutes after midnight — turned into planned entries with instants.
 * Shared by the routine days and the scenarios so both produce entries the same way.
 */
import type { WorkingTime, WorkingTimeType } from '../../clients/timr/schemas.js';
import { localInstant, type CalendarDay, type DemoCalendar } from './calendar.js';
import { buildWorkingTime, type Device, type PlannedBreak, type PlannedEntry } from './entry-builder.js';
import type { Prng } from './prng.js';
import type { Employee } from './staff.js';
import type { DemoWorkingTimeTypes } from './working-time-types.js';
import type { ZoneClock, ZoneClocks } from './zone-clock.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface TenantContext {
  /** Clock of the tenant's zone: the devices of most employees. */
  clock: ZoneClock;
  clocks: ZoneClocks;
  calendar: DemoCalendar;
  types: DemoWorkingTimeTypes;
  /** Minutes of a full working day by the work schedule, for day-based absences. */
  fullDayMinutes: number;
  roundingMinutes: number;
}

/** A break in local minutes after the midnight of the entry's start day. */
export type LocalBreak =
  | { kind: 'manual'; from: number; to: number }
  | { kind: 'manual-unpositioned'; minutes: number }
  | { kind: 'automatic'; from: number; to: number }
  | { kind: 'ongoing'; from: number };

export interface LocalRecording {
  type: WorkingTimeType;
  day: CalendarDay;
  /** Local minutes after the day's midnight; beyond 24 h reaches into the next day. */
  from: number;
  /** Local end in minutes, or null for a recording still open. */
  to: number | null;
  breaks?: LocalBreak[];
  notes?: string | null;
  /** Defaults to the tenant's zone. */
  device?: Device;
  status?: PlannedEntry['status'];
  changed?: boolean;
}

function toPlannedBreak(b: LocalBreak, clock: ZoneClock, day: CalendarDay): PlannedBreak {
  switch (b.kind) {
    case 'manual':
    case 'automatic':
      return { kind: b.kind, startMs: localInstant(clock, day, b.from), endMs: localInstant(clock, day, b.to) };
    case 'manual-unpositioned':
      return b;
    case 'ongoing':
      return { kind: 'ongoing', startMs: localInstant(clock, day, b.from) };
  }
}

/**
 * When timr last wrote the entry: shortly after it ended (the app syncs on stop), or days
 * later for an entry someone edited.
 */
function lastModifiedAfter(rng: Prng, afterMs: number, changed: boolean): number {
  const syncDelay = rng.int(1, 90) * MINUTE_MS + rng.int(0, 59) * 1000;
  return afterMs + syncDelay + (changed ? rng.int(1, 3) * DAY_MS : 0);
}

/** An open recording was last written when its latest break started or ended. */
function latestBreakEvent(startMs: number, breaks: PlannedBreak[]): number {
  let latest = startMs;
  for (const b of breaks) {
    if (b.kind === 'ongoing') latest = Math.max(latest, b.startMs);
    else if (b.kind !== 'manual-unpositioned') latest = Math.max(latest, b.endMs);
  }
  return latest;
}

export function recordTime(ctx: TenantContext, rng: Prng, employee: Employee, rec: LocalRecording): WorkingTime {
  const device = rec.device ?? { clock: ctx.clock };
  const clock = device.clock;
  const startMs = localInstant(clock, rec.day, rec.from);
  const endMs = rec.to === null ? null : localInstant(clock, rec.day, rec.to);
  const breaks = (rec.breaks ?? []).map((b) => toPlannedBreak(b, clock, rec.day));
  const changed = rec.changed ?? false;
  const status = rec.status ?? (endMs === null ? 'running' : 'changeable');
  return buildWorkingTime({
    id: rng.uuid(),
    user: employee.ref,
    type: rec.type,
    device,
    startMs,
    endMs,
    breaks,
    notes: rec.notes ?? null,
    status,
    roundingMinutes: ctx.roundingMinutes,
    changed,
    lastModifiedMs:
      endMs === null ? latestBreakEvent(startMs, breaks) + rng.int(5, 120) * 1000 : lastModifiedAfter(rng, endMs, changed),
  });
}

/**
 * A day-based absence: timr wants start and end both at local midnight of the day, and
 * derives the minutes from the work schedule.
 */
export function recordFullDay(ctx: TenantContext, rng: Prng, employee: Employee, type: WorkingTimeType, day: CalendarDay): WorkingTime {
  return buildWorkingTime({
    id: rng.uuid(),
    user: employee.ref,
    type,
    device: { clock: ctx.clock },
    startMs: day.startMs,
    endMs: day.startMs,
    breaks: [],
    notes: null,
    status: 'changeable',
    fullDayMinutes: ctx.fullDayMinutes,
    roundingMinutes: ctx.roundingMinutes,
    changed: false,
    // Approved absences are written back to timr some hours after the booking.
    lastModifiedMs: day.startMs + rng.int(6 * 60, 10 * 60) * MINUTE_MS + rng.int(0, 59) * 1000,
  });
}
