/**
 * `timr-sync replay`: the check before deploying a workflow change. Replays histories — of a
 * workflow on the server, of the workflows a visibility query finds, or from a file — against the
 * workflow code about to ship and says for each whether that code is deterministic for it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { codecKeysFileFromEnv, dataConverterFromEnv, ENCRYPTED_ENCODING } from '../../codec/index.js';
import { parseHistoryJson, replayHistories, type HistoryToReplay, type ReplayVerdict } from '../../deploy/replay.js';
import { defaultBuildId } from '../../deploy/worker-version.js';
import { bundleWorkflows, WORKFLOWS_PATH } from '../../worker.js';
import { printLines } from './cli-io.js';
import { integerAtLeast, type CommandContext, type CommandModule } from './command.js';
import { CliError, UsageError } from './errors.js';

const DEFAULT_LIMIT = 100;
const GRPC_NOT_FOUND = 5;

/** Base64 of the encrypted payloads' encoding, as it appears in an exported history. */
const ENCRYPTED_MARKER = Buffer.from(ENCRYPTED_ENCODING).toString('base64');

function installQuietRuntime(): void {
  // The replay worker logs each nondeterminism as a warning with a dump; the verdict says it better.
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    /* already installed by this process (tests, or a second call) */
  }
}

async function workflowBundle(file: string | undefined, ctx: CommandContext): Promise<{ code: string; origin: string }> {
  if (file) {
    try {
      return { code: await readFile(file, 'utf8'), origin: `the bundle ${file}` };
    } catch (err) {
      throw new CliError(`--bundle ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (ctx.io.stderr.isTTY) printLines(ctx.io.stderr, `bundling the workflows of ${path.relative(process.cwd(), path.dirname(WORKFLOWS_PATH)) || '.'} …`);
  const bundle = await bundleWorkflows({ logger: new DefaultLogger('ERROR') });
  return { code: bundle.code, origin: `the workflows of this checkout (${path.relative(process.cwd(), path.dirname(WORKFLOWS_PATH)) || '.'})` };
}

async function historiesFromServer(ctx: CommandContext, target: { workflowId?: string; runId?: string; query?: string; limit: number }): Promise<HistoryToReplay[]> {
  const client = await ctx.client();
  if (target.workflowId) {
    try {
      return [{ workflowId: target.workflowId, history: await client.workflow.getHandle(target.workflowId, target.runId).fetchHistory() }];
    } catch (err) {
      // fetchHistory reports a missing workflow as a plain gRPC NOT_FOUND.
      if (err instanceof WorkflowNotFoundError || (err as { code?: unknown }).code === GRPC_NOT_FOUND) throw new CliError(`no workflow ${target.workflowId}${target.runId ? ` with run ${target.runId}` : ''} on this server (namespace ${client.options.namespace})`);
      throw err;
    }
  }
  const out: HistoryToReplay[] = [];
  for await (const wf of client.workflow.list({ query: target.query! })) {
    if (out.length >= target.limit) break;
    out.push({ workflowId: wf.workflowId, history: await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory() });
  }
  if (!out.length) throw new CliError(`no workflow matches the query ${JSON.stringify(target.query)}: nothing was checked`);
  return out;
}

function verdictLines(v: ReplayVerdict): string[] {
  const what = `${v.workflowId} (run ${v.runId || '?'}, ${v.workflowType}, ${v.events} events)`;
  if (v.deterministic) return [`deterministic      ${what}`];
  const label = v.problem === 'nondeterminism' ? 'NOT DETERMINISTIC' : 'REPLAY FAILED    ';
  return [`${label}  ${what}`, `    ${v.reason ?? v.error ?? ''}`];
}

export const replayCommand: CommandModule = {
  name: 'replay',
  register(program, ctx) {
    program
      .command('replay')
      .summary('check that the workflow code replays recorded histories deterministically (before a deploy)')
      .usage('(<workflowId> [--run-id <runId>] | --file <history.json> | --query "<visibility query>" [--limit <n>]) [options]')
      .description(
        `Replays workflow histories against the workflow code you are about to deploy and says, for
each, whether that code is deterministic for it (exit 0) or not (exit 1, with the
nondeterminism). Run it before a workflow change reaches workflows that already ran on older
code: tenants moving from unversioned workers, workflows moved with a versioning override, or
a hotfix guarded by patched() (README "Deploying a workflow change").
Encrypted histories need the payload codec key (TIMR_SYNC_CODEC_KEY or TIMR_SYNC_CODEC_KEYS_FILE).`,
      )
      .argument('[workflowId]', 'a workflow on the server, e.g. tenant/acme or tenant/acme/run/12 (latest run unless --run-id)')
      .option('--run-id <runId>', 'that run of <workflowId>')
      .option('--file <path>', 'a history exported with "temporal workflow show -w <id> --output json" or the Temporal UI\'s download')
      .option('--query <query>', "every workflow the visibility query finds, e.g. \"WorkflowType='tenantSyncWorkflow' AND ExecutionStatus='Running'\"")
      .option('--limit <n>', `at most this many histories for --query (default ${DEFAULT_LIMIT})`, integerAtLeast(1, '--limit'))
      .option('--bundle <path>', 'replay against this workflow bundle (e.g. the one a release ships) instead of bundling the workflows of this checkout')
      .option('--json', 'print the verdicts as JSON')
      .action(
        ctx.run(async (workflowId, values) => {
          const sources = [workflowId !== undefined, values.file !== undefined, values.query !== undefined].filter(Boolean).length;
          if (sources !== 1) throw new UsageError('give exactly one of <workflowId>, --file <history.json> or --query <query>');
          if (values.runId !== undefined && workflowId === undefined) throw new UsageError('--run-id needs a <workflowId>');
          if (values.limit !== undefined && values.query === undefined) throw new UsageError('--limit goes with --query');
          const limit = values.limit ?? DEFAULT_LIMIT;

          let histories: HistoryToReplay[];
          let needsCodec: boolean;
          if (values.file !== undefined) {
            let text: string;
            try {
              text = await readFile(values.file, 'utf8');
            } catch (err) {
              throw new CliError(`--file ${values.file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
            }
            let history;
            try {
              history = parseHistoryJson(text, `--file ${values.file}`);
            } catch (err) {
              throw new CliError((err as Error).message);
            }
            // Recent servers record the workflow id in the start event; older exports are named by their file.
            histories = [{ workflowId: history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || path.basename(values.file), history }];
            needsCodec = text.includes(ENCRYPTED_MARKER);
          } else {
            histories = await historiesFromServer(ctx, { ...(workflowId !== undefined && { workflowId }), ...(values.runId !== undefined && { runId: values.runId }), ...(values.query !== undefined && { query: values.query }), limit });
            needsCodec = true;
          }
          // The CLI always has a codec for the server; a file may come from anywhere, so only when it is needed or configured.
          const codecConfigured = Boolean(ctx.io.env.TIMR_SYNC_CODEC_KEY?.trim()) || existsSync(codecKeysFileFromEnv(ctx.io.env));
          if (needsCodec && !codecConfigured && values.file !== undefined) {
            throw new CliError(`--file ${values.file} holds encrypted payloads: set TIMR_SYNC_CODEC_KEY or TIMR_SYNC_CODEC_KEYS_FILE to the key file they were written with`);
          }
          const dataConverter = needsCodec || codecConfigured ? await dataConverterFromEnv(ctx.io.env) : undefined;

          const bundle = await workflowBundle(values.bundle, ctx);
          installQuietRuntime();
          const verdicts = await replayHistories(histories, { workflowBundle: bundle, ...(dataConverter && { dataConverter }) });
          const bad = verdicts.filter((v) => !v.deterministic);

          if (values.json) {
            printLines(ctx.io.stdout, JSON.stringify({ code: bundle.origin, buildId: defaultBuildId(bundle.code), deterministic: bad.length === 0, histories: verdicts }, null, 2));
          } else {
            printLines(ctx.io.stdout, [
              `replaying against ${bundle.origin}, default build id ${defaultBuildId(bundle.code)}`,
              ...verdicts.flatMap(verdictLines),
              bad.length === 0
                ? `${verdicts.length === 1 ? 'the history replays' : `all ${verdicts.length} histories replay`} deterministically on this code`
                : `${bad.length} of ${verdicts.length} ${verdicts.length === 1 ? 'history does' : 'histories do'} not replay on this code: workflows like these must not run on it — ` +
                  'keep their old version running until they drained, or guard the change with patched() (README "Deploying a workflow change")',
            ]);
          }
          return bad.length === 0 ? 0 : 1;
        }),
      );
  },
};
