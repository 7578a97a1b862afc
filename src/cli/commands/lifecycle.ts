/**
 * pause, resume and stop: one update each; the workflow's validators decide what is allowed.
 * Asking for the state the tenant is already in is a no-op that says so and exits 0 (kubectl
 * style), so scripts can apply a desired state; a real refusal stays exit 1. Each acts on one
 * tenant, on --all running tenants, or on those a visibility query selects.
 */
import { pauseTenant, resumeTenant, stopTenant, tenantHandle } from '../../control/tenants.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { startElapsedTicker } from '../format/elapsed-ticker.js';
import { answerQuickly } from './answer-deadline.js';
import { JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';
import { forSelectedTenants, SELECTION_HELP, type TenantOutcome } from './tenant-selection.js';

function describeState(view: TenantStatusView): string {
  return view.statusReason ? `${view.status} (${view.statusReason})` : view.status;
}

export const pauseCommand: CommandModule = {
  name: 'pause',
  register(program, ctx) {
    program
      .command('pause')
      .summary('pause syncing a tenant, all of them or a selection (the run in flight finishes)')
      .description(
        `Stops scheduling syncs for an active tenant. A run already in flight finishes. Nothing is
lost: entries recorded meanwhile stay changeable in timr and are transferred after resume.`,
      )
      .argument('[tenantId]', SELECTION_HELP.tenantId, tenantIdArgument)
      .option('--all', SELECTION_HELP.all)
      .option('--query <query>', SELECTION_HELP.query)
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run((tenantId, opts) =>
          forSelectedTenants(ctx, 'pause', tenantId, opts, async (id): Promise<TenantOutcome> => {
              const { view, noChange } = await answerQuickly(ctx, (client) => pauseTenant(client, id));
              const state = noChange !== undefined ? `${noChange}; nothing changed` : `tenant ${id} is now ${describeState(view)}`;
              return { tenantId: id, result: noChange !== undefined ? 'unchanged' : 'changed', status: view.status, message: `${state}; resume with: timr-sync resume ${id}` };
            },
          ),
        ),
      );
  },
};

export const resumeCommand: CommandModule = {
  name: 'resume',
  register(program, ctx) {
    program
      .command('resume')
      .summary('resume a paused or auth-failed tenant, all of them or a selection (syncs right away)')
      .description(
        `Resumes a paused tenant, or an auth-failed one after new credentials were stored
(timr-sync secrets set <ref> ...). A sync starts right away.
After rotating credentials: timr-sync resume --query 'SyncStatus="auth-failed"'`,
      )
      .argument('[tenantId]', SELECTION_HELP.tenantId, tenantIdArgument)
      .option('--all', SELECTION_HELP.all)
      .option('--query <query>', SELECTION_HELP.query)
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run((tenantId, opts) =>
          forSelectedTenants(ctx, 'resume', tenantId, opts, async (id): Promise<TenantOutcome> => {
              const { view, noChange } = await answerQuickly(ctx, (client) => resumeTenant(client, id));
              return noChange !== undefined
                ? { tenantId: id, result: 'unchanged', status: view.status, message: `${noChange}; nothing changed` }
                : { tenantId: id, result: 'changed', status: view.status, message: `tenant ${id} is now ${describeState(view)}; a sync starts right away (follow it with: timr-sync status ${id})` };
            },
          ),
        ),
      );
  },
};

export const stopCommand: CommandModule = {
  name: 'stop',
  register(program, ctx) {
    program
      .command('stop')
      .summary("stop a tenant's workflow, all of them or a selection (after the run in flight)")
      .description(
        `Asks the tenant's workflow to finish: the run in flight completes (with its compensations),
then the workflow ends. Start it again with "timr-sync start".`,
      )
      .argument('[tenantId]', SELECTION_HELP.tenantId, tenantIdArgument)
      .option('--all', SELECTION_HELP.all)
      .option('--query <query>', SELECTION_HELP.query)
      .option('--wait', 'wait until the workflow has ended')
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run((tenantId, opts) =>
          forSelectedTenants(ctx, 'stop', tenantId, opts, async (id): Promise<TenantOutcome> => {
              const { view, noChange, ended } = await answerQuickly(ctx, (client) => stopTenant(client, id));
              let message = noChange !== undefined ? `${noChange}; nothing changed` : view ? `tenant ${id} is ${describeState(view)}${view.runInFlight ? `; ${view.runInFlight} finishes first` : ''}` : `tenant ${id} is stopping`;
              let status = view?.status;
              if (opts.wait && !ended) {
                const ticker = opts.json ? undefined : startElapsedTicker(ctx.io.stderr, `waiting for tenant ${id} to stop…`);
                try {
                  const final = await tenantHandle(await ctx.client(), id).result();
                  message = `${message}; tenant ${id} ${describeState(final)}`;
                  status = final.status;
                } finally {
                  ticker?.stop();
                }
              }
              return { tenantId: id, result: noChange !== undefined ? 'unchanged' : 'changed', ...(status && { status }), message };
            },
          ),
        ),
      );
  },
};
