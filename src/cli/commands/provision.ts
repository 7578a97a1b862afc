/**
 * `timr-sync provision`: creates the tenant's missing timr users from its Personio persons or a
 * Personio export file, as workflow `tenant/<id>/provision/<n>` on the workers (which hold the
 * credentials). Plans with the tenant's matching strategy; never changes or deletes a user.
 */
import { tenantTaskQueue } from '../../control/tenants.js';
import { MatchingStrategy } from '../../domain/tenant-config.js';
import { TASK_QUEUE } from '../../workflows/ids.js';
import { answerTimeoutMs } from './answer-deadline.js';
import { collect, tenantIdArgument, type CommandModule } from './command.js';
import { CliError, UsageError } from './errors.js';
import { printProvisionResult, provisionExitCode, readSourceFile, runningTenant, runProvisionWorkflow, sourceFromFlags } from '../provision/run-provision.js';
import { EXPORT_FIELDS } from '../provision/personio-export.js';

export function parseStrategy(value: string | undefined, flag: string): MatchingStrategy | undefined {
  if (value === undefined) return undefined;
  const parsed = MatchingStrategy.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} ${value}: use ${MatchingStrategy.options.join(', ')}`);
  return parsed.data;
}

export const provisionCommand: CommandModule = {
  name: 'provision',
  register(program, ctx) {
    program
      .command('provision')
      .summary('create the timr users of a tenant from Personio or a Personio export file')
      .usage('<tenantId> (--from-personio | --file <export.csv|export.xlsx>) [options]')
      .description(
        `Creates the timr users the tenant's employees need, from its Personio persons (active ones,
page by page) or from a Personio employee export (CSV: UTF-8 with or without BOM, ";" or ","
separated; XLSX: the first sheet). Every employee is planned against timr's users with the
tenant's matching strategy: create, already there, conflict (e.g. the same e-mail with another
employee number) or invalid (with its line and the reason). Existing users are never changed
or deleted. A new user gets the e-mail as login, names, e-mail, employee number, the Personio
ID as external id, and the hire/termination dates. Safe to run again: it reconciles with
timr's users before every create and never creates one twice.

Runs as workflow tenant/<tenantId>/provision/<n>; progress on stderr, the report on stdout.
Exit codes: 0 done (conflicts and invalid rows are in the report), 1 refused or incomplete, 2 usage error.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--from-personio', "the tenant's Personio persons")
      .option('--file <path>', 'a Personio export (.csv or .xlsx)')
      .option('--include-inactive', 'also inactive persons (Personio) / rows whose Status is inactive (file)')
      .option(
        '--columns <field=Header,…>',
        `headers the file uses for ${EXPORT_FIELDS.join(', ')} (German and English Personio headers are recognised without it), e.g. --columns email=Arbeits-Mail,employee_number=MA-Nr`,
        collect,
      )
      .option('--dry-run', 'print the plan (the diff); create nothing')
      .option('--json', 'print the report as one JSON object (with npm: npm run -s cli -- …)')
      .option('--credentials-ref <ref>', "the tenant's credentials (default: the running tenant's, else the tenant id)")
      .option('--matching <strategy>', "email | employee_number | external_id (default: the running tenant's, else email)")
      .option('--task-queue <name>', `task queue of the workers (default: the running tenant's, else ${TASK_QUEUE})`)
      .action(
        ctx.run(async (tenantId, values) => {
          const choice = sourceFromFlags({ 'from-personio': values.fromPersonio, ...(values.file !== undefined && { file: values.file }), 'include-inactive': values.includeInactive, ...(values.columns && { columns: values.columns }) }, { personio: '--from-personio', file: '--file' });
          const given = parseStrategy(values.matching, '--matching');

          const client = await ctx.client();
          const tenant = await runningTenant(client, tenantId, answerTimeoutMs(ctx.io.env));
          const tenantStrategy = tenant?.settings.sync.matching.strategy;
          if (given !== undefined && tenantStrategy !== undefined && given !== tenantStrategy) {
            throw new CliError(`tenant ${tenantId} matches employees by ${tenantStrategy}; provisioning plans with the tenant's strategy (drop --matching, or change it first: timr-sync config ${tenantId} --set sync.matching.strategy=${given})`);
          }
          const strategy = tenantStrategy ?? given ?? 'email';
          const credentialsRef = values.credentialsRef ?? tenant?.settings.credentialsRef ?? tenantId;
          const taskQueue = values.taskQueue ?? (tenant ? await tenantTaskQueue(client, tenantId) : TASK_QUEUE);

          const source = choice.kind === 'file' ? { kind: 'file' as const, read: await readSourceFile(ctx, choice, strategy) } : choice;
          const result = await runProvisionWorkflow(ctx, { tenantId, credentialsRef, strategy, dryRun: Boolean(values.dryRun), taskQueue, source });
          printProvisionResult(ctx, result, Boolean(values.json));
          return provisionExitCode(result);
        }),
      );
  },
};
