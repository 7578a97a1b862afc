/**
 * `timr-sync backfill <tenant> --from DATE [--to DATE] [--dry-run]`: entries of days beyond the
 * look-back window, transferred by backfill runs in the tenant's loop (chunked, exactly once
 * like every run), with progress until done; --dry-run says what it would do and writes nothing.
 */
import type { BackfillPreview } from '../../activities/contracts.js';
import { previewBackfill, startBackfill, tenantStatus, waitForBackfill } from '../../control/tenants.js';
import { describeFateCounts, fateCounts, totalEntries } from '../../domain/entry-fates.js';
import { backfillLine } from '../../workflows/tenant-manager.js';
import type { BackfillState } from '../../workflows/types.js';
import { answerQuickly } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { InvalidArgumentError, JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';
import { CliError, UsageError } from './errors.js';

function calendarDate(option: string): (value: string) => string {
  return (value) => {
    const ms = Date.parse(`${value}T00:00:00Z`);
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(value);
    if (!ok) throw new InvalidArgumentError(`${option} takes a date YYYY-MM-DD, e.g. 2026-01-01`);
    return value;
  };
}

export function renderPreview(tenantId: string, p: BackfillPreview): string[] {
  const lines = [
    `backfill of ${tenantId} ${p.range.from} to ${p.range.to} would transfer ${p.wouldTransfer} entr${p.wouldTransfer === 1 ? 'y' : 'ies'}` +
      `${p.wouldUpdate ? `, update ${p.wouldUpdate}` : ''}${p.wouldRelock ? `, relock ${p.wouldRelock}` : ''} and quarantine ${p.quarantined}, in ${p.runs} run(s); nothing was written`,
  ];
  // The planned and the quarantined entries are not among the plan's fates: say only what the rest became.
  if (totalEntries(p.fates) > 0) lines.push(`  the other entries of those days: ${describeFateCounts(fateCounts(p.fates))}`);
  if (p.sample.length) lines.push(`  e.g. ${p.sample.slice(0, 5).map((s) => `${s.employee} ${s.date}`).join(', ')}${p.wouldTransfer > 5 ? ' …' : ''}`);
  if (p.quarantineSample.length) {
    lines.push('  would be quarantined:');
    for (const q of p.quarantineSample) lines.push(`    ${q.employee} ${q.date} (${q.entryId}): ${q.reason}`);
    if (p.quarantined > p.quarantineSample.length) lines.push(`    … and ${p.quarantined - p.quarantineSample.length} more`);
  }
  return lines;
}

export const backfillCommand: CommandModule = {
  name: 'backfill',
  register(program, ctx) {
    program
      .command('backfill')
      .summary('transfer entries of days beyond the look-back window (chunked, with progress)')
      .description(
        `Transfers the entries of the given days (inclusive; timr's day of an entry's start) that are
not in Personio yet, in runs of chunkSize entries in the tenant's workflow, between its regular
runs and with the same exactly-once rules. Shows progress (done/total) until it finishes; Ctrl+C
only stops watching (the backfill goes on; timr-sync status shows it). Entries already
transferred are left as they are, so a backfill run twice writes nothing the second time.
--dry-run: what it would transfer and quarantine (with reasons), nothing written.
Exit code 0 when done, 1 when it stopped making progress (see the reason).`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD', calendarDate('--from'))
      .option('--to <date>', 'last day, YYYY-MM-DD (default: today)', calendarDate('--to'))
      .option('--dry-run', 'say what it would do; write nothing')
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (tenantId, opts) => {
          const range = { from: opts.from, to: opts.to ?? ctx.now().toISOString().slice(0, 10) };
          if (range.from > range.to) throw new UsageError(`--from ${range.from} is after --to ${range.to}`);
          await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
          const client = await ctx.client();
          if (opts.dryRun) {
            const preview = await previewBackfill(client, tenantId, range);
            printLines(ctx.io.stdout, opts.json ? JSON.stringify(preview, null, 2) : renderPreview(tenantId, preview));
            return 0;
          }
          const started = await startBackfill(client, tenantId, range);
          if (!started.backfill) throw new CliError(`tenant ${tenantId} accepted the backfill but shows none; see timr-sync status ${tenantId}`);
          if (started.noChange && !opts.json) printLines(ctx.io.stderr, `${started.noChange}: watching it`);
          const final: BackfillState = await waitForBackfill(client, tenantId, started.backfill.number, (b) => {
            if (!opts.json) printLines(ctx.io.stderr, backfillLine(b));
          });
          printLines(ctx.io.stdout, opts.json ? JSON.stringify(final, null, 2) : backfillLine(final));
          if (!opts.json && final.quarantined) printLines(ctx.io.stdout, `quarantined entries with their reasons: timr-sync backfill ${tenantId} --from ${range.from} --to ${range.to} --dry-run`);
          return final.status === 'done' ? 0 : 1;
        }),
      );
  },
};
