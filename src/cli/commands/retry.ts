/**
 * `timr-sync retry`: releases quarantined entries and waits for the cycle that judges them
 * again (the workflow's retry update with `wait`), then reports that run's counts and what is
 * still quarantined, and why. Exit 1 when the run failed or the credentials were rejected.
 */
import { retryQuarantined, tenantStatus } from '../../control/tenants.js';
import type { RunSummary, TenantStatusView } from '../../workflows/types.js';
import { startElapsedTicker } from '../format/elapsed-ticker.js';
import { formatSeconds } from '../format/durations.js';
import { renderRunSummary } from '../format/run-summary.js';
import { renderTable } from '../format/table.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import { collect, JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';

/** Quarantined entries shown after the run; all of them: timr-sync quarantine. */
const SHOWN = 10;

function failed(run: RunSummary | null | undefined, view: TenantStatusView): boolean {
  return run?.outcome === 'failed' || run?.outcome === 'auth-failed' || view.status === 'auth-failed';
}

function stillQuarantined(tenantId: string, view: TenantStatusView): string[] {
  const count = view.quarantineCount ?? view.quarantined.length;
  if (count === 0) return [`nothing of tenant ${tenantId} is quarantined any more`];
  const shown = view.quarantined.slice(0, SHOWN);
  return [
    `still quarantined: ${count} ${count === 1 ? 'entry' : 'entries'}${count > shown.length ? ` (${shown.length} shown; all: timr-sync quarantine ${tenantId})` : ''}`,
    ...renderTable(['EMPLOYEE', 'DATE', 'ENTRY', 'REASON'], shown.map((q) => [q.employee, q.date, q.entryId, q.reason]), '  '),
    `→ fix the data in timr or Personio, then: timr-sync retry ${tenantId}`,
  ];
}

export const retryCommand: CommandModule = {
  name: 'retry',
  register(program, ctx) {
    program
      .command('retry')
      .summary('release quarantined entries (all or some), run a sync cycle and report its outcome')
      .description(
        `Releases quarantined entries so a cycle judges them again, starts that cycle now and waits
for it: prints the run's counts and the entries still quarantined, with their reasons.
Without --entry every quarantined entry is released. With no entries in quarantine it simply
runs a cycle, which also retries entries of failed runs (they stay changeable in timr).
Exit code 1 when the run failed or the tenant's credentials were rejected.
Interrupting the wait (Ctrl+C) does not cancel the cycle.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--entry <id>', 'a timr working-time id from "timr-sync status"; repeat for several', collect)
      .option('--no-wait', 'release and start the cycle, but do not wait for it')
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (tenantId, values) => {
          const entries = values.entry ?? [];
          const ids = entries.length > 0 ? entries : undefined;
          const out = (lines: string | string[]) => printLines(ctx.io.stdout, lines);
          if (!values.wait) {
            const { released } = await answerQuickly(ctx, (client) => retryQuarantined(client, tenantId, ids));
            if (values.json) out(JSON.stringify({ tenantId, released }, null, 2));
            else out(`released ${released === 1 ? '1 quarantined entry' : `${released} quarantined entries`} of tenant ${tenantId}; a sync cycle starts now (follow it with: timr-sync status ${tenantId})`);
            return 0;
          }
          // Fails fast when no worker answers; the update itself waits as long as the cycle takes.
          await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
          const client = await ctx.client();
          const ticker = values.json ? undefined : startElapsedTicker(ctx.io.stderr, `retrying the quarantined entries of tenant ${tenantId}…`);
          let result: Awaited<ReturnType<typeof retryQuarantined>>;
          try {
            result = await retryQuarantined(client, tenantId, ids, { wait: true });
          } finally {
            ticker?.stop();
          }
          const view = await answerQuickly(ctx, (c) => tenantStatus(c, tenantId));
          const run = result.run;
          if (values.json) {
            out(
              JSON.stringify(
                { tenantId, released: result.released, run: run ?? null, status: view.status, quarantined: { count: view.quarantineCount ?? view.quarantined.length, sample: view.quarantined } },
                null,
                2,
              ),
            );
            return failed(run, view) ? 1 : 0;
          }
          out(`released ${result.released === 1 ? '1 quarantined entry' : `${result.released} quarantined entries`} of tenant ${tenantId}`);
          if (run === undefined) {
            // A worker from before `wait` answers at once: the cycle runs, but nobody reports it here.
            out(`the tenant's worker does not report the cycle it starts (an older version); follow it with: timr-sync status ${tenantId}`);
            return 0;
          }
          if (run === null) {
            out(
              view.status === 'active'
                ? `the cycle found nothing to do: timr has no new, changed or deleted entries for tenant ${tenantId}`
                : `no run came: tenant ${tenantId} is ${view.status}${view.statusReason ? ` (${view.statusReason})` : ''}`,
            );
          } else {
            out(renderRunSummary(run));
            if (run.runNumber > 0) out(`every entry and its fate: timr-sync report ${tenantId} --run ${run.runNumber}`);
          }
          out(stillQuarantined(tenantId, view));
          if (view.status === 'auth-failed') out(`tenant ${tenantId} is auth-failed: store new credentials (timr-sync secrets set ${view.settings.credentialsRef} …), then: timr-sync resume ${tenantId}`);
          if (ticker) printLines(ctx.io.stderr, `done after ${formatSeconds(ticker.stop())}`);
          return failed(run, view) ? 1 : 0;
        }),
      );
  },
};
