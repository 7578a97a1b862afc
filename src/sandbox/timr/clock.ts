/**
 * Server time for timr audit fields. `last_modified_after` is a strict comparison, so two
 * writes must never share a timestamp: a poller that saw the first would silently miss the
 * second. Writes within one millisecond therefore advance the clock by a millisecond.
 */
export class MonotonicClock {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Wall-clock time, for token expiry and problem timestamps. */
  current(): Date {
    return this.now();
  }

  /** A UTC RFC 3339 instant strictly after every instant this clock returned before. */
  tick(): string {
    const ms = Math.max(this.now().getTime(), this.last + 1);
    this.last = ms;
    return new Date(ms).toISOString();
  }

  /** Makes later ticks come after a timestamp loaded from outside (a seed). */
  observe(instant: string): void {
    const ms = Date.parse(instant);
    if (Number.isFinite(ms) && ms > this.last) this.last = ms;
  }
}
