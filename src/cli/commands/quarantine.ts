/**
 * `timr-sync quarantine`: every quarantined entry of a tenant's window with its reason. The
 * tenant workflow keeps a count and a bounded sample (status shows those); the whole list is
 * read from timr and Personio on demand by a worker (listQuarantined).
 */
import { listQuarantined } from '../../control/tenants.js';
import type { QuarantinedEntry } from '../../activities/contracts.js';
import { renderTable } from '../format/table.js';
import { printLines } from './cli-io.js';
import { tenantIdArgument, type CommandModule } from './command.js';

function render(tenantId: string, entries: readonly QuarantinedEntry[]): string[] {
  if (entries.length === 0) return [`tenant ${tenantId} has no quarantined entries`];
  const byReason = new Map<string, QuarantinedEntry[]>();
  for (const q of entries) byReason.set(q.reason, [...(byReason.get(q.reason) ?? []), q]);
  const lines = [`Quarantined entries of tenant ${tenantId} (${entries.length}), by reason`];
  for (const [reason, group] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    lines.push('', `  ${reason} (${group.length} ${group.length === 1 ? 'entry' : 'entries'})`);
    lines.push(...renderTable(['EMPLOYEE', 'DATE', 'ENTRY'], group.map((q) => [q.employee, q.date, q.entryId]), '    '));
  }
  lines.push('', `→ fix the data in timr or Personio (the next run picks up what is fixed), or retry held ones: timr-sync retry ${tenantId} [--entry <id> ...]`);
  return lines;
}

export const quarantineCommand: CommandModule = {
  name: 'quarantine',
  register(program, ctx) {
    program
      .command('quarantine')
      .summary("list every quarantined entry of a tenant's window with its reason")
      .description(
        `Lists every quarantined entry of the tenant's look-back window, grouped by reason. The tenant
workflow keeps only a count and a sample (timr-sync status shows those), so the list is read
from timr and Personio now, by a worker on the tenant's task queue; for a large tenant this
takes a while (one read of the window per 2,000 entries).`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--json', 'print the entries as JSON')
      .action(
        ctx.run(async (tenantId, values) => {
          const entries = await listQuarantined(await ctx.client(), tenantId);
          printLines(ctx.io.stdout, values.json ? JSON.stringify(entries, null, 2) : render(tenantId, entries));
          return 0;
        }),
      );
  },
};
