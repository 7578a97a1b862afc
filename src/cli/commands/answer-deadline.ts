/**
 * Queries and updates are answered by a worker. Without one, an update waits forever and a
 * query for about 30 s, so quick operations get a deadline and fail with a hint instead.
 * `sync-now` only bounds its preflight query: the cycle itself may rightly take long.
 */
import type { Client } from '@temporalio/client';
import type { CommandContext } from './command.js';
import { CliError } from './errors.js';

export const ANSWER_TIMEOUT_ENV = 'TIMR_SYNC_CLI_TIMEOUT_SECONDS';
export const DEFAULT_ANSWER_TIMEOUT_SECONDS = 30;

export function answerTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env[ANSWER_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_ANSWER_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CliError(`${ANSWER_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a number of seconds greater than 0 (default ${DEFAULT_ANSWER_TIMEOUT_SECONDS})`);
  }
  return seconds * 1000;
}

/** Runs `fn` with a deadline on every Temporal call it makes. */
export async function answerQuickly<T>(ctx: CommandContext, fn: (client: Client) => Promise<T>): Promise<T> {
  const ms = answerTimeoutMs(ctx.io.env);
  const client = await ctx.client();
  return client.withDeadline(Date.now() + ms, () => fn(client));
}
