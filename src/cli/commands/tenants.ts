import { listTenants } from '../../control/tenants.js';
import { renderTenantList } from '../format/tenant-list.js';
import { printLines } from './cli-io.js';
import type { Command } from './command.js';
import { expectPositionals, parseCommandArgs } from './parse-command-args.js';

export const tenantsCommand: Command = {
  name: 'tenants',
  summary: 'list tenant workflows and their sync status',
  usage: `Usage: timr-sync tenants [--all] [--json]

Lists the tenant workflows (tenant/<id>) known to the namespace, newest first.
  --all    include closed workflows (stopped, terminated, failed)
  --json   print the rows as JSON

The sync status comes from the SyncStatus search attribute, which the server indexes with a
short delay; use "timr-sync status <tenantId>" for the live state.`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    expectPositionals(positionals, []);
    const includeClosed = values.all === true;
    const rows = await listTenants(await ctx.client(), { includeClosed });
    printLines(ctx.io.stdout, values.json ? JSON.stringify(rows, null, 2) : renderTenantList(rows, { includeClosed }));
    return 0;
  },
};
