/**
 * The provisioning report as a person reads it: the counts, then what needs a look (conflicts,
 * invalid rows, each with where and why), then what was (or, in a dry run, would be) created.
 * A dry run's lists are the diff; a real run's are bounded samples of its report.
 */
import { describeCounts, type ProvisionOutcome, type ProvisionReport } from '../../domain/provision-report.js';

const MARK: Record<ProvisionOutcome['kind'], string> = { create: '+', created: '+', existing: '=', conflict: '!', invalid: 'x' };

function outcomeLine(o: ProvisionOutcome): string {
  const target = o.kind === 'create' ? ` → login ${o.login}` : o.timrUserId ? ` → timr user ${o.timrUserId}` : '';
  return `  ${MARK[o.kind]} ${o.where.padEnd(22)} ${o.who}${target}${o.reason ? `\n      ${o.reason}` : ''}`;
}

function section(title: string, list: readonly ProvisionOutcome[], total: number): string[] {
  if (total === 0) return [];
  const more = total > list.length ? ` (first ${list.length} of ${total})` : '';
  return [`${title}${more}:`, ...list.map(outcomeLine)];
}

export function renderProvisionReport(report: ProvisionReport, opts: { dryRun: boolean; heading: string; incomplete?: string }): string {
  const { counts, samples } = report;
  const lines = [opts.heading, `  ${describeCounts(counts, opts.dryRun)}`];
  if (opts.incomplete) lines.push(`  INCOMPLETE: ${opts.incomplete}`);
  lines.push(...section('conflicts (nothing was changed in timr; resolve them, then run again)', samples.conflicts, counts.conflicts));
  lines.push(...section('invalid rows (fix them in Personio or the file, then run again)', samples.invalid, counts.invalid));
  if (opts.dryRun) lines.push(...section('would create', samples.toCreate, counts.toCreate));
  else lines.push(...section('created', samples.created, counts.created));
  if (opts.dryRun) lines.push('Dry run: nothing was created or changed.');
  return lines.join('\n');
}

export function progressLine(counts: ProvisionReport['counts'], dryRun: boolean, page: number, pages?: number): string {
  return `  page ${page}${pages !== undefined ? `/${pages}` : ''}: ${describeCounts(counts, dryRun)}`;
}
