/**
 * An independent oracle for exactly-once: reads the raw state of both vendors (the sandboxes'
 * control state in tests, the real APIs in `timr-sync audit`) and judges what payroll sees. It
 * shares nothing with the sync code it checks — no transform, classification, matching,
 * fingerprint, time-zone or ledger code — and recomputes everything from first principles:
 * which entries must be in Personio (timr's own status, type category and the tenant's
 * Zeitausgleich setting), where their periods must lie (the entry's local span in the tenant's
 * zone) and how many WORK minutes they must add up to (timr's own `duration.minutes`).
 *
 * Per Personio period the failure kinds are disjoint: *orphaned* = no record (live or deleted)
 * claims it, *stale* = a record claims it but it does not fit (outside the claiming entry's span,
 * the entry no longer books anything, or the entry was deleted). *duplicated* is a separate
 * view (identical twins of one person) and may overlap with *orphaned*.
 *
 * Besides the counts it names what a repair may touch (`RepairPlan`): only what carries our own
 * record — locked entries whose recorded periods are missing, moved or book other hours (to be
 * transferred again), and periods only a deleted entry's record claims (to be removed). Orphaned
 * periods, twins and double claims carry no proof of ownership: they are reported, never touched.
 */
import { RawPersonioState, RawTimrState, absenceAsPeriod, transferRecordOf, type RawEntry, type RawPeriod, type RawType } from './raw-state.js';
import { localDate, localDateTimeMs, offsetMinutes, wallMs } from './zone.js';

export interface AuditTenant {
  tenantId: string;
  /** IANA zone of the tenant, e.g. Europe/Vienna. */
  timezone: string;
  /** How the tenant recognises Zeitausgleich (default names ['Zeitausgleich']). */
  zeitausgleich: { typeIds: string[]; externalIds: string[]; names: string[] };
  /** Entries the tenant workflow says are quarantined. */
  quarantinedEntryIds: string[];
  /** The tenant's `sync.dst`; default 'preserve-duration' (the product's default). */
  dst?: 'wall-clock' | 'preserve-duration';
  /** The tenant's `sync.transferWhen`: with 'approved' only approved and closed entries are due (default 'finished'). */
  transferWhen?: 'finished' | 'approved';
  /** YYYY-MM-DD; entries starting before it and periods before it are not judged. */
  windowStart?: string;
  /** Entries with a write of unknown outcome (the next run resolves them first): never in the repair plan. */
  unresolvedEntryIds?: string[];
  /** Period ids of those writes: never removed by a repair. */
  unresolvedPeriodIds?: string[];
}

/** Why an entry is in the repair plan. */
export type RepairCause = 'lost' | 'stale' | 'hours';

/**
 * What a repair may change, each item with the evidence it rests on: `replace` entries are locked
 * in timr with our record (transferred again while `lastModified` is still what the audit saw),
 * `remove` periods are claimed only by the record a deleted entry left in timr's deletion feed.
 */
export interface RepairPlan {
  replace: { entryId: string; lastModified: string; cause: RepairCause }[];
  remove: { entryId: string; periodIds: string[] }[];
}

export interface TenantAudit {
  audit: SyncAudit;
  repair: RepairPlan;
}

export interface HoursMismatch {
  entryId: string;
  bookedMinutes: number;
  expectedMinutes: number;
}

export interface SyncAudit {
  tenants: number;
  /** Finished entries (changeable|locked|approved|closed) of an attendance type, or Zeitausgleich by the tenant's config. */
  entriesEligible: number;
  /** Eligible, not changeable, with our record whose periods all exist, on the record's person, within the entry's span, hours right. */
  entriesTransferred: number;
  /** Eligible, not transferred, and quarantined by the tenant workflow. */
  quarantined: number;
  /** Eligible, neither transferred nor quarantined. */
  waiting: number;
  periodsInPersonio: number;
  zeitausgleichDays: number;
  /** Entries (not changeable, with our record) with a recorded period missing from Personio or on another person. */
  lost: number;
  /** Extra copies of a period: same person, type, start and end. */
  duplicated: number;
  /** Periods in the window that no record, live or deleted, claims. */
  orphaned: number;
  /** Periods a record claims that do not fit the claiming entry, or whose claiming entry was deleted. */
  stale: number;
  /** Period ids claimed by the records of two or more live entries. */
  doubleClaimed: number;
  /** Entries otherwise transferred whose booked WORK minutes differ from timr's net duration (under the DST rule). */
  hoursMismatch: number;
  /** At most SAMPLE_LIMIT each: entry ids (lost, waiting, hoursMismatch) or period ids (the rest). */
  samples: {
    lost: string[];
    duplicated: string[];
    orphaned: string[];
    stale: string[];
    doubleClaimed: string[];
    waiting: string[];
    hoursMismatch: HoursMismatch[];
  };
}

