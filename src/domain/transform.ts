/**
 * One timr entry → the Personio attendance periods that represent it (see DESIGN.md
 * "Transform rules"). Pure: the time zone and all settings come in through the context.
 */
import type { WorkingTime } from '../clients/timr/schemas.js';
import { tileEntry } from './break-tiling.js';
import { fitComment } from './comment.js';
import { entryPhrase } from './entry-label.js';
import { classifyEntry, type ClassificationContext, type SkipCode } from './entry-classification.js';
import { toLocalPeriods } from './local-periods.js';
import type { PlannedPeriod } from './planned-period.js';
import { MINUTE_MS, toLocalDateTime } from './time-zone.js';
import { zeitausgleichPeriod } from './zeitausgleich.js';

export type TransformContext = ClassificationContext;

export type TransformResult =
  | { kind: 'periods'; periods: PlannedPeriod[]; warnings: string[] }
  | { kind: 'skip'; code: SkipCode; reason: string }
  | { kind: 'invalid'; reason: string };

export function transformEntry(entry: WorkingTime, ctx: TransformContext): TransformResult {
  const zone = ctx.config.timezone;
  const about = () => entryPhrase(entry, zone);
  const classified = classifyEntry(entry, ctx);

  switch (classified.kind) {
    case 'skip':
      return { kind: 'skip', code: classified.code, reason: `${about()} ${classified.reason}` };
    case 'invalid':
      return { kind: 'invalid', reason: `${about()} ${classified.reason}` };
    case 'zeitausgleich':
      return { kind: 'periods', periods: [zeitausgleichPeriod(toLocalDateTime(classified.start, zone))], warnings: [] };
    case 'attendance':
      break;
  }

  const warnings = classified.warnings.map((w) => `${about()}: ${w}`);
  const tiled = tileEntry({ start: classified.start, end: classified.end }, classified.breaks, ctx.config.breaks.unpositioned);
  if (!tiled.ok) return { kind: 'invalid', reason: `${about()} cannot be transferred: ${tiled.problem}` };

  const local = toLocalPeriods(tiled.periods, zone);
  if (!local.ok) return { kind: 'invalid', reason: `${about()} cannot be transferred: ${local.problem}` };
  if (local.wallMs !== local.realMs) {
    warnings.push(
      `${about()} spans a daylight-saving change: its Personio times cover ${Math.round(local.wallMs / MINUTE_MS)} min, the real duration is ${Math.round(local.realMs / MINUTE_MS)} min; check the hours in Personio`,
    );
  }

  const fitted = fitComment(entry.notes, ctx.config.commentMaxLength);
  if (fitted.cutFrom !== undefined) {
    warnings.push(`${about()}: its notes have ${fitted.cutFrom} characters, Personio takes ${ctx.config.commentMaxLength}; the comment was cut and ends with "…"`);
  }
  const periods = local.periods.map((p): PlannedPeriod =>
    p.type === 'WORK' && fitted.comment !== undefined ? { ...p, comment: fitted.comment } : { ...p },
  );
  return { kind: 'periods', periods, warnings };
}
