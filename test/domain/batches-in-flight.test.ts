import { describe, expect, it } from 'vitest';
import { batchesInFlight } from '../../src/domain/batches-in-flight.js';

describe('batches a run keeps in flight', () => {
  it('a rate-limited Personio client gets only what keeps its bucket busy: two batches at 5/s, not the configured eight', () => {
    expect(batchesInFlight(8, 5)).toBe(2);
    expect(batchesInFlight(8, 1)).toBe(2);
  });

  it('grows with the client rate (a quarter second per request in flight) up to the configured concurrency', () => {
    expect(batchesInFlight(8, 12)).toBe(3);
    expect(batchesInFlight(8, 25)).toBe(7);
    expect(batchesInFlight(8, 33)).toBe(8);
    expect(batchesInFlight(8, 1000)).toBe(8);
    expect(batchesInFlight(32, 1000)).toBe(32);
  });

  it('never more than configured, and the configured value when the rate is unknown (plans of older versions)', () => {
    expect(batchesInFlight(1, 5)).toBe(1);
    expect(batchesInFlight(4, undefined)).toBe(4);
  });
});