export const SAMPLE_LIMIT = 20;
const MINUTE_MS = 60_000;
/** Statuses in which a finished entry is due in Personio (running/paused are unfinished, archived is past judging). */
const DUE_STATUSES = new Set(['changeable', 'locked', 'approved', 'closed']);
const DUE_WHEN_APPROVED = new Set(['approved', 'closed']);
const ZEITAUSGLEICH_COMMENT = 'Zeitausgleich';

/** True when none of lost, duplicated, orphaned, stale, doubleClaimed is > 0. */
export function auditClean(a: SyncAudit): boolean {
  return a.lost === 0 && a.duplicated === 0 && a.orphaned === 0 && a.stale === 0 && a.doubleClaimed === 0;
}

function emptyAudit(tenants: number): SyncAudit {
  return {
    tenants,
    entriesEligible: 0,
    entriesTransferred: 0,
    quarantined: 0,
    waiting: 0,
    periodsInPersonio: 0,
    zeitausgleichDays: 0,
    lost: 0,
    duplicated: 0,
    orphaned: 0,
    stale: 0,
    doubleClaimed: 0,
    hoursMismatch: 0,
    samples: { lost: [], duplicated: [], orphaned: [], stale: [], doubleClaimed: [], waiting: [], hoursMismatch: [] },
  };
}

function sample<T>(list: T[], item: T): void {
  if (list.length < SAMPLE_LIMIT) list.push(item);
}

export function auditSync(timrRaw: unknown, personioRaw: unknown, tenants: AuditTenant[]): SyncAudit {
  const timr = RawTimrState.parse(timrRaw);
  const personio = RawPersonioState.parse(personioRaw);
  const audit = emptyAudit(tenants.length);
  for (const tenant of tenants) {
    const t = timr[tenant.tenantId];
    const p = personio.tenants[tenant.tenantId];
    if (!t || !p) throw new Error(`audit: sandbox has no tenant ${tenant.tenantId} (timr: ${Boolean(t)}, Personio: ${Boolean(p)})`);
    // Absences (Zeitausgleich as time off) are judged with the attendances, under our record's ids.
    auditTenant(tenant, t.workingTimes, t.workingTimeTypes, t.deleted, [...p.attendancePeriods, ...p.absencePeriods.map(absenceAsPeriod)], audit, { replace: [], remove: [] });
  }
  return audit;
}

/**
 * One tenant's vendor state as read from the real APIs (entries, types and deletion rows of timr;
 * attendance and absence periods of Personio, all raw), judged as `auditSync` judges the
 * sandboxes, plus the repair plan.
 */
export function auditTenantState(
  tenant: AuditTenant,
  timrRaw: { workingTimes: unknown; workingTimeTypes: unknown; deleted: unknown },
  personioRaw: { attendancePeriods: unknown; absencePeriods: unknown },
): TenantAudit {
  const t = RawTimrState.parse({ [tenant.tenantId]: timrRaw })[tenant.tenantId]!;
  const p = RawPersonioState.parse({ tenants: { [tenant.tenantId]: personioRaw } }).tenants[tenant.tenantId]!;
  const audit = emptyAudit(1);
  const repair: RepairPlan = { replace: [], remove: [] };
  auditTenant(tenant, t.workingTimes, t.workingTimeTypes, t.deleted, [...p.attendancePeriods, ...p.absencePeriods.map(absenceAsPeriod)], audit, repair);
  return { audit, repair };
}

const normaliseName = (name: string) => name.normalize('NFC').trim().toLowerCase();

function zeitausgleichMatcher(config: AuditTenant['zeitausgleich']): (type: RawEntry['working_time_type']) => boolean {
  const ids = new Set(config.typeIds);
  const externalIds = new Set(config.externalIds.map((x) => x.trim()));
  const names = new Set(config.names.map(normaliseName));
  return (type) => {
    const externalId = type.external_id?.trim();
    return ids.has(type.id) || (externalId !== undefined && externalId !== '' && externalIds.has(externalId)) || names.has(normaliseName(type.name));
  };
}

const periodDate = (q: RawPeriod) => q.start.date_time.slice(0, 10);
const periodStartMs = (q: RawPeriod) => localDateTimeMs(q.start.date_time);
const periodEndMs = (q: RawPeriod) => (q.end ? localDateTimeMs(q.end.date_time) : Number.NaN);

/** What one entry is, judged from timr's data alone. */
interface EntryFacts {
  startMs: number;
  endMs: number;
  zeitausgleich: boolean;
  /** Content that books something: finished, and Zeitausgleich or an attendance with length. */
  bookable: boolean;
  /** Bookable and in a status in which it is due in Personio. */
  eligible: boolean;
}

