/**
 * What `provision` and `onboard` share: reading the source, running the provision workflow with
 * progress on stderr, and the final report (text or one JSON object on stdout).
 */
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { followProvision, pagesOf, sendPages, startProvision } from '../../control/provision.js';
import { tenantStatus } from '../../control/tenants.js';
import type { MatchingStrategy } from '../../domain/tenant-config.js';
import type { ProvisionProgress, ProvisionSource } from '../../workflows/provision.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { printLines } from '../commands/cli-io.js';
import type { CommandContext } from '../commands/command.js';
import { CliError, UsageError } from '../commands/errors.js';
import { progressLine, renderProvisionReport } from '../format/provision-report.js';
import { parseColumnsOption, readPersonioExport, type ExportRead } from './personio-export.js';

export type SourceChoice = { kind: 'personio'; includeInactive: boolean } | { kind: 'file'; path: string; includeInactive: boolean; columns?: string[] };

/** The running tenant's view, or undefined when it has no running workflow. */
export async function runningTenant(client: Client, tenantId: string, timeoutMs: number): Promise<TenantStatusView | undefined> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => tenantStatus(client, tenantId));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** Reads the export file and says on stderr what it found (format, delimiter, skipped rows). */
export async function readSourceFile(ctx: CommandContext, choice: Extract<SourceChoice, { kind: 'file' }>, strategy: MatchingStrategy): Promise<ExportRead> {
  const read = await readPersonioExport(choice.path, { strategy, columns: parseColumnsOption(choice.columns), includeInactive: choice.includeInactive });
  const notes = [
    `${read.file}: ${read.format.toUpperCase()}${read.delimiter ? ` ("${read.delimiter}"-separated)` : ''}, ${read.rows.length} employee rows`,
    ...(read.inactiveSkipped > 0 ? [`${read.inactiveSkipped} inactive rows left out (--include-inactive takes them)`] : []),
    ...read.ignoredDuplicates.map((d) => `column ${d}`),
  ];
  printLines(ctx.io.stderr, notes);
  return read;
}

export interface ProvisionRunRequest {
  tenantId: string;
  credentialsRef: string;
  strategy: MatchingStrategy;
  dryRun: boolean;
  taskQueue: string;
  source: { kind: 'personio'; includeInactive: boolean } | { kind: 'file'; read: ExportRead };
}

/** Runs the provision workflow to its end, printing progress on stderr. */
export async function runProvisionWorkflow(ctx: CommandContext, req: ProvisionRunRequest): Promise<ProvisionProgress> {
  const client = await ctx.client();
  const pages = req.source.kind === 'file' ? pagesOf(req.source.read.rows) : [];
  const source: ProvisionSource =
    req.source.kind === 'personio' ? req.source : { kind: 'file', name: req.source.read.file, rows: req.source.read.rows.length, pages: pages.length };
  const handle = await startProvision(client, { tenantId: req.tenantId, credentialsRef: req.credentialsRef, strategy: req.strategy, dryRun: req.dryRun, source }, { taskQueue: req.taskQueue });
  printLines(ctx.io.stderr, `${req.dryRun ? 'dry run ' : ''}${handle.workflowId}: ${req.dryRun ? 'planning' : 'provisioning'} timr users of tenant ${req.tenantId} (follow it in the Temporal UI)`);
  const show = (p: ProvisionProgress) => printLines(ctx.io.stderr, progressLine(p.report.counts, req.dryRun, p.pagesDone, p.pages));
  try {
    if (req.source.kind === 'file') {
      // Each page's answer is its progress; the result follows the last page.
      await sendPages(handle, pages, show);
      return await handle.result();
    }
    return await followProvision(handle, show);
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    // The deepest cause is the vendor's or the secret store's own words (they name the tenant).
    let cause: unknown = err;
    while ((cause as { cause?: unknown }).cause) cause = (cause as { cause?: unknown }).cause;
    throw new CliError(`${handle.workflowId} failed: ${(cause as Error).message} Users created before it are kept; run provision again once fixed (it is safe to repeat).`);
  }
}

export function printProvisionResult(ctx: CommandContext, result: ProvisionProgress, json: boolean): void {
  if (json) {
    printLines(ctx.io.stdout, JSON.stringify(result));
    return;
  }
  const heading = `tenant ${result.tenantId}: ${result.dryRun ? 'dry run of provisioning' : 'provisioned'} timr users from ${result.source} — ${result.workflowId}`;
  printLines(ctx.io.stdout, renderProvisionReport(result.report, { dryRun: result.dryRun, heading, ...(result.incomplete !== undefined && { incomplete: result.incomplete }) }));
}

/** Exit code of a finished run: 1 when it could not see every row. */
export function provisionExitCode(result: ProvisionProgress): number {
  return result.incomplete ? 1 : 0;
}

export function sourceFromFlags(values: { 'from-personio'?: boolean; file?: string; 'include-inactive'?: boolean; columns?: string[] }, names: { personio: string; file: string }): SourceChoice {
  if (values['from-personio'] && values.file !== undefined) throw new UsageError(`give either ${names.personio} or ${names.file} <export.csv|export.xlsx>, not both`);
  if (values['from-personio']) {
    if (values.columns) throw new UsageError(`--columns maps the headers of an export file; it does nothing with ${names.personio}`);
    return { kind: 'personio', includeInactive: Boolean(values['include-inactive']) };
  }
  if (values.file !== undefined) return { kind: 'file', path: values.file, includeInactive: Boolean(values['include-inactive']), ...(values.columns && { columns: values.columns }) };
  throw new UsageError(`say where the employees come from: ${names.personio} (the tenant's Personio persons) or ${names.file} <export.csv|export.xlsx>`);
}
