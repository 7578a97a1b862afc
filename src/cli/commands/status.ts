import { tenantStatus } from '../../control/tenants.js';
import { renderStatusView } from '../format/status-view.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import type { Command } from './command.js';
import { parseCommandArgs, tenantIdFrom } from './parse-command-args.js';

export const statusCommand: Command = {
  name: 'status',
  summary: "show a tenant's status, settings, recent runs, entries by fate and quarantined entries",
  usage: `Usage: timr-sync status <tenantId> [--json]

Shows the tenant's live state (asked from the workflow, so a worker must be running):
status and why, next sync, run in flight, settings, recent runs with their counts, every entry
of the look-back window counted by fate with the reasons (the entries: timr-sync report), the
working-time types that need a decision with the commands, and the quarantined entries with
their reasons.
  --json   print the raw status view`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } });
    const tenantId = tenantIdFrom(positionals);
    const view = await answerQuickly(ctx, (client) => tenantStatus(client, tenantId));
    printLines(ctx.io.stdout, values.json ? JSON.stringify(view, null, 2) : renderStatusView(view, ctx.now()));
    return 0;
  },
};
