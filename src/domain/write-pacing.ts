/**
 * How a run sizes its Personio writes by the rate its tenant's Personio client gets (every
 * rule gives the configured value when the rate is unknown: plans of older versions).
 *
 * Batches in flight: more than the client can serve only queue in its limiter, and a batch that
 * waits there still holds its activity slot and its start-to-close time; so a run keeps about a
 * quarter second's worth of the client's requests in flight (two at least, so one batch's timr
 * lock overlaps the next one's posts), never more than the tenant's configured concurrency.
 *
 * Entries per batch: every batch is two activities (post, lock), each about 10 ms of Temporal
 * server and worker CPU whatever its size. Ten entries are about 27 requests, seconds of a
 * rate-limited client's time (5.4 s at 5/s, so a killed worker's batch is redone quickly), but
 * only 27 ms at 1000/s, where that overhead was half of a backfill's CPU (docs/performance.md).
 * So a batch takes a twentieth of the rate in entries (about 0.15 s of requests), ten at least,
 * never more than the tenant's batchSize.
 *
 * Entries per run: every run costs a plan (the window re-read from the cache plus timr's
 * changes since) and a child workflow's start and end, about a quarter second in all. A run of
 * 200 is minutes of a rate-limited client's requests (108 s at 5/s) but half a second at
 * 1000/s, where 24 such runs were a third of a 4,600-entry backfill (docs/performance.md). So a
 * run takes half the rate in entries (about 1.35 s of requests), 200 at least, never more than
 * the tenant's chunkSize.
 */
const SECONDS_IN_FLIGHT = 0.25;
const MIN_ENTRIES_PER_BATCH = 10;
const ENTRIES_PER_REQUEST_PER_SECOND = 1 / 20;
const MIN_ENTRIES_PER_RUN = 200;
const RUN_ENTRIES_PER_REQUEST_PER_SECOND = 1 / 2;

/** The configured value, or a share of the rate (`least` at least) when it is known — never more than configured. */
function byRate(configured: number, ratePerSecond: number | undefined, least: number, perRequestPerSecond: number): number {
  if (ratePerSecond === undefined) return configured;
  return Math.min(configured, Math.max(least, Math.ceil(ratePerSecond * perRequestPerSecond)));
}

export function batchesInFlight(configured: number, ratePerSecond: number | undefined): number {
  return byRate(configured, ratePerSecond, 2, SECONDS_IN_FLIGHT);
}

export function entriesPerBatch(configured: number, ratePerSecond: number | undefined): number {
  return byRate(configured, ratePerSecond, MIN_ENTRIES_PER_BATCH, ENTRIES_PER_REQUEST_PER_SECOND);
}

export function entriesPerRun(configured: number, ratePerSecond: number | undefined): number {
  return byRate(configured, ratePerSecond, MIN_ENTRIES_PER_RUN, RUN_ENTRIES_PER_REQUEST_PER_SECOND);
}
