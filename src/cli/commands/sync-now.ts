import { syncTenantNow, tenantStatus } from '../../control/tenants.js';
import { startElapsedTicker } from '../format/elapsed-ticker.js';
import { formatSeconds } from '../format/durations.js';
import { renderRunSummary } from '../format/run-summary.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import { tenantIdArgument, type CommandModule } from './command.js';

export const syncNowCommand: CommandModule = {
  name: 'sync-now',
  register(program, ctx) {
    program
      .command('sync-now')
      .summary('run a sync cycle now and wait for its result')
      .description(
        `Runs a sync cycle now (or joins the one starting) and waits for it. Prints the run summary,
or "nothing to do" when timr has no new, changed or deleted entries.
Exit code 0 when the run succeeded or was partial (see status for quarantined entries),
1 when it failed or the credentials were rejected.
Interrupting the wait (Ctrl+C) does not cancel the cycle.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--json', 'print the raw run summary (null when there was nothing to do)')
      .action(
        ctx.run(async (tenantId, values) => {
          // Fails fast when no worker answers; the update itself may wait as long as the cycle takes.
          await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
          const client = await ctx.client();
          const ticker = startElapsedTicker(ctx.io.stderr, `syncing tenant ${tenantId}…`);
          let summary: Awaited<ReturnType<typeof syncTenantNow>>;
          try {
            summary = await syncTenantNow(client, tenantId);
          } finally {
            ticker.stop();
          }
          if (values.json) {
            printLines(ctx.io.stdout, JSON.stringify(summary, null, 2));
          } else if (summary === null) {
            printLines(ctx.io.stdout, `nothing to do: timr has no new, changed or deleted entries for tenant ${tenantId}`);
          } else {
            printLines(ctx.io.stdout, renderRunSummary(summary));
            if (summary.outcome !== 'succeeded') printLines(ctx.io.stdout, `details: timr-sync status ${tenantId}`);
            if (summary.runNumber > 0) printLines(ctx.io.stdout, `every entry and its fate: timr-sync report ${tenantId} --run ${summary.runNumber}`);
          }
          if (!values.json) printLines(ctx.io.stderr, `done after ${formatSeconds(ticker.stop())}`);
          return summary && (summary.outcome === 'failed' || summary.outcome === 'auth-failed') ? 1 : 0;
        }),
      );
  },
};
