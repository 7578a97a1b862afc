import { listTenants, tenantStatus } from '../../control/tenants.js';
import { renderTenantList, type TenantRow } from '../format/tenant-list.js';
import { ANSWER_TIMEOUT_ENV, answerTimeoutMs } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { JSON_OPTION_HELP, type CommandContext, type CommandModule } from './command.js';
import { badQueryError, SELECTION_HELP } from './tenant-selection.js';

/** Status queries in flight at once: enough to be quick, few enough for the workers. */
const PARALLEL_QUERIES = 8;

/**
 * Last run, next sync and quarantine count of each running tenant, from its status query. All
 * queries share one deadline (the answer timeout): a tenant no worker answers for (its workers
 * down, a forgotten task queue) waits until then, so one must not hold up the list once per tenant.
 */
async function withLiveColumns(ctx: CommandContext, rows: Awaited<ReturnType<typeof listTenants>>): Promise<TenantRow[]> {
  const out: TenantRow[] = rows.map((r) => ({ ...r }));
  const running = out.filter((r) => r.status === 'RUNNING');
  const timeoutMs = answerTimeoutMs(ctx.io.env);
  const deadline = Date.now() + timeoutMs;
  const client = await ctx.client();
  let next = 0;
  const lane = async () => {
    for (let row = running[next++]; row; row = running[next++]) {
      if (Date.now() >= deadline) {
        row.unanswered = `not asked: no time left of the ${timeoutMs / 1000} s answer timeout (${ANSWER_TIMEOUT_ENV})`;
        continue;
      }
      try {
        const view = await client.withDeadline(deadline, () => tenantStatus(client, row.tenantId));
        const last = view.recentRuns[0];
        row.lastRun = last ? { runNumber: last.runNumber, workflowId: last.workflowId, outcome: last.outcome, finishedAt: last.finishedAt } : null;
        row.nextSyncAt = view.nextSyncAt;
        row.quarantined = view.quarantineCount ?? view.quarantined.length;
      } catch (err) {
        row.unanswered = err instanceof Error ? err.message.split('\n')[0] : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_QUERIES, running.length) }, lane));
  return out;
}

export const tenantsCommand: CommandModule = {
  name: 'tenants',
  register(program, ctx) {
    program
      .command('tenants')
      .summary('list tenant workflows: sync status, last run, next sync, quarantined entries')
      .description(
        `Lists the tenant workflows (tenant/<id>) known to the namespace, newest first, with each
running tenant's last run, next sync and number of quarantined entries (asked from the
workflows, so a worker must be running; "?" where none answered).

The sync status comes from the SyncStatus search attribute, which the server indexes with a
short delay; use "timr-sync status <tenantId>" for one tenant's whole live state.`,
      )
      .option('--all', 'include closed workflows (stopped, terminated, failed)')
      .option('--query <query>', SELECTION_HELP.query.replace('the running tenants', 'only the tenants'))
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (opts) => {
          const includeClosed = opts.all === true;
          let listed: Awaited<ReturnType<typeof listTenants>>;
          try {
            listed = await listTenants(await ctx.client(), { includeClosed, ...(opts.query !== undefined && { query: opts.query }) });
          } catch (err) {
            throw badQueryError(err, opts.query);
          }
          const rows = await withLiveColumns(ctx, listed);
          printLines(ctx.io.stdout, opts.json ? JSON.stringify(rows, null, 2) : renderTenantList(rows, { includeClosed, now: ctx.now() }));
          return 0;
        }),
      );
  },
};
