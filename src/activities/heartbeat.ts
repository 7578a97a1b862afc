/**
 * Heartbeats by time, and what an activity attempt may still do.
 *
 * One heartbeat per listed entry cost a quarter of an idle cycle's CPU (each is encoded and
 * encrypted before the SDK throttles it), while a long wait — a slow deletion feed, a 60 s
 * Retry-After, the shared limiter — sent none and looked like a dead worker. So every sync
 * activity gets a pulse: a timer that heartbeats a few times per heartbeat timeout for as long
 * as the attempt runs (waits included), carrying the latest progress the activity reported.
 * The heartbeat's answer is also how an attempt learns it was cancelled or timed out: activities
 * call `stopIfCancelled()` before each write, so a cancelled attempt never starts another one.
 */
import { CancelledFailure, Context } from '@temporalio/activity';

/** Heartbeats per heartbeat timeout; the SDK sends at most one per 0.8 × timeout anyway. */
const BEATS_PER_TIMEOUT = 4;
const MIN_INTERVAL_MS = 250;
const MAX_INTERVAL_MS = 10_000;
/** Without a heartbeat timeout a pulse still carries cancellation news now and then. */
const DEFAULT_INTERVAL_MS = 5_000;

class Pulse {
  details: unknown;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ctx: Context) {
    const timeout = ctx.info.heartbeatTimeoutMs;
    const interval = timeout ? Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.floor(timeout / BEATS_PER_TIMEOUT))) : DEFAULT_INTERVAL_MS;
    this.timer = setInterval(() => this.beat(), interval);
    this.timer.unref();
  }

  beat(): void {
    this.ctx.heartbeat(this.details);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const pulses = new WeakMap<Context, Pulse>();

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Called outside an activity (unit tests of the helpers, scripts): nothing to tell.
    return undefined;
  }
}

/**
 * Runs `fn` with a pulse for the current activity attempt. `beatAtStart: false` for an attempt
 * that writes nothing (the cycle's check): one that ends before the first interval then sends no
 * heartbeat at all (each is encrypted and a call to Temporal), and its cancellation need not
 * reach it, as it has no write to stop.
 */
export async function withPulse<T>(fn: () => Promise<T>, opts: { beatAtStart?: boolean } = {}): Promise<T> {
  const ctx = currentContext();
  // A local activity has no heartbeat (its workflow task is kept alive instead).
  if (!ctx || ctx.info.isLocal || pulses.has(ctx)) return fn();
  const pulse = new Pulse(ctx);
  pulses.set(ctx, pulse);
  // At once, not only after an interval: an attempt shorter than that would never heartbeat,
  // and so never learn it was cancelled before its next write (test/sync/run-cancelled).
  if (opts.beatAtStart !== false) pulse.beat();
  try {
    return await fn();
  } finally {
    pulse.stop();
    pulses.delete(ctx);
  }
}

/** What the next heartbeat reports (shown in the UI as the activity's heartbeat details). */
export function progress(details: Record<string, unknown>): void {
  const ctx = currentContext();
  if (!ctx) return;
  const pulse = pulses.get(ctx);
  if (pulse) pulse.details = details;
}

/**
 * Throws the attempt's CancelledFailure once it was cancelled, timed out or its workflow asked
 * for it. Called before every write: what an attempt wrote before stopping stays unknown to the
 * workflow (the activity fails), and the saga resolves it as it resolves any failed batch.
 */
export function stopIfCancelled(): void {
  const ctx = currentContext();
  if (!ctx) return;
  const signal = ctx.cancellationSignal;
  if (!signal.aborted) return;
  throw signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure(`activity cancelled (${String(signal.reason)})`);
}

/** This activity's attempt number (1 outside an activity). */
export function activityAttempt(): number {
  return currentContext()?.info.attempt ?? 1;
}

/**
 * Until when this attempt may wait for a vendor's rate limit in-process: its start-to-close
 * deadline less a reserve for the work itself. Past that, the 429 goes to Temporal, whose
 * `nextRetryDelay` waits — which then costs an attempt, as a timeout would.
 */
export function rateLimitWaitDeadline(): number | undefined {
  const ctx = currentContext();
  if (!ctx) return undefined;
  const { currentAttemptScheduledTimestampMs: start, startToCloseTimeoutMs: budget } = ctx.info;
  if (!start || !budget) return undefined;
  const reserve = Math.max(2_000, budget / 4);
  return start + budget - reserve;
}
