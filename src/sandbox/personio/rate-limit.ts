/**
 * Fixed-window request counting for the sandbox's rate limits. Windows are aligned to the
 * epoch (a window of 60 s starts on the minute), so Retry-After is the time to the next
 * boundary, the way gateway counters behave.
 */
export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  start: number;
  count: number;
}

export class FixedWindowLimiter {
  private windows = new Map<string, Window>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Counts one request for `key` and says whether it is within `limit` for the current window. */
  hit(key: string, limit: number, windowSeconds: number): LimitDecision {
    const t = this.now().getTime();
    const size = windowSeconds * 1000;
    const start = Math.floor(t / size) * size;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 10_000) this.prune(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + size - t) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }

  private prune(currentStart: number): void {
    for (const [key, w] of this.windows) if (w.start !== currentStart) this.windows.delete(key);
  }
}
