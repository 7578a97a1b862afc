import { checkMatchingOverrides, CredentialsRefRequired, startTenant } from '../../control/tenants.js';
import { TenantSettings, type TenantSettingsInput } from '../../domain/tenant-settings.js';
import { answerQuickly } from './answer-deadline.js';
import { TASK_QUEUE, tenantWorkflowId } from '../../workflows/ids.js';
import { printLines } from './cli-io.js';
import { JSON_OPTION_HELP, tenantIdArgument, type CommandModule } from './command.js';
import { parseDurationSeconds } from './duration.js';
import { CliError } from './errors.js';
import { readJsonObjectFile } from './read-json-file.js';
import { deepMerge, durationsInSeconds, setPath, type PlainObject } from './settings-assignments.js';
import { checkKnownSettingKeys, invalidSettingsError } from './settings-problems.js';

/**
 * File settings first, then the command-line options on top; validated as a whole. Returns the
 * parsed settings and what was given (without defaults), which is what a restarted tenant
 * applies over its previous settings.
 */
export async function buildStartSettings(
  tenantId: string,
  values: { 'credentials-ref'?: string; interval?: string; timezone?: string; config?: string },
): Promise<{ settings: TenantSettings; given: PlainObject }> {
  const fix = 'Fix the option or the settings file and run start again.';
  let candidate: PlainObject = {};
  if (values.config !== undefined) {
    candidate = durationsInSeconds(await readJsonObjectFile(values.config, '--config'), `--config ${values.config}`);
    if (candidate.tenantId !== undefined && candidate.tenantId !== tenantId) {
      throw new CliError(`--config ${values.config} is for tenant ${JSON.stringify(candidate.tenantId)}, not "${tenantId}"; remove tenantId from the file or start that tenant instead`);
    }
  }
  candidate = deepMerge(candidate, { tenantId });
  if (values['credentials-ref'] !== undefined) candidate = setPath(candidate, ['credentialsRef'], values['credentials-ref']);
  if (values.interval !== undefined) candidate = setPath(candidate, ['intervalSeconds'], parseDurationSeconds(values.interval, '--interval'));
  if (values.timezone !== undefined) candidate = setPath(candidate, ['sync', 'timezone'], values.timezone);
  checkKnownSettingKeys(tenantId, candidate, fix);
  // Without a reference (a restart keeps the previous one) the rest is still checked before connecting.
  const parsed = TenantSettings.safeParse(candidate.credentialsRef === undefined ? { ...candidate, credentialsRef: 'unset' } : candidate);
  if (!parsed.success) throw invalidSettingsError(tenantId, parsed.error.issues, fix);
  return { settings: parsed.data, given: candidate };
}

export const startCommand: CommandModule = {
  name: 'start',
  register(program, ctx) {
    program
      .command('start')
      .summary("start a tenant's sync workflow")
      .description(
        `Starts the tenant's sync workflow (tenant/<tenantId>). The first sync runs right away.
If the workflow already runs, nothing is changed (use "timr-sync config" for that).
A tenant started again after "timr-sync stop" is the same tenant: it keeps its settings (the
options given here change only what they name), its quarantine, its run numbering and its
writes of unknown outcome.

Matching overrides in the settings are checked against Personio first (through a worker of the
task queue): one naming a Personio person that does not exist refuses the start.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option(
        '--credentials-ref <ref>',
        "name of the tenant's credentials in the secret store (store them with: timr-sync secrets set <ref> ..., or onboard the tenant instead: timr-sync onboard <tenantId>)",
      )
      .option('--interval <duration>', 'time between syncs: 900, 900s, 15m, 1h (default 15m)')
      .option('--timezone <zone>', 'IANA time zone of the employees (default Europe/Vienna)')
      .option(
        '--config <settings.json>',
        `further settings as JSON; options given here win over the file, e.g.
{"lookbackDays": 31, "sync": {"matching": {"strategy": "employee_number"}}}`,
      )
      .option('--task-queue <name>', `task queue of the workers (default ${TASK_QUEUE})`)
      .option(
        '--reset-settings',
        'start again from the given settings and the defaults instead of the previous ones (its sync state still carries over)',
      )
      .option('--json', JSON_OPTION_HELP)
      .action(
        ctx.run(async (tenantId, values) => {
          // Validated before connecting: a typo should not need a server to be reported.
          const { settings: parsed, given } = await buildStartSettings(tenantId, { ...values, ...(values.credentialsRef !== undefined && { 'credentials-ref': values.credentialsRef }) });
          const taskQueue = values.taskQueue ?? TASK_QUEUE;
          const refGiven = given.credentialsRef !== undefined;
          if (!refGiven && Object.keys(parsed.sync.matching.overrides).length > 0) {
            throw new CliError(`tenant "${tenantId}": --credentials-ref is required with matching overrides (they are checked against Personio with those credentials)`);
          }
          let settings: TenantSettings | undefined = refGiven ? parsed : undefined;
          // Overrides given here are checked against Personio before anything starts (a worker of the queue reads it).
          const warnings = await answerQuickly(ctx, (client) => checkMatchingOverrides(client, parsed, parsed.sync.matching.overrides, taskQueue));
          for (const w of warnings) printLines(ctx.io.stderr, `warning: ${w.message}`);
          let result: Awaited<ReturnType<typeof startTenant>>;
          try {
            result = await startTenant(await ctx.client(), given as TenantSettingsInput, { taskQueue, ...(values.resetSettings && { resetSettings: true }) });
          } catch (err) {
            if (err instanceof CredentialsRefRequired) {
              throw new CliError(`tenant "${tenantId}": --credentials-ref is required (or "credentialsRef" in the --config file): ${err.why}; it names the tenant's entry in the secret store`);
            }
            throw err;
          }
          const { started, restored } = result;
          settings = result.settings ?? settings;
          const workflowId = tenantWorkflowId(tenantId);
          if (values.json) {
            printLines(ctx.io.stdout, JSON.stringify({ tenantId, workflowId, taskQueue, started, ...(restored && { restored }), ...(settings && { settings }) }, null, 2));
            return 0;
          }
          if (!started) {
            printLines(ctx.io.stdout, `tenant ${tenantId} is already running (${workflowId}); nothing was changed. Change settings with: timr-sync config ${tenantId} --set <path>=<value>`);
            return 0;
          }
          const how =
            restored === 'previous execution'
              ? ' with its previous settings, quarantine and run numbering'
              : restored === 'previous execution, settings reset'
                ? ' with the given settings; its quarantine and run numbering carry over'
                : restored === 'unreadable'
                  ? ' with the given settings: its previous state could not be read (is a worker running?); run ids are still never reused'
                  : '';
          printLines(ctx.io.stdout, `started tenant ${tenantId}${how}: workflow ${workflowId} on task queue ${taskQueue}; the first sync runs now (follow it with: timr-sync status ${tenantId})`);
          return 0;
        }),
      );
  },
};
