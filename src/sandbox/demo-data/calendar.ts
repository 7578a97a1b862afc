/**
 * The days a demo tenant's data covers, as local dates of the tenant's zone, with the instants
 * their midnights fall on and the day (if any) on which the zone changes its offset.
 */
import type { ZoneClock } from './zone-clock.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface CalendarDay {
  index: number;
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Midnight of the local date on a UTC axis (wall-clock arithmetic, no zone applied). */
  wallMidnightMs: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  weekend: boolean;
  /** Instant of the local midnight that starts this day. */
  startMs: number;
  /** Instant of the local midnight that ends this day. */
  endMs: number;
  /** The zone changes its UTC offset during this day (a DST change). */
  offsetChanges: boolean;
}

export interface DemoCalendar {
  days: CalendarDay[];
  /** Index of the first day with an offset change, or null when the range has none. */
  offsetChangeIndex: number | null;
}

/** Milliseconds of local midnight for a YYYY-MM-DD string (already validated). */
export function wallMidnightOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function buildCalendar(startDate: string, dayCount: number, clock: ZoneClock): DemoCalendar {
  const first = wallMidnightOf(startDate);
  const days: CalendarDay[] = [];
  let offsetChangeIndex: number | null = null;
  let startMs = clock.toInstant(first);
  for (let index = 0; index < dayCount; index++) {
    const wallMidnightMs = first + index * DAY_MS;
    const endMs = clock.toInstant(wallMidnightMs + DAY_MS);
    const weekday = new Date(wallMidnightMs).getUTCDay();
    const offsetChanges = clock.offsetMinutes(startMs) !== clock.offsetMinutes(endMs);
    if (offsetChanges && offsetChangeIndex === null) offsetChangeIndex = index;
    days.push({
      index,
      date: new Date(wallMidnightMs).toISOString().slice(0, 10),
      wallMidnightMs,
      weekday,
      weekend: weekday === 0 || weekday === 6,
      startMs,
      endMs,
      offsetChanges,
    });
    startMs = endMs;
  }
  return { days, offsetChangeIndex };
}

/** Instant of a local time on a calendar day; minutes may exceed 24 h to reach the next day. */
export function localInstant(clock: ZoneClock, day: CalendarDay, minutesAfterMidnight: number): number {
  return clock.toInstant(day.wallMidnightMs + minutesAfterMidnight * MINUTE_MS);
}

export function hm(hours: number, minutes = 0): number {
  return hours * 60 + minutes;
}