function factsOf(entry: RawEntry, types: ReadonlyMap<string, RawType>, isZeitausgleich: (t: RawEntry['working_time_type']) => boolean, due: ReadonlySet<string>): EntryFacts {
  const startMs = Date.parse(entry.start);
  const endMs = entry.end === null ? Number.NaN : Date.parse(entry.end);
  const zeitausgleich = isZeitausgleich(entry.working_time_type);
  const attendance = types.get(entry.working_time_type.id)?.category === 'attendance_time';
  // A zero-length attendance books nothing (there are no hours to transfer).
  const bookable = entry.end !== null && (zeitausgleich || (attendance && !(endMs <= startMs)));
  return { startMs, endMs, zeitausgleich, bookable, eligible: bookable && due.has(entry.status) };
}

/**
 * Whether a period lies where the entry puts it. Zeitausgleich: on the entry's local start date.
 * Attendance: within [local start, local end], where the end may stretch to local start + real
 * duration (a preserve-duration booking across an autumn change ends after the wall-clock end).
 */
function fitsEntry(q: RawPeriod, f: EntryFacts, zone: string): boolean {
  if (Number.isNaN(f.startMs)) return false;
  if (f.zeitausgleich) return periodDate(q) === localDate(f.startMs, zone);
  const s = Math.floor(f.startMs / 1000) * 1000;
  const e = Math.ceil(f.endMs / 1000) * 1000;
  if (Number.isNaN(e)) return false;
  const from = wallMs(s, zone);
  const to = Math.max(wallMs(e, zone), from + (e - s));
  const qs = periodStartMs(q);
  const qe = periodEndMs(q);
  return qs >= from && qe <= to && qe >= qs;
}

/** timr's own net minutes for the entry, as Personio must show them under the tenant's DST rule. */
function expectedWorkMinutes(entry: RawEntry, f: EntryFacts, zone: string, dst: NonNullable<AuditTenant['dst']>): number {
  if (f.zeitausgleich) return 0;
  const net = entry.duration?.minutes ?? Math.floor((f.endMs - f.startMs) / MINUTE_MS) - (entry.break_time_total_minutes ?? 0);
  if (dst === 'preserve-duration') return net;
  // Wall-clock: Personio keeps clock times, so the booking is off by the offset change within the entry.
  return net + offsetMinutes(f.endMs, zone) - offsetMinutes(f.startMs, zone);
}

