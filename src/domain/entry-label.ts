/**
 * How an entry is named in reasons, warnings and reports: support must find it in timr
 * without knowing the opaque entry id.
 */
import type { UserPartial, WorkingTime } from '../clients/timr/schemas.js';
import { localDateOf, parseInstant, type LocalDate } from './time-zone.js';

export interface EntryLabel {
  entryId: string;
  /** "Full Name (timr user <id>)". */
  employee: string;
  /** Local start date in the tenant's zone; the raw start when it cannot be read. */
  date: LocalDate;
}

export function describeUser(user: UserPartial): string {
  const name = user.fullname?.trim() || [user.firstname, user.lastname].filter(Boolean).join(' ').trim();
  return name ? `${name} (timr user ${user.id})` : `timr user ${user.id}`;
}

export function entryLabel(entry: WorkingTime, zone: string): EntryLabel {
  let date: LocalDate;
  try {
    date = localDateOf(parseInstant(entry.start), zone);
  } catch {
    date = entry.start;
  }
  return { entryId: entry.id, employee: describeUser(entry.user), date };
}

/** "timr entry <id> of <employee> on <date>", the prefix of every per-entry message. */
export function entryPhrase(entry: WorkingTime, zone: string): string {
  const label = entryLabel(entry, zone);
  return `timr entry ${label.entryId} of ${label.employee} on ${label.date}`;
}
