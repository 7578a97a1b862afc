/**
 * The CLI framework: commander (with extra-typings, so arguments and options are typed from
 * their declarations). Every entry point — `timr-sync`, `npm start`, the worker, the sandbox,
 * the codec server, the dev tools — builds its program with `newProgram` and runs it with
 * `runProgram`, so help, usage errors and exit codes (0 ok, 1 refused or failed, 2 usage) are
 * the same everywhere.
 *
 * A `timr-sync` command is a module exporting a `CommandModule`: `register` adds the command to
 * the program and wraps its action in `ctx.run`, whose function returns the exit code.
 */
import { Command, CommanderError, InvalidArgumentError, type OptionValues } from '@commander-js/extra-typings';
import type { Client } from '@temporalio/client';
import { TENANT_ID_PATTERN } from '../../domain/tenant-settings.js';
import type { CliIo, OutputStream } from './cli-io.js';
import { parseDurationSeconds } from './duration.js';
import { UsageError } from './errors.js';

export { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';

export interface CommandContext {
  io: CliIo;
  /** Connects on first use, so `--help` and usage errors never need a Temporal server. */
  client(): Promise<Client>;
  now(): Date;
  /** Waits, unless the invocation is aborted (Ctrl-C in `status --watch`). */
  sleep(ms: number): Promise<void>;
  /** Wraps a command's action: its function returns the exit code of the invocation. */
  run<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void>;
}

export interface CommandModule {
  /** What the user types, e.g. "sync-now". */
  name: string;
  register(program: Command, ctx: CommandContext): void;
}

const HELP_WIDTH = 100;

/** A program with the shared behaviour: output to `io`, errors thrown (not exiting), help after a usage error. */
export function newProgram(name: string, io: { stdout: OutputStream; stderr: OutputStream }): Command {
  return new Command(name)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      // "--client-secrt=…" is a misspelt option whose value may be a secret: never echo it.
      outputError: (message, write) => write(message.replace(/(unknown option '[^'=]*)=[^']*'/g, "$1=…'")),
    })
    .showHelpAfterError()
    .helpOption('-h, --help', 'show this help');
}

/**
 * Parses `argv` (user arguments, without node and the script) and runs the chosen action.
 * Returns 0 after help, 2 after a usage error (commander's or a UsageError from an action, both
 * printed with the command's help), and lets every other error through to the caller.
 */
export async function runProgram(program: Command, argv: readonly string[], io: { stderr: OutputStream }): Promise<number> {
  let active: Command = program;
  program.hook('preAction', (_thisCommand, actionCommand) => {
    active = actionCommand as unknown as Command;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // helpDisplayed and version exit 0; a missing subcommand shows help as an error (commander.help, 1).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n\n${active.helpInformation()}`);
      return 2;
    }
    throw err;
  }
}

// ── argument and option parsers shared by the commands ────────────────────────────────────────

/** `<tenantId>`: checked before anything reaches Temporal (it becomes part of the workflow id). */
export function tenantIdArgument(value: string): string {
  if (!TENANT_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not a tenant id: use lowercase letters, digits and dashes, at most 63 characters (e.g. acme-gmbh)`);
  }
  return value;
}

/** A duration option in seconds: `900`, `900s`, `15m`, `1h30m`, `1d`; at least `minSeconds`. */
export function durationSeconds(option: string, minSeconds = 1): (value: string) => number {
  return (value) => {
    let seconds: number;
    try {
      seconds = parseDurationSeconds(value, option);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
    if (seconds < minSeconds) throw new InvalidArgumentError(`${option} ${value}: at least ${minSeconds}s`);
    return seconds;
  };
}

/** A whole number option of at least `min`. */
export function integerAtLeast(min: number, option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${option} ${value}: a whole number of at least ${min}`);
    return n;
  };
}

/** A repeatable option: every occurrence is collected, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export const JSON_OPTION_HELP = 'print the result as JSON (with npm: npm run -s cli -- …)';

/** A number option (fractions allowed) of at least `min`. */
export function numberAtLeast(min: number, option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${option} ${value}: a number of at least ${min}`);
    return n;
  };
}

// ── entry points that run their body after parsing (npm start, the worker, dev tools) ─────────

const PROCESS_IO = { stdout: process.stdout, stderr: process.stderr };

/**
 * Parses the process's arguments for an entry point without subcommands and returns its
 * options; after --help the process exits 0, after a usage error 2 (with the help).
 */
export function parseProcessArgs<Args extends unknown[], Opts extends OptionValues>(program: Command<Args, Opts>, argv: readonly string[] = process.argv.slice(2)): Opts {
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    throw err;
  }
  return program.opts();
}

/** `newProgram` writing to the process's stdout and stderr. */
export function processProgram(name: string): Command {
  return newProgram(name, PROCESS_IO);
}
