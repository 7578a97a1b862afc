/**
 * Instants ↔ wall-clock time in an IANA zone, on top of Intl (full ICU ships with Node).
 *
 * "Wall time" here is a naive millisecond count: the local calendar date and clock time read
 * as if they were UTC (Date.UTC of the local fields). Differences of wall times are what a
 * system without offsets — Personio's LocalDateTime — sees as durations.
 */
import type { AttendancePeriodCreate } from '../clients/personio/schemas.js';

/** Personio's `YYYY-MM-DDTHH:mm:ss`, no offset. */
export type LocalDateTime = AttendancePeriodCreate['start']['date_time'];
/** `YYYY-MM-DD`. */
export type LocalDate = string;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Instants already parsed: planning and the transform read each entry's times several times
 * (label, fingerprint, periods, claims), and parsing was a visible share of planning's CPU.
 */
const parsedInstants = new Map<string, number>();
const PARSED_INSTANTS_LIMIT = 50_000;

/** Epoch milliseconds of an RFC 3339 date-time with offset; throws on anything else. */
export function parseInstant(value: string): number {
  const known = parsedInstants.get(value);
  if (known !== undefined) return known;
  // Date.parse alone would also accept offset-less strings and read them in the process zone.
  if (!RFC3339.test(value)) throw new RangeError(`"${value}" is not an RFC 3339 date-time with offset`);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`"${value}" is not a valid date-time`);
  if (parsedInstants.size >= PARSED_INSTANTS_LIMIT) parsedInstants.clear();
  parsedInstants.set(value, ms);
  return ms;
}

/** Personio takes whole seconds; cutting sub-seconds early keeps every later step exact. */
export const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Zones found valid: every check activity parses the tenant's config, and constructing an
 * Intl.DateTimeFormat to ask was most of that parse (issue 10, idle CPU).
 */
const validZones = new Set<string>();
const VALID_ZONES_LIMIT = 10_000;

export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (zone.trim() === '' || zone !== zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  if (validZones.size >= VALID_ZONES_LIMIT) validZones.clear();
  validZones.add(zone);
  return true;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall time straight from Intl: a formatToParts call (a few microseconds each). */
function formattedWallTime(instant: number, zone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const subSecond = ((instant % 1000) + 1000) % 1000;
  return (
    Date.UTC(fields.year ?? NaN, (fields.month ?? NaN) - 1, fields.day ?? NaN, fields.hour ?? NaN, fields.minute ?? NaN, fields.second ?? NaN) +
    subSecond
  );
}

/**
 * Offsets per zone and UTC hour, NaN for an hour with a transition inside. A transfer converts
 * the same few hours again and again (entry, breaks, local days), and formatToParts per call
 * was a visible share of the worker's CPU per entry (issue 10). No zone changes its offset twice
 * within one hour, so equal offsets at both ends of an hour hold for all of it.
 */
const hourOffsets = new Map<string, Map<number, number>>();
const HOUR_OFFSETS_PER_ZONE = 100_000;

/** Naive wall-clock milliseconds of `instant` in `zone` (see module comment). */
export function wallTime(instant: number, zone: string): number {
  const hour = Math.floor(instant / HOUR_MS);
  let offsets = hourOffsets.get(zone);
  if (!offsets) hourOffsets.set(zone, (offsets = new Map()));
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const first = hour * HOUR_MS;
    const last = first + HOUR_MS - 1000;
    const atFirst = formattedWallTime(first, zone) - first;
    offset = formattedWallTime(last, zone) - last === atFirst ? atFirst : NaN;
    if (offsets.size >= HOUR_OFFSETS_PER_ZONE) offsets.clear();
    offsets.set(hour, offset);
  }
  return Number.isNaN(offset) ? formattedWallTime(instant, zone) : instant + offset;
}

/** UTC offset of `zone` at `instant`, in milliseconds (e.g. +2 h for Vienna in summer). */
export function offsetAt(instant: number, zone: string): number {
  return wallTime(instant, zone) - instant;
}

/** `YYYY-MM-DD` per day number (days since 1970-01-01), as toISOString writes it. */
const dayNames = new Map<number, string>();
/** Four-digit years only: toISOString writes others with a sign and six digits. */
const YEAR_0 = -62_167_219_200_000;
const YEAR_10000 = 253_402_300_800_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Formats a naive wall time as Personio's LocalDateTime (seconds precision, truncated). */
export function formatWallTime(wall: number): LocalDateTime {
  // The date from a per-day cache, the clock time by arithmetic: a Date and an ISO string per
  // call were a visible share of planning's CPU. Same text as toISOString().slice(0, 19).
  if (!(wall >= YEAR_0 && wall < YEAR_10000)) return new Date(wall).toISOString().slice(0, 19);
  const day = Math.floor(wall / DAY_MS);
  let date = dayNames.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size >= 100_000) dayNames.clear();
    dayNames.set(day, date);
  }
  const seconds = Math.floor((wall - day * DAY_MS) / 1000);
  return `${date}T${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

export function toLocalDateTime(instant: number, zone: string): LocalDateTime {
  return formatWallTime(wallTime(instant, zone));
}

export function localDateOf(instant: number, zone: string): LocalDate {
  return formatWallTime(wallTime(instant, zone)).slice(0, 10);
}

/** The date after `date` (pure calendar arithmetic). */
export function nextDate(date: LocalDate): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * First instant whose local date is `date` — local midnight, or the end of the DST gap in
 * zones that skip midnight itself. Assumes local dates only move forward in time, which holds
 * in every zone except a few that fall back across midnight.
 */
export function startOfLocalDay(date: LocalDate, zone: string): number {
  const naiveMidnight = Date.parse(`${date}T00:00:00Z`);
  const isStart = (t: number) => localDateOf(t, zone) === date && localDateOf(t - 1, zone) < date;
  // Usual case: one or two offset corrections land exactly on midnight.
  const first = naiveMidnight - offsetAt(naiveMidnight, zone);
  if (isStart(first)) return first;
  const second = naiveMidnight - offsetAt(first, zone);
  if (isStart(second)) return second;
  // Midnight falls into a DST gap: search the instant where the date changes.
  // Offsets lie within −12 h…+14 h, so the answer lies in this window.
  let lo = naiveMidnight - 15 * HOUR_MS; // date < `date` here
  let hi = naiveMidnight + 13 * HOUR_MS; // date ≥ `date` here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDateOf(mid, zone) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Start of the local day following the one `instant` falls on. */
export function nextLocalMidnight(instant: number, zone: string): number {
  return startOfLocalDay(nextDate(localDateOf(instant, zone)), zone);
}
