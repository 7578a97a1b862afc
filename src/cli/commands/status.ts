import { tenantStatus } from '../../control/tenants.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { renderStatusView } from '../format/status-view.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import { durationSeconds, integerAtLeast, tenantIdArgument, type CommandContext, type CommandModule } from './command.js';

const DEFAULT_EVERY_SECONDS = 2;

/** Re-renders whenever the tenant's view changes, until Ctrl-C or `count` renders. */
async function watch(ctx: CommandContext, tenantId: string, opts: { json: boolean; everySeconds: number; count?: number }): Promise<number> {
  const tty = ctx.io.stdout.isTTY === true;
  let last: string | undefined;
  let renders = 0;
  while (!ctx.io.signal?.aborted) {
    const view: TenantStatusView = await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
    const key = JSON.stringify(view);
    if (key !== last) {
      last = key;
      renders++;
      if (opts.json) {
        // One line per change (NDJSON), so a pipe can follow it.
        printLines(ctx.io.stdout, JSON.stringify(view));
      } else {
        const now = ctx.now();
        const body = renderStatusView(view, now);
        printLines(ctx.io.stdout, tty ? ['\x1b[2J\x1b[H', ...body, '', '(watching; Ctrl-C ends)'] : [`── ${now.toISOString()} ──`, ...body]);
      }
      if (opts.count !== undefined && renders >= opts.count) return 0;
    }
    await ctx.sleep(opts.everySeconds * 1000);
  }
  return 0;
}

export const statusCommand: CommandModule = {
  name: 'status',
  register(program, ctx) {
    program
      .command('status')
      .summary("show a tenant's status, settings, recent runs, entries by fate and quarantined entries")
      .description(
        `Shows the tenant's live state (asked from the workflow, so a worker must be running):
status and why, next sync, run in flight, settings, recent runs with their counts, every entry
of the look-back window counted by fate with the reasons (the entries: timr-sync report), the
working-time types that need a decision with the commands, and the quarantined entries with
their reasons.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--json', 'print the raw status view (with --watch: one JSON line per change)')
      .option('--watch', 'keep showing it, re-rendered whenever it changes, until Ctrl-C')
      .option('--every <duration>', `with --watch: how often to ask (default ${DEFAULT_EVERY_SECONDS}s)`, durationSeconds('--every'))
      .option('--count <n>', 'with --watch: stop after this many renders', integerAtLeast(1, '--count'))
      .action(
        ctx.run(async (tenantId, opts) => {
          if (opts.watch) return watch(ctx, tenantId, { json: opts.json === true, everySeconds: opts.every ?? DEFAULT_EVERY_SECONDS, ...(opts.count !== undefined && { count: opts.count }) });
          const view = await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
          printLines(ctx.io.stdout, opts.json ? JSON.stringify(view, null, 2) : renderStatusView(view, ctx.now()));
          return 0;
        }),
      );
  },
};
