/**
 * Which tenants a lifecycle command acts on: one `<tenantId>`, `--all` running tenants, or the
 * running tenants a Temporal visibility query selects (e.g. `SyncStatus="auth-failed"`). Bulk
 * runs report one line per tenant and a summary; any failure makes the exit code 1.
 */
import type { Client } from '@temporalio/client';
import { TENANT_ID } from '../../domain/search-attributes.js';
import { printLines } from './cli-io.js';
import type { CommandContext } from './command.js';
import { CliError, UsageError } from './errors.js';
import { describeFailure } from './describe-failure.js';

export interface SelectionOptions {
  all?: true;
  query?: string;
}

export const SELECTION_HELP = {
  tenantId: 'the tenant, e.g. acme-gmbh (or select several with --all / --query)',
  all: 'every running tenant',
  query: 'the running tenants this Temporal visibility query selects, e.g. \'SyncStatus="auth-failed"\'',
};

/** The visibility query a selection stands for; running tenant workflows only. */
export function selectionQuery(opts: SelectionOptions): string {
  const base = `WorkflowType = 'tenantSyncWorkflow' AND ExecutionStatus = 'Running'`;
  return opts.query !== undefined ? `${base} AND (${opts.query})` : base;
}

export async function selectTenants(client: Client, opts: SelectionOptions): Promise<string[]> {
  const query = selectionQuery(opts);
  const ids: string[] = [];
  try {
    for await (const wf of client.workflow.list({ query })) ids.push(wf.typedSearchAttributes.get(TENANT_ID) ?? wf.workflowId.replace(/^tenant\//, ''));
  } catch (err) {
    throw badQueryError(err, opts.query);
  }
  return ids.sort();
}

/** A refused --query as one line with an example; any other error as it is. */
export function badQueryError(err: unknown, query: string | undefined): unknown {
  // INVALID_ARGUMENT (3): the server could not parse the query or does not know an attribute in it.
  if (query !== undefined && grpcCodes(err).includes(3)) {
    return new CliError(`--query ${JSON.stringify(query)} is not a visibility query this server accepts: ${(err as Error).message}. Example: --query 'SyncStatus="auth-failed"'`);
  }
  return err;
}

function grpcCodes(err: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) codes.push((e as { code?: unknown }).code);
  return codes;
}

export interface TenantOutcome {
  tenantId: string;
  /** changed: done; unchanged: it already was so; failed: refused or not reachable. */
  result: 'changed' | 'unchanged' | 'failed';
  message: string;
  status?: string;
}

/**
 * Runs `act` for the selected tenants. One tenant: its line, and a refusal is the command's
 * error. Several: a line each (a refusal is that tenant's line, the others still run) and a
 * summary. Returns the exit code: 1 if any tenant failed.
 */
export async function forSelectedTenants(
  ctx: CommandContext,
  verb: string,
  tenantId: string | undefined,
  opts: SelectionOptions & { json?: true },
  act: (tenantId: string) => Promise<TenantOutcome>,
): Promise<number> {
  const given = [tenantId !== undefined, opts.all === true, opts.query !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError(`say which tenants to ${verb}: a <tenantId>, --all, or --query '<visibility query>'`);
  if (tenantId !== undefined) {
    const outcome = await act(tenantId);
    if (opts.json) printLines(ctx.io.stdout, JSON.stringify(outcome, null, 2));
    else printLines(ctx.io.stdout, outcome.message);
    return outcome.result === 'failed' ? 1 : 0;
  }
  const tenants = await selectTenants(await ctx.client(), opts);
  const outcomes: TenantOutcome[] = [];
  for (const id of tenants) {
    let outcome: TenantOutcome;
    try {
      outcome = await act(id);
    } catch (err) {
      outcome = { tenantId: id, result: 'failed', message: describeFailure(err).message };
    }
    outcomes.push(outcome);
    if (!opts.json) printLines(ctx.io.stdout, `${id}: ${outcome.result === 'failed' ? 'FAILED: ' : ''}${outcome.message}`);
  }
  const count = (r: TenantOutcome['result']) => outcomes.filter((o) => o.result === r).length;
  const summary = { selected: outcomes.length, changed: count('changed'), unchanged: count('unchanged'), failed: count('failed') };
  const what = opts.query !== undefined ? `matching ${opts.query}` : 'running';
  if (opts.json) {
    printLines(ctx.io.stdout, JSON.stringify({ query: selectionQuery(opts), ...summary, tenants: outcomes }, null, 2));
  } else if (outcomes.length === 0) {
    printLines(ctx.io.stdout, `no tenants ${what}; nothing to ${verb}`);
  } else {
    printLines(ctx.io.stdout, `${verb}: ${summary.selected} tenant${summary.selected === 1 ? '' : 's'} ${what}: ${summary.changed} done, ${summary.unchanged} already so, ${summary.failed} failed`);
  }
  return summary.failed > 0 ? 1 : 0;
}
