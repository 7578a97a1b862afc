import { retryQuarantined } from '../../control/tenants.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import { collect, JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';

export const retryCommand: CommandModule = {
  name: 'retry',
  register(program, ctx) {
    program
      .command('retry')
      .summary('release quarantined entries (all or some) and start a sync cycle')
      .description(
        `Releases quarantined entries so the next cycle tries them again, and starts that cycle now.
Without --entry every quarantined entry is released. With no entries in quarantine it simply
starts a cycle, which also retries entries of failed runs (they stay changeable in timr).`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--entry <id>', 'a timr working-time id from "timr-sync status"; repeat for several', collect)
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (tenantId, values) => {
          const entries = values.entry ?? [];
          const { released } = await answerQuickly(ctx, (client) => retryQuarantined(client, tenantId, entries.length > 0 ? entries : undefined));
          if (values.json) {
            printLines(ctx.io.stdout, JSON.stringify({ tenantId, released }, null, 2));
            return 0;
          }
          const what = released === 1 ? '1 quarantined entry' : `${released} quarantined entries`;
          printLines(ctx.io.stdout, `released ${what} of tenant ${tenantId}; a sync cycle starts now (follow it with: timr-sync status ${tenantId})`);
          return 0;
        }),
      );
  },
};
