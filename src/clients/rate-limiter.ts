/**
 * Token bucket for outgoing vendor requests, plus a global pause. Personio limits per source IP,
 * so one worker process shares ONE limiter across all tenants: a 429 for any tenant pauses
 * every tenant until the vendor's Retry-After has passed.
 */

export interface RateLimiterOptions {
  /** Sustained requests per second (default 25). */
  ratePerSecond?: number;
  /** Requests that may go out at once after a quiet spell (default 25). */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  private pauseUntil = 0;
  /** Acquisitions are served one after another (FIFO), so only the head of the queue sleeps. */
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: RateLimiterOptions = {}) {
    this.ratePerSecond = opts.ratePerSecond ?? 25;
    this.burst = opts.burst ?? 25;
    if (!(this.ratePerSecond > 0) || !(this.burst >= 1)) {
      throw new Error(`rate limiter needs ratePerSecond > 0 and burst >= 1 (got ${this.ratePerSecond}, ${this.burst})`);
    }
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.tokens = this.burst;
    this.refilledAt = this.now();
  }

  /** Resolves when one request may be sent. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.takeOne());
    // A failure of one waiter (only possible with a custom sleep) must not block the rest.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every acquisition until `ms` from now; a shorter pause never cuts a longer one short. */
  pauseFor(ms: number): void {
    this.pauseUntil = Math.max(this.pauseUntil, this.now() + Math.max(0, ms));
  }

  /** Epoch ms until which requests are held (0 or past when not paused). */
  get pausedUntil(): number {
    return this.pauseUntil;
  }

  private async takeOne(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pauseUntil) {
        await this.sleep(this.pauseUntil - now);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
    }
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.refilledAt = now;
  }
}

function positiveNumberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

let sharedPersonio: RateLimiter | undefined;

/**
 * The process-wide Personio limiter. Rate and burst come from PERSONIO_RATE_PER_SECOND and
 * PERSONIO_RATE_BURST when set (read once, on first use), else 25 req/s with a burst of 25.
 */
export function getSharedPersonioLimiter(): RateLimiter {
  if (!sharedPersonio) {
    const ratePerSecond = positiveNumberFromEnv('PERSONIO_RATE_PER_SECOND');
    const burst = positiveNumberFromEnv('PERSONIO_RATE_BURST');
    sharedPersonio = new RateLimiter({
      ...(ratePerSecond !== undefined && { ratePerSecond }),
      ...(burst !== undefined && { burst }),
    });
  }
  return sharedPersonio;
}
