/**
 * How many of a run's Personio write batches go out at once. More batches in flight than the
 * tenant's Personio client can serve only queue in its limiter, and a batch that waits there
 * still holds its activity slot and its start-to-close time; so a run keeps about a quarter
 * second's worth of the client's requests in flight (two at least, so one batch's timr lock
 * overlaps the next one's posts), never more than the tenant's configured concurrency.
 */
const SECONDS_IN_FLIGHT = 0.25;

export function batchesInFlight(configured: number, ratePerSecond: number | undefined): number {
  if (ratePerSecond === undefined) return configured;
  return Math.min(configured, Math.max(2, Math.ceil(ratePerSecond * SECONDS_IN_FLIGHT)));
}
