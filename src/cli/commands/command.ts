import type { Client } from '@temporalio/client';
import type { CliIo } from './cli-io.js';

export interface CommandContext {
  io: CliIo;
  /** Connects on first use, so `--help` and usage errors never need a Temporal server. */
  client(): Promise<Client>;
  now(): Date;
}

export interface Command {
  /** What the user types, e.g. "sync-now". */
  name: string;
  /** One line for the overview. */
  summary: string;
  /** Full help text of the command. */
  usage: string;
  /** Returns the exit code; throws UsageError, CliError or HelpRequested for the dispatcher to report. */
  run(args: readonly string[], ctx: CommandContext): Promise<number>;
}
