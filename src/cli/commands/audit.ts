/**
 * `timr-sync audit <tenant> [--repair]`: the independent audit of the tenant's vendor state, run
 * by its workflow between two runs (`tenant/<id>/audit/<n>`); with --repair, the next run writes
 * again what is missing or wrong and a second audit checks it.
 */
import type { AuditResult } from '../../activities/contracts.js';
import { auditTenant, tenantStatus } from '../../control/tenants.js';
import { describeFindings } from '../../domain/audit-findings.js';
import type { AuditOutcome } from '../../workflows/types.js';
import { startElapsedTicker } from '../format/elapsed-ticker.js';
import { renderRunSummary } from '../format/run-summary.js';
import { answerQuickly } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';

function renderAudit(a: AuditResult, title: string): string[] {
  const c = a.counts;
  const lines = [
    `${title} (from ${a.windowStart}, read ${a.at}): ${describeFindings(a)}`,
    `  ${c.entriesTransferred} of ${c.entriesEligible} eligible entries transferred, ${c.quarantined} quarantined, ${c.waiting} waiting; ${c.periodsInPersonio} Personio periods read`,
  ];
  const named: [string, readonly string[]][] = [
    ['lost (entries; a recorded period is missing)', a.samples.lost],
    ['stale (periods outside their entry, or only a deleted entry claims them)', a.samples.stale],
    ['hours mismatch (entries)', a.samples.hoursMismatch.map((h) => `${h.entryId} (${h.bookedMinutes} min booked, timr ${h.expectedMinutes})`)],
    ['duplicated (periods)', a.samples.duplicated],
    ['orphaned (periods nobody claims: not ours to touch)', a.samples.orphaned],
    ['double-claimed (periods)', a.samples.doubleClaimed],
    ['waiting (entries)', a.samples.waiting],
  ];
  for (const [what, ids] of named) if (ids.length) lines.push(`  ${what}: ${ids.join(', ')}`);
  const r = a.repair;
  if (r.entries + r.removals > 0) {
    lines.push(`  repairable: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'} to transfer again (${r.causes.lost} lost, ${r.causes.stale} stale, ${r.causes.hours} hours), ${r.removals} deleted entr${r.removals === 1 ? 'y' : 'ies'}' periods to remove`);
  }
  if (c.orphaned + c.duplicated + c.doubleClaimed > 0) lines.push(`  orphaned, duplicated and double-claimed periods carry no proof they are ours: check them in Personio (a repair leaves them)`);
  return lines;
}

function renderOutcome(tenantId: string, o: AuditOutcome, repair: boolean): string[] {
  if (!o.audit) return [`audit of ${tenantId} could not run: ${o.error ?? 'unknown reason'}`];
  const lines = renderAudit(o.audit, `audit of ${tenantId}`);
  if (!repair) {
    if (o.audit.repair.entries + o.audit.repair.removals > 0) lines.push(`→ repair: timr-sync audit ${tenantId} --repair`);
    return lines;
  }
  if (!o.repair) {
    lines.push('nothing to repair');
    return lines;
  }
  lines.push('', `repair: ${o.repair.requested} item(s) handed to the tenant's next run`);
  for (const run of o.repair.runs) lines.push(...renderRunSummary(run).map((l) => `  ${l}`));
  if (o.repair.pending) lines.push(`  ${o.repair.pending} item(s) not done yet (failed or deferred): the next runs try again; see timr-sync status ${tenantId}`);
  if (o.verify) lines.push('', ...renderAudit(o.verify, 'audit after the repair'));
  else if (o.verifyError) lines.push('', `audit after the repair could not run: ${o.verifyError}`);
  return lines;
}

export const auditCommand: CommandModule = {
  name: 'audit',
  register(program, ctx) {
    program
      .command('audit')
      .summary("audit the tenant's Personio periods against timr; --repair restores what is missing or wrong")
      .description(
        `Reads the tenant's look-back window in timr and Personio and judges it with the independent
audit (it shares no code with the sync): periods deleted or changed in Personio by hand (lost,
stale, hours mismatch), periods of deleted entries, twins, orphans, entries still waiting.
Runs in the tenant's workflow after its current cycle, never during a run (tenant/<id>/audit/<n>).
--repair: entries locked in timr whose recorded periods are missing, moved or book other hours are
transferred again by the next run, periods only a deleted entry claims are removed (exactly once,
through the run's ledger); then a second audit checks. Orphaned periods are never touched.
Exit code 0 when the (final) audit is clean, 1 when it is not or could not run.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--repair', 'repair what is missing or wrong, then audit again')
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (tenantId, opts) => {
          await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
          const client = await ctx.client();
          const ticker = startElapsedTicker(ctx.io.stderr, `auditing tenant ${tenantId}${opts.repair ? ' and repairing' : ''}…`);
          let outcome: AuditOutcome;
          try {
            outcome = await auditTenant(client, tenantId, { repair: opts.repair === true });
          } finally {
            ticker.stop();
          }
          printLines(ctx.io.stdout, opts.json ? JSON.stringify(outcome, null, 2) : renderOutcome(tenantId, outcome, opts.repair === true));
          const final = outcome.verify ?? outcome.audit;
          return final?.clean ? 0 : 1;
        }),
      );
  },
};
