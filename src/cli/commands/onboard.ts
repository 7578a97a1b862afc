/**
 * `timr-sync onboard`: a tenant from credentials to syncing in one command, and the same command
 * again brings an existing tenant to what it says (it never starts a twin). In order:
 *   1. gather the credentials (options, --credentials-file, environment, or what is stored);
 *   2. verify both pairs — one token and one read each — before anything is stored, so a typo
 *      never replaces working credentials;
 *   3. list the tenant's timr working-time types and decide every non-attendance one
 *      (Zeitausgleich or ignore: asked on a terminal, flags otherwise);
 *   4. store the credentials where every worker of this installation reads them;
 *   5. provision timr users if asked (workflow tenant/<id>/provision/<n>);
 *   6. start the tenant, or update it if it runs (and resume it if it waits for credentials).
 * --dry-run does 1–3 and plans 5 in-process with the given credentials: nothing is stored,
 * created or started.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import { endpointsFromEnv } from '../../activities/deps.js';
import { provisionBatch, readPersonioPage } from '../../activities/provision-users.js';
import { resumeTenant, startTenant, tenantStatus, tenantTaskQueue, updateTenantConfig } from '../../control/tenants.js';
import type { WorkingTimeType } from '../../clients/timr/schemas.js';
import { decisionSettings, planDecisions, type DecisionState, type TypeChoice, type TypeQuestion } from '../../domain/onboarding-decisions.js';
import { addOutcomes, DRY_RUN_SAMPLE_LIMIT, emptyReport, type ProvisionReport } from '../../domain/provision-report.js';
import type { ProvisionRow } from '../../domain/provisioning.js';
import type { TenantSettingsInput, TenantSettingsPatch } from '../../domain/tenant-settings.js';
import { redactSecrets, secretStoreFromEnv, ReadOnlySecretStoreError, type TenantSecrets } from '../../secrets/index.js';
import { TASK_QUEUE, tenantWorkflowId } from '../../workflows/ids.js';
import type { TenantStatusView } from '../../workflows/types.js';
import { CredentialsInputError, gatherCredentials } from '../credentials-input.js';
import { renderProvisionReport } from '../format/provision-report.js';
import { onboardingClients, verifyAccess } from '../onboard/verify-access.js';
import { EXPORT_FIELDS } from '../provision/personio-export.js';
import { printProvisionResult, readSourceFile, runningTenant, runProvisionWorkflow, sourceFromFlags, type SourceChoice } from '../provision/run-provision.js';
import { answerTimeoutMs } from './answer-deadline.js';
import { printLines } from './cli-io.js';
import { collect, durationSeconds, tenantIdArgument, type CommandContext, type CommandModule } from './command.js';
import { CliError, UsageError } from './errors.js';
import { parseStrategy } from './provision.js';

function typeLine(t: WorkingTimeType): string {
  return `${t.id}  "${t.name}"${t.external_id ? ` (external id ${t.external_id})` : ''}, category ${t.category}`;
}

/** Asks (terminal) or refuses with every open type and both flags (no terminal). */
async function decideTypes(ctx: CommandContext, tenantId: string, open: TypeQuestion[]): Promise<{ type: WorkingTimeType; choice: TypeChoice }[]> {
  if (open.length === 0) return [];
  if (!ctx.io.ask) {
    const lines = open.map((q) => `  ${typeLine(q.type)}${q.why ? ` — ${q.why}` : ''}`);
    throw new CliError(
      `tenant ${tenantId}: decide for every non-attendance working-time type of its timr account whether it is Zeitausgleich (0 hours booked in Personio) or ignored (not transferred):\n${lines.join('\n')}\n` +
        `Pass ${open.map((q) => `--${q.suggested === 'zeitausgleich' ? 'zeitausgleich' : 'ignore'}-type ${q.type.id}`).join(' ')} (or the other flag per type), or run onboard on a terminal to be asked. Nothing was stored or started.`,
    );
  }
  const answers: { type: WorkingTimeType; choice: TypeChoice }[] = [];
  for (const q of open) answers.push({ type: q.type, choice: await ctx.io.ask(q) });
  return answers;
}

