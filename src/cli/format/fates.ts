/**
 * What became of every entry, for people: counts by fate with their reasons (status), the
 * entries behind them (report), and the working-time types that need a decision with the
 * commands that make it. Every command printed here exists (`timr-sync config … --set …`).
 */
import type { SyncRunReport, WindowView } from '../../workflows/types.js';
import { FATE_LABELS, FATES, totalEntries, type EntryFates, type Fate, type FateGroup } from '../../domain/entry-fates.js';
import type { TypeDecision } from '../../domain/type-decisions.js';
import { formatCounts } from './run-summary.js';
import { renderTable } from './table.js';

/** Quotes a shell word when it holds anything a shell would interpret. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=+@%,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

function byFate(fates: EntryFates | undefined): Map<Fate, FateGroup[]> {
  const out = new Map<Fate, FateGroup[]>();
  for (const g of fates?.groups ?? []) out.set(g.fate, [...(out.get(g.fate) ?? []), g]);
  return new Map(FATES.filter((f) => out.has(f)).map((f) => [f, out.get(f)!]));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function windowSource(window: WindowView): string {
  return window.source === 'run' ? `run #${window.runNumber} at ${window.at}` : `the check at ${window.at}`;
}

/** One row per fate: its count and its reasons with theirs. */
export function renderFateCounts(fates: EntryFates, indent = '  '): string[] {
  const rows = [...byFate(fates)].map(([fate, groups]) => [
    FATE_LABELS[fate],
    String(groups.reduce((n, g) => n + g.count, 0)),
    groups.map((g) => `${g.reason} (${g.count})`).join('; '),
  ]);
  return renderTable(['FATE', 'ENTRIES', 'WHY'], rows, indent);
}

/** Every group with the entries of its sample. */
export function renderFateGroups(fates: EntryFates): string[] {
  const lines: string[] = [];
  for (const [fate, groups] of byFate(fates)) {
    lines.push('', `${FATE_LABELS[fate]} (${groups.reduce((n, g) => n + g.count, 0)})`);
    for (const g of groups) {
      const shown = g.sample.length < g.count ? `, ${g.sample.length} of them shown` : '';
      lines.push(`  ${g.reason} — ${plural(g.count, 'entry', 'entries')}${shown}`);
      if (g.sample.length) {
        const rows = g.sample.map((s) => [s.employee ?? '', s.date ?? '', s.entryId, s.detail ?? '']);
        lines.push(...renderTable(['EMPLOYEE', 'DATE', 'ENTRY', 'DETAIL'], rows, '    '));
      }
    }
  }
  return lines;
}

/** The types nobody decided on, each with the command for either decision. */
export function renderDecisions(tenantId: string, decisions: readonly TypeDecision[]): string[] {
  if (decisions.length === 0) return [];
  const lines = ['', `Working-time types that need a decision (${decisions.length}): their entries are not transferred until you decide`];
  for (const d of decisions) {
    const entries = d.entries === 0 ? 'no entries in the window' : `${plural(d.entries, 'entry', 'entries')} in the window`;
    const hint = d.zeitausgleichHint ? ` — looks like a renamed Zeitausgleich: ${d.zeitausgleichHint}` : '';
    lines.push(`  "${d.name}" (${d.category}, id ${d.typeId}${d.externalId ? `, external id ${d.externalId}` : ''}), ${entries}${hint}`);
    const za = `    Zeitausgleich (books 0 hours): timr-sync config ${tenantId} ${d.zeitausgleichSettings.map((s) => `--set ${shellWord(s)}`).join(' ')}`;
    const ignore = `    not transferred (ignore):      timr-sync config ${tenantId} --set ${shellWord(d.ignoreSetting)}`;
    // The likelier decision first.
    lines.push(...(d.zeitausgleichHint ? [za, ignore] : [ignore, za]));
  }
  return lines;
}

/** The status section: counts by fate, where they come from, and the decisions. */
export function renderWindowSection(tenantId: string, window: WindowView | null | undefined): string[] {
  if (!window) return ['', 'Entries in the look-back window', '  not read yet (after the first check)'];
  const lines = ['', `Entries in the look-back window (${totalEntries(window.fates)}, as of ${windowSource(window)})`];
  if (window.fates.groups.length === 0) lines.push('  none');
  else lines.push(...renderFateCounts(window.fates), `  → the entries behind each count: timr-sync report ${tenantId}`);
  lines.push(...renderChanges(window));
  lines.push(...renderDecisions(tenantId, window.decisions));
  return lines;
}

/**
 * Between full passes the checks read only what timr changed: the counts above are as of the
 * view, these are the changed entries' fates since (an entry changed twice counts twice).
 */
function renderChanges(window: WindowView, detailed = false): string[] {
  if (!window.changes) return [];
  const head = `Changed in timr since then (${plural(totalEntries(window.changes.fates), 'change')}, checks until ${window.changes.at}; the next full pass counts them above)`;
  return ['', head, ...(detailed ? renderFateGroups(window.changes.fates) : renderFateCounts(window.changes.fates))];
}

/** `timr-sync report <tenant>`: the current window, entry by entry (up to the samples). */
export function renderWindowReport(tenantId: string, window: WindowView): string[] {
  const lines = [`tenant ${tenantId}: ${plural(totalEntries(window.fates), 'entry', 'entries')} in the look-back window, as of ${windowSource(window)}`];
  lines.push(...renderFateGroups(window.fates));
  lines.push(...renderChanges(window, true));
  lines.push(...renderDecisions(tenantId, window.decisions));
  if (window.source === 'run') lines.push('', `every entry of that run: timr-sync report ${tenantId} --run ${window.runNumber} --json`);
  return lines;
}

/** `timr-sync report <tenant> --run N`: what the run did and what became of the window's entries. */
export function renderRunReport(tenantId: string, runNumber: number, report: SyncRunReport): string[] {
  const lines = [`run #${runNumber} of tenant ${tenantId} (${report.runId}): ${report.outcome}`, `  ${formatCounts(report.counts)}`];
  if (report.authFailure) lines.push(`  credentials rejected: ${report.authFailure}`);
  if (report.fates) lines.push(...renderFateGroups(report.fates));
  else lines.push('', '  this run was made by an older version, whose report has no fates; its entries: --json');
  const unresolved = report.unresolved ?? [];
  if (unresolved.length) {
    lines.push('', `Writes of unknown outcome (${unresolved.length}), resolved against timr and Personio by the next run`);
    lines.push(...renderTable(['ENTRY', 'RUN', 'WHY'], unresolved.map((w) => [w.entryId, w.run, w.reason]), '  '));
  }
  lines.push(...renderDecisions(tenantId, report.decisions ?? []));
  return lines;
}
