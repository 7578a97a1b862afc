/**
 * timr-sync: the operator CLI for tenant sync workflows.
 *
 *   npx timr-sync <command> … (the commands: src/cli/commands/registry.ts; `timr-sync --help`)
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
import { runProgram } from './commands/command.js';
import { buildProgram } from './commands/registry.js';
import { connectTemporal, type TemporalSession } from './commands/temporal-connection.js';

export type { CliIo } from './commands/cli-io.js';

/** Values that must never be echoed, whatever an error message contains. */
function secretsIn(env: NodeJS.ProcessEnv): string[] {
  return [env.TEMPORAL_API_KEY, env.TIMR_SYNC_CODEC_KEY].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Runs one CLI invocation; returns the exit code (0 ok, 1 refused or failed, 2 usage error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let session: Promise<TemporalSession> | undefined;
  let exitCode = 0;
  const ctx: CommandContext = {
    io,
    client: async () => (await (session ??= connectTemporal(io.env))).client,
    now: () => new Date(),
    sleep: (ms) => abortableSleep(ms, io.signal),
    run:
      (fn) =>
      async (...args) => {
        exitCode = await fn(...args);
      },
  };
  try {
    const code = await runProgram(buildProgram(ctx), argv, io);
    return code === 0 ? exitCode : code;
  } catch (err) {
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

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
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
  // Ctrl-C: a command that can stop by itself (status --watch) ends with its exit code; any
  // other is left at once, with what that means for the requests it sent.
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    interrupt.abort();
    setTimeout(() => {
      process.stderr.write('\ninterrupted: requests already sent keep running on the server; check with: timr-sync status <tenantId>\n');
      process.exit(130);
    }, 200).unref();
  });
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  try {
    process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal, ...(interactive && { ask: askOnTerminal }) });
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

if (isMain()) void main();
