/**
 * Structured JSON logs (pino), one line per event, for the product and — through
 * `temporalLogger` — for the Temporal SDK, so the worker's output is all JSON lines with the
 * tenant, run and entry ids as fields.
 *
 * Every line passes through the secret redaction (secrets/redact.ts) on its way out: the known
 * values of every credential this process has read (`rememberSecrets`), plus bearer/basic
 * headers and OAuth token fields, whatever field they hide in.
 */
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '@temporalio/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactSecrets, type TenantSecrets } from '../secrets/index.js';
import { secretValuesOf } from '../secrets/tenant-secrets.js';

/** Secret values seen by this process (bounded: a value per tenant and vendor, oldest dropped). */
const known = new Set<string>();
const KNOWN_LIMIT = 10_000;

export function rememberSecrets(secrets: TenantSecrets): void {
  for (const v of secretValuesOf(secrets)) {
    if (v.length === 0 || known.has(v)) continue;
    if (known.size >= KNOWN_LIMIT) known.delete(known.values().next().value as string);
    known.add(v);
  }
}

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export function createLogger(opts: { level?: LogLevelName; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'timr-sync' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: (line) => redactSecrets(line, [...known]) },
    },
    opts.destination,
  );
}

let processLogger: Logger | undefined;

/** The process-wide logger (stdout, level from TIMR_SYNC_LOG_LEVEL, default info). */
export function log(): Logger {
  processLogger ??= createLogger({ level: (process.env.TIMR_SYNC_LOG_LEVEL as LogLevelName | undefined) ?? 'info' });
  return processLogger;
}

/** Replaces the process-wide logger (tests capture lines; the worker sets the level). */
export function setLogger(logger: Logger): void {
  processLogger = logger;
}

const SDK_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The SDK's logger (Runtime.install({ logger })) writing into `logger`: the SDK's metadata
 * (workflowId, runId, activityType, …) becomes fields; the task token is dropped (binary
 * noise, and it identifies an activity attempt to anyone who can complete it).
 */
export function temporalLogger(logger: Logger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const { taskToken: _taskToken, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
    logger[SDK_LEVELS[entry.level]]({ ...meta, source: 'temporal' }, entry.message);
  });
}
