/**
 * `timr-sync report`: the entries behind the counts `status` shows. The current window comes
 * from the tenant workflow's state (the latest run's or check's view); a run's report from that
 * run workflow's own result in Temporal — nothing is kept beside either.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import { lookUpRun, tenantStatus } from '../../control/tenants.js';
import { renderRunReport, renderWindowReport } from '../format/fates.js';
import { answerQuickly } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { InvalidArgumentError, tenantIdArgument, type CommandModule } from './command.js';
import { CliError } from './errors.js';

function runNumberFrom(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new InvalidArgumentError(`--run takes a run number (1, 2, …; see "Recent runs" in timr-sync status), not "${text}"`);
  return Number(text);
}

export const reportCommand: CommandModule = {
  name: 'report',
  register(program, ctx) {
    program
      .command('report')
      .summary('list what became of every entry in the look-back window (or in one run), by fate')
      .description(
        `What became of every timr entry in the tenant's look-back window, by fate — transferred,
updated, waiting (unfinished or unapproved), quarantined, held, not an attendance (type and
category), ignored by configuration, empty (zero minutes), unresolved … — with the reason and
the entries behind each count (up to 20 per reason), and the working-time types that need a
decision, with the commands that make it.
Without --run: the current window, as the latest run or check saw it (asked from the workflow).`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option(
        '--run <n>',
        "what run n did, from that run workflow's result in Temporal (decrypted with the codec key); a run still in flight shows its ledger",
        runNumberFrom,
      )
      .option('--json', "print the raw view (with --run: the run's whole report, every entry included)")
      .action(
        ctx.run(async (tenantId, values) => {
          const runNumber = values.run;
          const out = (lines: string | string[]) => printLines(ctx.io.stdout, lines);

          if (runNumber === undefined) {
            const view = await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
            if (values.json) {
              out(JSON.stringify({ tenantId, window: view.window ?? null }, null, 2));
              return 0;
            }
            if (!view.window) throw new CliError(`tenant ${tenantId} has not read its window yet (it does at its first check); try again after: timr-sync sync-now ${tenantId}`);
            out(renderWindowReport(tenantId, view.window));
            return 0;
          }

          let run: Awaited<ReturnType<typeof lookUpRun>>;
          try {
            run = await answerQuickly(ctx, (client) => lookUpRun(client, tenantId, runNumber));
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) {
              throw new CliError(
                `tenant ${tenantId} has no run ${runNumber} (tenant/${tenantId}/run/${runNumber}): it never started, or it is older than the namespace's retention. Recent runs: timr-sync status ${tenantId}`,
              );
            }
            throw err;
          }
          if (values.json) {
            out(JSON.stringify(run.state === 'completed' ? { runNumber, ...run.report } : { tenantId, runNumber, ...run }, null, 2));
            return 0;
          }
          switch (run.state) {
            case 'completed':
              out(renderRunReport(tenantId, runNumber, run.report));
              return 0;
            case 'running': {
              const states = new Map<string, number>();
              for (const l of run.ledger) states.set(l.state.name, (states.get(l.state.name) ?? 0) + 1);
              const parts = [...states].map(([name, n]) => `${n} ${name}`);
              out([`run #${runNumber} of tenant ${tenantId} (${run.workflowId}) is still running: ${parts.join(', ') || 'planning'}`, 'its report is here once it has finished']);
              return 0;
            }
            case 'closed':
              out(`run #${runNumber} of tenant ${tenantId} (${run.workflowId}) ended ${run.status.toLowerCase()} without a report: ${run.message}`);
              return 1;
          }
        }),
      );
  },
};
