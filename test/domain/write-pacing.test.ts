import { describe, expect, it } from 'vitest';
import { batchesInFlight, entriesPerBatch, entriesPerRun } from '../../src/domain/write-pacing.js';

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

describe('entries per write batch', () => {
  it("stays at ten up to 200/s: a batch of ten is a few seconds of a rate-limited client's requests (5.4 s at 5/s)", () => {
    expect(entriesPerBatch(50, 5)).toBe(10);
    expect(entriesPerBatch(50, 33)).toBe(10);
    expect(entriesPerBatch(50, 200)).toBe(10);
  });

  it("grows with the client's rate (a twentieth of it) up to the configured size: 50 at 1000/s", () => {
    expect(entriesPerBatch(50, 300)).toBe(15);
    expect(entriesPerBatch(50, 1000)).toBe(50);
    expect(entriesPerBatch(50, 100_000)).toBe(50);
    expect(entriesPerBatch(25, 1000)).toBe(25);
  });

  it('never more than configured (a tenant that set 3 keeps 3), and the configured size when the rate is unknown', () => {
    expect(entriesPerBatch(3, 1000)).toBe(3);
    expect(entriesPerBatch(1, 5)).toBe(1);
    expect(entriesPerBatch(50, undefined)).toBe(50);
  });
});

describe('entries per run', () => {
  it("stays at 200 up to 400/s: a run of 200 is minutes of a rate-limited client's requests", () => {
    expect(entriesPerRun(500, 5)).toBe(200);
    expect(entriesPerRun(500, 400)).toBe(200);
  });

  it("grows with the client's rate (half of it) up to the configured chunkSize: 500 at 1000/s", () => {
    expect(entriesPerRun(500, 600)).toBe(300);
    expect(entriesPerRun(500, 1000)).toBe(500);
    expect(entriesPerRun(500, 100_000)).toBe(500);
    expect(entriesPerRun(300, 1000)).toBe(300);
  });

  it('never more than configured (a tenant that set 8 keeps 8), and the configured size when the rate is unknown', () => {
    expect(entriesPerRun(8, 1000)).toBe(8);
    expect(entriesPerRun(150, 5)).toBe(150);
    expect(entriesPerRun(500, undefined)).toBe(500);
  });
});
