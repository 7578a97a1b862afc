/**
 * pause, resume and stop: one update each; the workflow's validators decide what is allowed.
 * Asking for the state the tenant is already in is a no-op that says so and exits 0 (kubectl
 * style), so scripts can apply a desired state; a real refusal stays exit 1.
 */
import { pauseTenant, resumeTenant, stopTenant, tenantHandle } from '../../control/tenants.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { startElapsedTicker } from '../format/elapsed-ticker.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import type { Command } from './command.js';
import { parseCommandArgs, tenantIdFrom } from './parse-command-args.js';

function describeState(view: TenantStatusView): string {
  return view.statusReason ? `${view.status} (${view.statusReason})` : view.status;
}

export const pauseCommand: Command = {
  name: 'pause',
  summary: 'pause syncing a tenant (the run in flight finishes)',
  usage: `Usage: timr-sync pause <tenantId>

Stops scheduling syncs for an active tenant. A run already in flight finishes. Nothing is
lost: entries recorded meanwhile stay changeable in timr and are transferred after resume.`,
  async run(args, ctx) {
    const tenantId = tenantIdFrom(parseCommandArgs(args, {}).positionals);
    const { view, noChange } = await answerQuickly(ctx, (client) => pauseTenant(client, tenantId));
    const state = noChange !== undefined ? `${noChange}; nothing changed` : `tenant ${tenantId} is now ${describeState(view)}`;
    printLines(ctx.io.stdout, `${state}; resume with: timr-sync resume ${tenantId}`);
    return 0;
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'resume a paused or auth-failed tenant (syncs right away)',
  usage: `Usage: timr-sync resume <tenantId>

Resumes a paused tenant, or an auth-failed one after new credentials were stored
(timr-sync secrets set <ref> ...). A sync starts right away.`,
  async run(args, ctx) {
    const tenantId = tenantIdFrom(parseCommandArgs(args, {}).positionals);
    const { view, noChange } = await answerQuickly(ctx, (client) => resumeTenant(client, tenantId));
    printLines(
      ctx.io.stdout,
      noChange !== undefined
        ? `${noChange}; nothing changed`
        : `tenant ${tenantId} is now ${describeState(view)}; a sync starts right away (follow it with: timr-sync status ${tenantId})`,
    );
    return 0;
  },
};

export const stopCommand: Command = {
  name: 'stop',
  summary: "stop a tenant's workflow (after the run in flight)",
  usage: `Usage: timr-sync stop <tenantId> [--wait]

Asks the tenant's workflow to finish: the run in flight completes (with its compensations),
then the workflow ends. Start it again with "timr-sync start".
  --wait   wait until the workflow has ended`,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, { wait: { type: 'boolean' } });
    const tenantId = tenantIdFrom(positionals);
    const { view, noChange, ended } = await answerQuickly(ctx, (client) => stopTenant(client, tenantId));
    if (noChange !== undefined) {
      printLines(ctx.io.stdout, `${noChange}; nothing changed`);
    } else if (view) {
      printLines(ctx.io.stdout, `tenant ${tenantId} is ${describeState(view)}${view.runInFlight ? `; ${view.runInFlight} finishes first` : ''}`);
    }
    if (values.wait && !ended) {
      const ticker = startElapsedTicker(ctx.io.stderr, `waiting for tenant ${tenantId} to stop…`);
      let final: TenantStatusView;
      try {
        final = await tenantHandle(await ctx.client(), tenantId).result();
      } finally {
        ticker.stop();
      }
      printLines(ctx.io.stdout, `tenant ${tenantId} ${describeState(final)}`);
    }
    return 0;
  },
};
