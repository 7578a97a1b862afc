import { retryQuarantined } from '../../control/tenants.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import type { Command } from './command.js';
import { parseCommandArgs, tenantIdFrom } from './parse-command-args.js';

export const retryCommand: Command = {
  name: 'retry',
  summary: 'release quarantined entries (all or some) and start a sync cycle',
  usage: `Usage: timr-sync retry <tenantId> [--entry <id> ...]

Releases quarantined entries so the next cycle tries them again, and starts that cycle now.
Without --entry every quarantined entry is released. With no entries in quarantine it simply
starts a cycle, which also retries entries of failed runs (they stay changeable in timr).
  --entry <id>   a timr working-time id from "timr-sync status"; repeat for several`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { entry: { type: 'string', multiple: true } });
    const tenantId = tenantIdFrom(positionals);
    const entries = values.entry ?? [];
    const { released } = await answerQuickly(ctx, (client) => retryQuarantined(client, tenantId, entries.length > 0 ? entries : undefined));
    const what = released === 1 ? '1 quarantined entry' : `${released} quarantined entries`;
    printLines(ctx.io.stdout, `released ${what} of tenant ${tenantId}; a sync cycle starts now (follow it with: timr-sync status ${tenantId})`);
    return 0;
  },
};
