/**
 * One timr entry → the Personio attendance periods that represent it (see DESIGN.md
 * "Transform rules"); the one place periods are produced. Pure: the time zone and all settings
 * come in through the context. Before returning periods it checks them against the hours
 * invariant (hours-invariant.ts): what Personio would book as WORK is timr's own net duration
 * under the tenant's DST rule, or the entry is refused with both figures and the fix.
 */
import type { WorkingTime } from '../clients/timr/schemas.js';
import { tileEntry } from './break-tiling.js';
import { fitComment } from './comment.js';
import { entryPhrase } from './entry-label.js';
import { classifyEntry, type ClassificationContext, type SkipCode } from './entry-classification.js';
import { checkWorkMinutes, expectedWorkMinutes, formatMinutes, timrNetMinutes } from './hours-invariant.js';
import { toLocalPeriods } from './local-periods.js';
import type { PlannedPeriod } from './planned-period.js';
import { MINUTE_MS, offsetAt, toLocalDateTime } from './time-zone.js';
import { zeitausgleichPeriods } from './zeitausgleich.js';

export type TransformContext = ClassificationContext;

export type TransformResult =
  | { kind: 'periods'; periods: PlannedPeriod[]; warnings: string[] }
  | { kind: 'skip'; code: SkipCode; reason: string }
  | { kind: 'invalid'; reason: string };

const signed = (ms: number) => `${ms > 0 ? '+' : '−'}${Math.abs(Math.round(ms / MINUTE_MS))} min`;

export function transformEntry(entry: WorkingTime, ctx: TransformContext): TransformResult {
  const config = ctx.config;
  const zone = config.timezone;
  const about = () => entryPhrase(entry, zone);
  const classified = classifyEntry(entry, ctx);

  switch (classified.kind) {
    case 'skip':
      return { kind: 'skip', code: classified.code, reason: `${about()} ${classified.reason}` };
    case 'invalid':
      return { kind: 'invalid', reason: `${about()} ${classified.reason}` };
    case 'zeitausgleich': {
      const end = classified.end ?? classified.start;
      return { kind: 'periods', periods: zeitausgleichPeriods(toLocalDateTime(classified.start, zone), toLocalDateTime(end, zone), config.zeitausgleich), warnings: [] };
    }
    case 'attendance':
      break;
  }
  const refuse = (problem: string): TransformResult => ({ kind: 'invalid', reason: `${about()} cannot be transferred: ${problem}` });

  const net = timrNetMinutes(entry, classified.start, classified.end);
  if (!net.ok) return refuse(net.problem);

  const warnings = classified.warnings.map((w) => `${about()}: ${w}`);
  const tiled = tileEntry({ start: classified.start, end: classified.end }, classified.breaks, config.breaks.unpositioned);
  if (!tiled.ok) return refuse(tiled.problem);

  const local = toLocalPeriods(tiled.periods, zone, config.dst);
  if (!local.ok) return refuse(local.problem);
  const offsetChangeMs = offsetAt(classified.end, zone) - offsetAt(classified.start, zone);
  if (offsetChangeMs !== 0) {
    const real = Math.round(local.realMs / MINUTE_MS);
    const clock = local.clockEnd?.slice(11, 16) ?? '?';
    const written = local.periods[local.periods.length - 1]?.end.slice(11, 16) ?? '?';
    warnings.push(
      config.dst === 'preserve-duration'
        ? `${about()} spans a daylight-saving change in ${zone} (${signed(offsetChangeMs)}): to book the ${real} min it lasted (sync.dst = preserve-duration), ` +
            `its Personio periods after the change are shifted by ${signed(local.shiftMs)}, so it ends at ${written} in Personio where the clock said ${clock}`
        : `${about()} spans a daylight-saving change: its Personio times cover ${Math.round(local.wallMs / MINUTE_MS)} min, the real duration is ${real} min ` +
            `(sync.dst = wall-clock keeps the clock times; set it to preserve-duration to book the real hours); check the hours in Personio`,
    );
  }

  const fitted = fitComment(entry.notes, config.commentMaxLength);
  if (fitted.cutFrom !== undefined) {
    warnings.push(
      `${about()}: its notes have ${fitted.cutFrom} characters, Personio takes ${config.commentMaxLength} (counted in UTF-16 code units, as Personio does); the comment was cut and ends with "…"`,
    );
  }
  const periods = local.periods.map((p): PlannedPeriod => (p.type === 'WORK' && fitted.comment !== undefined ? { ...p, comment: fitted.comment } : { ...p }));

  const expected = expectedWorkMinutes(net.minutes, config.dst, offsetChangeMs);
  const hours = checkWorkMinutes(periods, expected);
  if (!hours.ok) {
    const derived = Math.floor((classified.end - classified.start) / MINUTE_MS) - entry.break_time_total_minutes;
    const fix =
      derived !== net.minutes
        ? `timr's figure does not fit the entry's own times and breaks (${derived} min from start, end and break_time_total_minutes); correct the entry in timr so timr recomputes it, or enter it in Personio by hand and lock it in timr`
        : config.dst === 'wall-clock'
          ? 'its clock times around the daylight-saving change cannot show that; set sync.dst to preserve-duration (timr-sync config <tenant> --set sync.dst=preserve-duration) or enter it in Personio by hand and lock it in timr'
          : 'enter it in Personio by hand and lock it in timr';
    const dstNote = config.dst === 'wall-clock' && offsetChangeMs !== 0 ? ` plus the ${signed(offsetChangeMs)} clock change (sync.dst = wall-clock)` : '';
    return refuse(
      `its Personio periods would book ${formatMinutes(hours.bookedMinutes)} of work, timr counts ${formatMinutes(net.minutes)} (${net.source})${dstNote}; ${fix}`,
    );
  }
  return { kind: 'periods', periods, warnings };
}