/** onboard --dry-run plans in-process with the credentials given: the store is not touched. */
async function dryRunProvisioning(
  ctx: CommandContext,
  tenantId: string,
  secrets: TenantSecrets,
  strategy: TenantStatusView['settings']['sync']['matching']['strategy'],
  choice: SourceChoice,
): Promise<ProvisionReport> {
  const { timr, personio } = onboardingClients(tenantId, secrets, endpointsFromEnv(ctx.io.env));
  let rows: ProvisionRow[] = [];
  if (choice.kind === 'file') {
    rows = (await readSourceFile(ctx, choice, strategy)).rows;
  } else {
    let next: string | undefined;
    do {
      const page = await readPersonioPage(personio, { includeInactive: choice.includeInactive, ...(next !== undefined && { next }) });
      rows.push(...page.rows);
      next = page.next;
    } while (next !== undefined);
  }
  const { outcomes } = await provisionBatch(timr, { tenantId, credentialsRef: tenantId, runId: 'dry-run', strategy, dryRun: true, rows });
  return addOutcomes(emptyReport(), outcomes, DRY_RUN_SAMPLE_LIMIT);
}

export const onboardCommand: CommandModule = {
  name: 'onboard',
  register(program, ctx) {
    program
      .command('onboard')
      .summary('verify, decide, store, provision and start a tenant in one command (again: update it)')
      .usage('<tenantId> [credentials] [options]')
      .description(
        `Onboards a tenant in one command: verifies its timr and Personio credentials (one token and
one read each), decides every non-attendance working-time type of its timr account
(Zeitausgleich: 0 hours booked in Personio; ignore: not transferred), stores the credentials
where every worker of this installation reads them, provisions timr users if asked, and
starts the tenant's sync. Run it again to change an onboarded tenant: a running tenant is
updated (and resumed if it waits for new credentials), never started twice.

Credentials default to what is already stored for the tenant; also read from
TIMR_SYNC_<REF>_{TIMR,PERSONIO}_CLIENT_{ID,SECRET} (options stay in shell history, a 0600 file does not).
Vendor endpoints come from TIMR_BASE_URL, TIMR_TOKEN_URL and PERSONIO_BASE_URL (default: the
real APIs); the secret store from TIMR_SYNC_SECRET_STORE / TIMR_SYNC_SECRETS_DIR, as for workers.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option('--timr-client-id <id>', 'timr API client id')
      .option('--timr-client-secret <secret>', 'timr API client secret')
      .option('--personio-client-id <id>', 'Personio API client id')
      .option('--personio-client-secret <secret>', 'Personio API client secret')
      .option('--credentials-file <file>', '{"timr": {"clientId", "clientSecret"}, "personio": {...}}')
      .option('--credentials-ref <ref>', 'name in the secret store (default: the tenant id)')
      .option('--interval <duration>', 'time between syncs: 900, 15m, 1h (default 15m)', durationSeconds('--interval'))
      .option('--timezone <zone>', 'IANA zone of the employees (default Europe/Vienna)')
      .option('--matching <strategy>', 'email | employee_number | external_id (default email)')
      .option('--zeitausgleich-type <id>', 'this timr working-time type is Zeitausgleich (repeatable)', collect)
      .option('--ignore-type <id>', 'entries of this type are not transferred (repeatable; on a terminal, types not named are asked for)', collect)
      .option('--provision-from-personio', "create the missing timr users from the tenant's Personio persons")
      .option('--provision-file <file>', '… from a Personio export (.csv or .xlsx)')
      .option('--include-inactive', 'with either: inactive persons too')
      .option('--columns <field=Header,…>', `headers of the export for ${EXPORT_FIELDS.join(', ')}`, collect)
      .option('--dry-run', 'check and plan only: nothing is stored, created or started')
      .option('--task-queue <name>', `task queue of the workers (default ${TASK_QUEUE})`)
      .option('--json', 'print what was done as one JSON object on stdout (progress stays on stderr)')
      .action(
        ctx.run(async (tenantId, values) => {
          const dryRun = Boolean(values.dryRun);
          const provisionSource =
            values.provisionFromPersonio || values.provisionFile !== undefined
              ? sourceFromFlags(
                  { 'from-personio': values.provisionFromPersonio, ...(values.provisionFile !== undefined && { file: values.provisionFile }), 'include-inactive': values.includeInactive, ...(values.columns && { columns: values.columns }) },
                  { personio: '--provision-from-personio', file: '--provision-file' },
                )
              : undefined;
          const intervalSeconds = values.interval;
          const givenStrategy = parseStrategy(values.matching, '--matching');
          const credentialsRef = values.credentialsRef ?? tenantId;
          const out = (lines: string | string[]) => printLines(ctx.io.stderr, lines);
          // --json: one object at the end instead of the result lines on stdout.
          const done: Record<string, unknown> = { tenantId, credentialsRef, dryRun };
          const result = (lines: string | string[], fields: Record<string, unknown>) => (values.json ? Object.assign(done, fields) : printLines(ctx.io.stdout, lines));
          const finish = () => {
            if (values.json) printLines(ctx.io.stdout, JSON.stringify(done, null, 2));
            return 0;
          };

          // 1. Credentials, without connecting anywhere yet.
          const store = secretStoreFromEnv(ctx.io.env);
          const seen: string[] = [];
          let secrets: TenantSecrets;
          let existing: TenantSecrets | undefined;
          try {
            const flags = { 'timr-client-id': values.timrClientId, 'timr-client-secret': values.timrClientSecret, 'personio-client-id': values.personioClientId, 'personio-client-secret': values.personioClientSecret };
            ({ secrets, existing } = await gatherCredentials(store, credentialsRef, {
              flags,
              ...(values.credentialsFile !== undefined && { file: values.credentialsFile }),
              fileFlag: '--credentials-file',
              env: ctx.io.env,
              seen,
              warn: (l) => out(l),
            }));
          } catch (err) {
            if (err instanceof CredentialsInputError) throw new UsageError(`tenant ${tenantId}: ${redactSecrets(err.message, seen)}`);
            throw new CliError(redactSecrets(err instanceof Error ? err.message : String(err), seen));
          }

          try {
            // 2. Verify both pairs.
            const endpoints = endpointsFromEnv(ctx.io.env);
            const access = await verifyAccess(tenantId, secrets, endpoints);
            out(`tenant ${tenantId}: timr (${endpoints.timrBaseUrl}) and Personio (${endpoints.personioBaseUrl}) accept the credentials; timr has ${access.types.length} working-time types${access.personioHasPersons ? '' : '; Personio lists no persons yet'}`);

            // 3. Decide the types, on top of what a running tenant already decided.
            const client = await ctx.client();
            const tenant = await runningTenant(client, tenantId, answerTimeoutMs(ctx.io.env));
            const current: DecisionState = { zeitausgleich: tenant?.settings.sync.zeitausgleich.typeIds ?? [], ignore: tenant?.settings.sync.ignoreTypeIds ?? [] };
            const flagged: DecisionState = { zeitausgleich: values.zeitausgleichType ?? [], ignore: values.ignoreType ?? [] };
            const plan = planDecisions(access.types, current, flagged);
            if (plan.unknownIds.length > 0) {
              throw new CliError(`tenant ${tenantId}: timr has no working-time type ${plan.unknownIds.join(', ')}; its types:\n${access.types.map((t) => `  ${typeLine(t)}`).join('\n')}`);
            }
            if (plan.both.length > 0) throw new UsageError(`type ${plan.both.join(', ')} is given as --zeitausgleich-type and as --ignore-type; decide for one`);
            const answered = await decideTypes(ctx, tenantId, plan.open);
            const decisions = decisionSettings(current, [...plan.decided, ...answered]);
            for (const d of [...plan.decided, ...answered]) out(`  ${d.choice === 'zeitausgleich' ? 'Zeitausgleich' : 'ignored'.padEnd(13)}  ${typeLine(d.type)}`);

            const strategy = tenant?.settings.sync.matching.strategy ?? givenStrategy ?? 'email';
            if (tenant && givenStrategy !== undefined && givenStrategy !== tenant.settings.sync.matching.strategy) {
              out(`tenant ${tenantId}: matching changes from ${tenant.settings.sync.matching.strategy} to ${givenStrategy}`);
            }
            const finalStrategy = givenStrategy ?? strategy;
            const sync: NonNullable<TenantSettingsPatch['sync']> = {
              zeitausgleich: { typeIds: decisions.zeitausgleich },
              ignoreTypeIds: decisions.ignore,
              ...(values.timezone !== undefined && { timezone: values.timezone }),
              ...(givenStrategy !== undefined && { matching: { strategy: givenStrategy } }),
            };
            const patch: TenantSettingsPatch = { credentialsRef, ...(intervalSeconds !== undefined && { intervalSeconds }), sync };

            if (dryRun) {
              if (provisionSource) {
                const report = await dryRunProvisioning(ctx, tenantId, secrets, finalStrategy, provisionSource);
                result(renderProvisionReport(report, { dryRun: true, heading: `tenant ${tenantId}: dry run of provisioning timr users` }), { provision: report });
              }
              result(
                `Dry run: would store the credentials as "${credentialsRef}" in ${store.location} and ${tenant ? `update running tenant ${tenantId}` : `start tenant ${tenantId}`} with ${JSON.stringify(patch)}. Nothing was stored, created or started.`,
                { wouldStoreIn: store.location, action: tenant ? 'update' : 'start', settings: patch },
              );
              return finish();
            }

            // 4. Store where every worker reads them.
            try {
              await store.put(credentialsRef, secrets);
              out(`stored the credentials as "${credentialsRef}" in ${store.location}${existing ? ' (replacing the earlier ones)' : ''}`);
              done.storedIn = store.location;
            } catch (err) {
              const same = existing && JSON.stringify(existing) === JSON.stringify(secrets);
              if (!(err instanceof ReadOnlySecretStoreError) || !same) throw err;
              out(`the credentials of "${credentialsRef}" in ${store.location} are the ones given; nothing to store`);
            }

            // 5. Provision.
            const taskQueue = values.taskQueue ?? (tenant ? await tenantTaskQueue(client, tenantId) : TASK_QUEUE);
            if (provisionSource) {
              const source = provisionSource.kind === 'file' ? { kind: 'file' as const, read: await readSourceFile(ctx, provisionSource, finalStrategy) } : provisionSource;
              const provisioned = await runProvisionWorkflow(ctx, { tenantId, credentialsRef, strategy: finalStrategy, dryRun: false, taskQueue, source });
              if (values.json) done.provision = provisioned;
              else printProvisionResult(ctx, provisioned, false);
              if (provisioned.incomplete) throw new CliError(`tenant ${tenantId}: provisioning did not finish (${provisioned.incomplete}); the tenant was not started. Run onboard again.`);
            }

            // 6. Start, or update what runs.
            const workflowId = tenantWorkflowId(tenantId);
            let view: TenantStatusView | undefined = tenant;
            if (!view) {
              const started = await startTenant(client, { tenantId, ...patch } as TenantSettingsInput, { taskQueue });
              if (started.started) {
                result(`started tenant ${tenantId}: workflow ${workflowId} on task queue ${taskQueue}; the first sync runs now (follow it with: timr-sync status ${tenantId})`, {
                  action: 'started',
                  workflowId,
                  taskQueue,
                  settings: started.settings,
                });
                return finish();
              }
              // Started meanwhile by someone else: update it like any running tenant.
              view = await tenantStatus(client, tenantId);
            }
            const updated = await updateTenantConfig(client, tenantId, patch);
            result(`updated running tenant ${tenantId} (${workflowId}); it was not started twice`, { action: 'updated', workflowId, taskQueue, settings: updated.settings, status: updated.status });
            if (updated.status === 'auth-failed') {
              const { view: resumed } = await resumeTenant(client, tenantId);
              result(`tenant ${tenantId} was waiting for new credentials; resumed, status now ${resumed.status}`, { resumed: true, status: resumed.status });
            }
            return finish();
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) throw err;
            if (err instanceof Error) err.message = redactSecrets(err.message, seen);
            throw err;
          }
        }),
      );
  },
};
