/**
 * Zeitausgleich (compensatory time off): recognising the type, and the one place that decides
 * how it is represented in Personio (`sync.zeitausgleich.representation`).
 */
import type { WorkingTimeTypePartial } from '../clients/timr/schemas.js';
import type { ZeitausgleichConfig } from './tenant-config.js';
import type { PlannedPeriod } from './planned-period.js';
import { nextDate, type LocalDateTime } from './time-zone.js';

export const ZEITAUSGLEICH_COMMENT = 'Zeitausgleich';

/** Added to Personio's refusal of a zero-length period: the setting that books Zeitausgleich otherwise. */
export const ZERO_LENGTH_REFUSED_HINT =
  'Personio refuses the zero-length WORK period by which sync.zeitausgleich.representation "zero-hours" books a Zeitausgleich day; ' +
  'book it as a Personio absence instead: timr-sync config <tenant> --set sync.zeitausgleich.representation=absence ' +
  '--set sync.zeitausgleich.absenceTypeId=<id of the Personio absence type, e.g. Überstundenausgleich>';

const normalizeName = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase('de');

/**
 * Type id first, then external id. Names are only the out-of-the-box match: once a tenant
 * configures ids, a type that merely carries the name (say, a new one an admin created) must
 * not book 0 hours.
 */
export function isZeitausgleichType(type: WorkingTimeTypePartial, config: ZeitausgleichConfig): boolean {
  if (config.typeIds.length > 0 || config.externalIds.length > 0) {
    if (config.typeIds.includes(type.id)) return true;
    const externalId = type.external_id?.trim();
    return externalId !== undefined && externalId !== '' && config.externalIds.includes(externalId);
  }
  const name = normalizeName(type.name);
  return config.names.some((n) => normalizeName(n) === name);
}

/**
 * `zero-hours`: "0 hours booked" on the entry's day, one zero-length WORK period at the local
 * start. Personio's v1 API refused start == end; if v2 refuses it too, the write is refused and
 * the quarantine reason names `sync.zeitausgleich.representation` (see post-periods.ts).
 *
 * `absence`: one absence period of the configured Personio type over the entry's local time;
 * an entry without a length (or a day-based one recorded as 00:00–00:00) covers its whole local
 * day. Personio then books the deficit hours of that type. No WORK is booked either way.
 */
export function zeitausgleichPeriods(localStart: LocalDateTime, localEnd: LocalDateTime, config: ZeitausgleichConfig): PlannedPeriod[] {
  if (config.representation === 'absence' && config.absenceTypeId !== undefined) {
    const end = localEnd > localStart ? localEnd : `${nextDate(localStart.slice(0, 10))}T00:00:00`;
    const start = localEnd > localStart ? localStart : `${localStart.slice(0, 10)}T00:00:00`;
    return [{ type: 'ABSENCE', start, end, comment: ZEITAUSGLEICH_COMMENT, absenceTypeId: config.absenceTypeId }];
  }
  return [{ type: 'WORK', start: localStart, end: localStart, comment: ZEITAUSGLEICH_COMMENT }];
}
