/**
 * timr-sync: the operator CLI for tenant sync workflows.
 *
 *   npx timr-sync onboard | provision | secrets | tenants | start | status | report | pause | resume | sync-now | retry | config | stop
 *   (or npm run -s cli -- …; `-s` keeps npm's banner off stdout, so --json output stays clean)
 *
 * `runCli` is the whole program, callable in-process (tests); the bottom of this file only
 * wires it to the real process.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { TypeChoice, TypeQuestion } from '../domain/onboarding-decisions.js';
import { redactSecrets } from '../secrets/index.js';
import { printLines, type CliIo } from './commands/cli-io.js';
import type { CommandContext } from './commands/command.js';
import { describeFailure } from './commands/describe-failure.js';
import { HelpRequested, UsageError } from './commands/errors.js';
import { findCommand, overviewUsage } from './commands/registry.js';
import { connectTemporal, type TemporalSession } from './commands/temporal-connection.js';

export type { CliIo } from './commands/cli-io.js';

/** Values that must never be echoed, whatever an error message contains. */
function secretsIn(env: NodeJS.ProcessEnv): string[] {
  return [env.TEMPORAL_API_KEY, env.TIMR_SYNC_CODEC_KEY].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 refused or failed, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && args.length === 0)) {
    printLines(name === undefined ? io.stderr : io.stdout, overviewUsage());
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') return runCli([args[0] as string, '--help'], io);
  const command = findCommand(name);
  if (!command) {
    printLines(io.stderr, [`error: unknown command "${name}"`, '', overviewUsage()]);
    return 2;
  }

  let session: Promise<TemporalSession> | undefined;
  const ctx: CommandContext = {
    io,
    client: async () => (await (session ??= connectTemporal(io.env))).client,
    now: () => new Date(),
  };
  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof HelpRequested) {
      printLines(io.stdout, command.usage);
      return 0;
    }
    if (err instanceof UsageError) {
      printLines(io.stderr, [`error: ${err.message}`, '', command.usage]);
      return 2;
    }
    const { message, expected } = describeFailure(err);
    const lines = [`error: ${message}`];
    if (!expected) {
      lines.push(io.env.TIMR_SYNC_DEBUG && err instanceof Error && err.stack ? err.stack : '(unexpected error; set TIMR_SYNC_DEBUG=1 to see the stack trace)');
    }
    printLines(io.stderr, redactSecrets(lines.join('\n'), secretsIn(io.env)));
    return 1;
  } finally {
    if (session) await session.then((s) => s.close(), () => undefined);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/** Asks on the terminal (stderr, so stdout stays the command's output). */
async function askOnTerminal(question: TypeQuestion): Promise<TypeChoice> {
  const { default: select } = await import('@inquirer/select');
  const t = question.type;
  return select<TypeChoice>(
    {
      message: `timr working-time type "${t.name}" (${t.id}, category ${t.category}${question.why ? `; ${question.why}` : ''}):`,
      choices: [
        { name: 'Zeitausgleich: book 0 hours in Personio on its days', value: 'zeitausgleich' },
        { name: 'ignore: do not transfer its entries', value: 'ignore' },
      ],
      default: question.suggested,
    },
    { output: process.stderr },
  );
}

/** The real process: what `timr-sync` (bin/timr-sync.js) and `npm run cli` run. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: requests already sent keep running on the server; check with: timr-sync status <tenantId>\n');
    process.exit(130);
  });
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  try {
    process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, ...(interactive && { ask: askOnTerminal }) });
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

if (isMain()) void main();
