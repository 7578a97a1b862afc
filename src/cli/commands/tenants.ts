import { listTenants, tenantStatus } from '../../control/tenants.js';
import { renderTenantList, type TenantRow } from '../format/tenant-list.js';
import { answerQuickly } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { JSON_OPTION_HELP, type CommandContext, type CommandModule } from './command.js';

/** Status queries in flight at once: enough to be quick, few enough for the workers. */
const PARALLEL_QUERIES = 8;

/** Last run, next sync and quarantine count of each running tenant, from its status query. */
async function withLiveColumns(ctx: CommandContext, rows: Awaited<ReturnType<typeof listTenants>>): Promise<TenantRow[]> {
  const out: TenantRow[] = rows.map((r) => ({ ...r }));
  const running = out.filter((r) => r.status === 'RUNNING');
  let next = 0;
  const lane = async () => {
    for (let row = running[next++]; row; row = running[next++]) {
      try {
        const view = await answerQuickly(ctx, (client) => tenantStatus(client, row.tenantId));
        const last = view.recentRuns[0];
        row.lastRun = last ? { runNumber: last.runNumber, outcome: last.outcome, finishedAt: last.finishedAt } : null;
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
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (opts) => {
          const includeClosed = opts.all === true;
          const rows = await withLiveColumns(ctx, await listTenants(await ctx.client(), { includeClosed }));
          printLines(ctx.io.stdout, opts.json ? JSON.stringify(rows, null, 2) : renderTenantList(rows, { includeClosed, now: ctx.now() }));
          return 0;
        }),
      );
  },
};
