import { ANSWER_TIMEOUT_ENV, DEFAULT_ANSWER_TIMEOUT_SECONDS } from './answer-deadline.js';
import { newProgram, type Command, type CommandContext, type CommandModule } from './command.js';
import { auditCommand } from './audit.js';
import { backfillCommand } from './backfill.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
import { onboardCommand } from './onboard.js';
import { provisionCommand } from './provision.js';
import { secretsCommand } from './secrets.js';
import { pauseCommand, resumeCommand, stopCommand } from './lifecycle.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';
import { quarantineCommand } from './quarantine.js';
import { retryCommand } from './retry.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { syncNowCommand } from './sync-now.js';
import { tenantsCommand } from './tenants.js';

/** Every `timr-sync` command, in the order the overview lists them. */
export const COMMANDS: readonly CommandModule[] = [
  onboardCommand,
  provisionCommand,
  secretsCommand,
  tenantsCommand,
  startCommand,
  statusCommand,
  reportCommand,
  pauseCommand,
  resumeCommand,
  syncNowCommand,
  retryCommand,
  quarantineCommand,
  backfillCommand,
  auditCommand,
  configCommand,
  stopCommand,
  replayCommand,
  doctorCommand,
];

const OVERVIEW_NOTES = `
"timr-sync <command> --help" (or "timr-sync help <command>") explains a command; every command takes --json.

Connection: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE (default default),
TEMPORAL_API_KEY, TEMPORAL_TLS*, or a profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE).
Payload codec key: TIMR_SYNC_CODEC_KEY or TIMR_SYNC_CODEC_KEYS_FILE (default .secrets/codec/codec-keys.json).
Answers from the tenant workflow are awaited ${DEFAULT_ANSWER_TIMEOUT_SECONDS}s (${ANSWER_TIMEOUT_ENV}); sync-now and retry wait for their cycle.
Durations are written 900, 900s, 15m, 1h30m or 1d wherever a command takes one.
Exit codes: 0 ok, 1 refused or failed, 2 usage error.`;

/** The whole `timr-sync` program for one invocation (commander keeps parse state in it). */
export function buildProgram(ctx: CommandContext): Command {
  const program = newProgram('timr-sync', ctx.io)
    .usage('<command> [options]')
    .description('Operates the timr → Personio tenant sync workflows on Temporal.')
    // The overview lists names; each command's own help shows its arguments.
    .configureHelp({ subcommandTerm: (cmd) => cmd.name() })
    .addHelpText('after', OVERVIEW_NOTES);
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/** Every runnable command as typed, e.g. ["status"], ["secrets", "codec-keys", "init"] (for help and tests). */
export function commandPaths(ctx: CommandContext): string[][] {
  const leaves = (cmd: Command, prefix: string[]): string[][] =>
    cmd.commands.length === 0 ? [prefix] : cmd.commands.flatMap((c) => leaves(c as unknown as Command, [...prefix, c.name()]));
  return leaves(buildProgram(ctx), []);
}
