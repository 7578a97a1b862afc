/**
 * What a timr entry is for the sync: an attendance to transfer, a Zeitausgleich, something
 * to leave alone (for now or for good), or data that cannot be transferred as it stands.
 */
import type { WorkingTime, WorkingTimeType, WorkingTimeTypeCategory } from '../clients/timr/schemas.js';
import type { TenantSyncConfig } from './tenant-config.js';
import { parseInstant, wholeSecond } from './time-zone.js';
import { readBreaks, type InterpretedBreaks } from './timr-breaks.js';
import { isZeitausgleichType } from './zeitausgleich.js';

/** timr working-time type id → category (the entry itself only carries id, name, external id). */
export type WorkingTimeTypeCategories = Readonly<Record<string, WorkingTimeTypeCategory>>;

export function typeCategories(types: readonly Pick<WorkingTimeType, 'id' | 'category'>[]): WorkingTimeTypeCategories {
  return Object.fromEntries(types.map((t) => [t.id, t.category]));
}

export interface ClassificationContext {
  config: TenantSyncConfig;
  typeCategories: WorkingTimeTypeCategories;
}

/**
 * `running`/`paused`/`unfinished` wait for the entry to end, `awaiting-approval` for timr to
 * show it approved (sync.transferWhen = approved); the others are never transferred
 * (`ignored`: a non-attendance type the tenant configured in `sync.ignoreTypeIds`).
 */
export type SkipCode = 'running' | 'paused' | 'unfinished' | 'awaiting-approval' | 'archived' | 'absence' | 'ignored' | 'empty';

/** Statuses in which timr shows an entry approved (sync.transferWhen = approved transfers only these). */
const APPROVED_STATUSES: readonly WorkingTime['status'][] = ['approved', 'closed'];

/** The entry books nothing (any more): periods an earlier transfer left in Personio must go. */
export function booksNothing(code: SkipCode): boolean {
  return code === 'absence' || code === 'ignored' || code === 'empty';
}

export type EntryClassification =
  | { kind: 'attendance'; start: number; end: number; breaks: InterpretedBreaks; warnings: string[] }
  /** `end` null when timr gives none (a Zeitausgleich needs no end). */
  | { kind: 'zeitausgleich'; start: number; end: number | null }
  | { kind: 'skip'; code: SkipCode; reason: string }
  /** `reason` completes "timr entry X of Y on Z …" and says how to fix it. */
  | { kind: 'invalid'; reason: string };

export function classifyEntry(entry: WorkingTime, ctx: ClassificationContext): EntryClassification {
  if (entry.status === 'running') return skip('running', 'is still running');
  if (entry.status === 'paused') return skip('paused', 'is paused');
  if (entry.status === 'archived') return skip('archived', 'is archived');

  let start: number;
  try {
    start = wholeSecond(parseInstant(entry.start));
  } catch {
    return { kind: 'invalid', reason: `has an unreadable start "${entry.start}"; correct it in timr` };
  }

  const type = entry.working_time_type;
  const zeitausgleich = isZeitausgleichType(type, ctx.config.zeitausgleich);
  const category = ctx.typeCategories[type.id];
  if (ctx.config.transferWhen === 'approved' && !APPROVED_STATUSES.includes(entry.status) && (zeitausgleich || category === 'attendance_time')) {
    return skip('awaiting-approval', `is ${entry.status} and waits for approval in timr (sync.transferWhen = approved transfers only approved or closed entries)`);
  }
  if (zeitausgleich) {
    let end: number | null = null;
    if (entry.end !== null) {
      try {
        end = Math.max(start, wholeSecond(parseInstant(entry.end)));
      } catch {
        return { kind: 'invalid', reason: `has an unreadable end "${entry.end}"; correct it in timr` };
      }
    }
    return { kind: 'zeitausgleich', start, end };
  }

  if (category === undefined) {
    return {
      kind: 'invalid',
      reason: `has working time type "${type.name}" (${type.id}), which is not among the tenant's working time types; check the type in timr (the list is re-read every run)`,
    };
  }
  if (category !== 'attendance_time') {
    if (ctx.config.ignoreTypeIds.includes(type.id)) {
      return skip('ignored', `has type "${type.name}" of category ${category}, which the tenant ignores (sync.ignoreTypeIds)`);
    }
    return skip('absence', `has type "${type.name}" of category ${category}, which is not an attendance`);
  }

  if (entry.end === null) return skip('unfinished', 'has no end time yet');
  let end: number;
  try {
    end = wholeSecond(parseInstant(entry.end));
  } catch {
    return { kind: 'invalid', reason: `has an unreadable end "${entry.end}"; correct it in timr` };
  }
  if (end < start) return { kind: 'invalid', reason: `ends (${entry.end}) before it starts (${entry.start}); correct the times in timr` };
  if (end === start) return skip('empty', 'lasts zero minutes');

  const breaks = readBreaks(entry, start, end, ctx.config.timezone);
  if (!breaks.ok) return { kind: 'invalid', reason: breaks.problem };
  return { kind: 'attendance', start, end, breaks: breaks.breaks, warnings: breaks.warnings };
}

const skip = (code: SkipCode, reason: string): EntryClassification => ({ kind: 'skip', code, reason });
