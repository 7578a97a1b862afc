import { ANSWER_TIMEOUT_ENV, DEFAULT_ANSWER_TIMEOUT_SECONDS } from './answer-deadline.js';
import type { Command } from './command.js';
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

export const COMMANDS: readonly Command[] = [
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
  configCommand,
  stopCommand,
  replayCommand,
  doctorCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function overviewUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: timr-sync <command> [arguments] [--help]',
    '',
    'Operates the timr → Personio tenant sync workflows on Temporal.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    '"timr-sync <command> --help" explains a command.',
    '',
    'Connection: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE (default default),',
    'TEMPORAL_API_KEY, TEMPORAL_TLS*, or a profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE).',
    'Payload codec key: TIMR_SYNC_CODEC_KEY or TIMR_SYNC_CODEC_KEYS_FILE (default .secrets/codec/codec-keys.json).',
    `Answers from the tenant workflow are awaited ${DEFAULT_ANSWER_TIMEOUT_SECONDS}s (${ANSWER_TIMEOUT_ENV}); sync-now waits for its cycle.`,
    'Exit codes: 0 ok, 1 refused or failed, 2 usage error.',
  ].join('\n');
}