function auditTenant(
  tenant: AuditTenant,
  entries: readonly RawEntry[],
  typeList: readonly RawType[],
  deleted: readonly { id: string; metadata?: Record<string, unknown> | null }[],
  periodList: readonly RawPeriod[],
  audit: SyncAudit,
  repair: RepairPlan,
): void {
  const zone = tenant.timezone;
  offsetMinutes(0, zone); // fails early on an unknown zone
  const dst = tenant.dst ?? 'preserve-duration';
  const due = tenant.transferWhen === 'approved' ? DUE_WHEN_APPROVED : DUE_STATUSES;
  const judgedDate = (date: string) => tenant.windowStart === undefined || date >= tenant.windowStart;
  const judgedPeriod = (q: RawPeriod) => judgedDate(periodDate(q));
  const types = new Map(typeList.map((t) => [t.id, t]));
  const isZeitausgleich = zeitausgleichMatcher(tenant.zeitausgleich);
  const quarantined = new Set(tenant.quarantinedEntryIds);
  const periods = new Map(periodList.map((q) => [q.id, q]));
  audit.periodsInPersonio += periodList.length;
  const unresolvedEntries = new Set(tenant.unresolvedEntryIds ?? []);
  const unresolvedPeriods = new Set(tenant.unresolvedPeriodIds ?? []);
  const replace = (entry: RawEntry, cause: RepairCause) => {
    if (entry.last_modified !== undefined && !unresolvedEntries.has(entry.id)) repair.replace.push({ entryId: entry.id, lastModified: entry.last_modified, cause });
  };

  // Who claims which period: live entries' records, and the records deleted entries left behind.
  const liveIds = new Set(entries.map((e) => e.id));
  const claims = new Map<string, string[]>();
  for (const e of entries) {
    for (const id of new Set(transferRecordOf(e)?.periodIds ?? [])) claims.set(id, [...(claims.get(id) ?? []), e.id]);
  }
  const deletedClaims = new Set<string>();
  const deletedOwner = new Map<string, string>();
  for (const d of deleted) {
    if (liveIds.has(d.id)) continue;
    for (const id of transferRecordOf(d)?.periodIds ?? []) {
      deletedClaims.add(id);
      deletedOwner.set(id, d.id);
    }
  }

  // Twins: same person, type, start and end. The claimed copy counts as the original.
  const slots = new Map<string, RawPeriod[]>();
  for (const q of periodList) {
    if (!judgedPeriod(q)) continue;
    const key = `${q.person.id}|${q.type}|${q.start.date_time}|${q.end?.date_time ?? ''}`;
    slots.set(key, [...(slots.get(key) ?? []), q]);
  }
  for (const group of slots.values()) {
    const ordered = [...group].sort((a, b) => Number(claims.has(b.id)) - Number(claims.has(a.id)));
    for (const extra of ordered.slice(1)) {
      audit.duplicated++;
      sample(audit.samples.duplicated, extra.id);
    }
  }

  const zaDays = new Set<string>();
  for (const q of periodList) {
    const zeroHours = q.type === 'WORK' && q.end?.date_time === q.start.date_time;
    if (judgedPeriod(q) && q.comment === ZEITAUSGLEICH_COMMENT && (zeroHours || q.type === 'ABSENCE')) {
      zaDays.add(`${q.person.id}|${periodDate(q)}`);
    }
  }
  audit.zeitausgleichDays += zaDays.size;

  const stale = new Set<string>();
  const judgedEntries = new Set<string>();
  for (const entry of entries) {
    const f = factsOf(entry, types, isZeitausgleich, due);
    if (!Number.isNaN(f.startMs) && !judgedDate(localDate(f.startMs, zone))) continue;
    judgedEntries.add(entry.id);

    const record = transferRecordOf(entry);
    const locked = entry.status !== 'changeable';
    let transferred = false;
    if (record) {
      const owned: RawPeriod[] = [];
      let missing = 0;
      for (const id of new Set(record.periodIds)) {
        const q = periods.get(id);
        if (q && q.person.id === record.personId) owned.push(q);
        else missing++;
      }
      const isLost = locked && f.bookable && missing > 0;
      if (isLost) {
        audit.lost++;
        sample(audit.samples.lost, entry.id);
        replace(entry, 'lost');
      }
      // An entry that books nothing any more (retyped to an absence, emptied) owns no period.
      const misfits = owned.filter((q) => !f.bookable || !fitsEntry(q, f, zone));
      for (const q of misfits) if (judgedPeriod(q)) stale.add(q.id);
      // A changeable entry is transferred again by the next run anyway; a locked one only by a repair.
      if (!isLost && locked && misfits.some(judgedPeriod)) replace(entry, 'stale');

      const shaped = !f.zeitausgleich || owned.length > 0;
      if (f.eligible && locked && missing === 0 && misfits.length === 0 && shaped) {
        const bookedMs = owned.filter((q) => q.type === 'WORK').reduce((sum, q) => sum + (periodEndMs(q) - periodStartMs(q)), 0);
        const expectedMinutes = expectedWorkMinutes(entry, f, zone, dst);
        // timr counts whole minutes; Personio holds seconds: less than a minute apart is equal.
        if (Math.abs(bookedMs - expectedMinutes * MINUTE_MS) < MINUTE_MS) transferred = true;
        else {
          audit.hoursMismatch++;
          sample(audit.samples.hoursMismatch, { entryId: entry.id, bookedMinutes: Math.round(bookedMs / MINUTE_MS), expectedMinutes });
          replace(entry, 'hours');
        }
      }
    }

    if (!f.eligible) continue;
    audit.entriesEligible++;
    if (transferred) audit.entriesTransferred++;
    else if (quarantined.has(entry.id)) audit.quarantined++;
    else {
      audit.waiting++;
      sample(audit.samples.waiting, entry.id);
    }
  }

  // Deleted entries own nothing: a period only they claim and still present is stale.
  const removals = new Map<string, string[]>();
  for (const id of deletedClaims) {
    const q = periods.get(id);
    if (q && !claims.has(id) && judgedPeriod(q)) {
      stale.add(id);
      const owner = deletedOwner.get(id)!;
      if (!unresolvedPeriods.has(id)) removals.set(owner, [...(removals.get(owner) ?? []), id]);
    }
  }
  for (const [entryId, periodIds] of removals) repair.remove.push({ entryId, periodIds });
  audit.stale += stale.size;
  for (const id of stale) sample(audit.samples.stale, id);

  for (const [id, claimers] of claims) {
    if (claimers.length < 2 || !claimers.some((c) => judgedEntries.has(c))) continue;
    const q = periods.get(id);
    if (q && !judgedPeriod(q)) continue;
    audit.doubleClaimed++;
    sample(audit.samples.doubleClaimed, id);
  }

  for (const q of periodList) {
    if (!judgedPeriod(q) || claims.has(q.id) || deletedClaims.has(q.id)) continue;
    audit.orphaned++;
    sample(audit.samples.orphaned, q.id);
  }
}
