import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startElapsedTicker } from '../../src/cli/format/elapsed-ticker.js';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (c: string) => chunks.push(c) } };
}

describe('startElapsedTicker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-26T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws one line in place on a terminal and clears it when stopped', () => {
    const { chunks, stream } = capture(true);
    const ticker = startElapsedTicker(stream, 'syncing acme…', { ttyIntervalMs: 1000 });
    vi.advanceTimersByTime(3000);
    expect(chunks.at(-1)).toBe('\r\x1b[2Ksyncing acme… 3s');
    expect(chunks.every((c) => !c.includes('\n'))).toBe(true);
    expect(ticker.stop()).toBe(3);
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
    vi.advanceTimersByTime(5000);
    expect(ticker.stop()).toBe(3);
    expect(chunks.at(-1)).toBe('\r\x1b[2K');
  });

  it('writes a plain line now and then when not on a terminal', () => {
    const { chunks, stream } = capture(false);
    const ticker = startElapsedTicker(stream, 'syncing acme…', { logIntervalMs: 15_000 });
    vi.advanceTimersByTime(14_000);
    expect(chunks).toEqual([]);
    vi.advanceTimersByTime(16_000);
    expect(chunks).toEqual(['syncing acme… 15s\n', 'syncing acme… 30s\n']);
    ticker.stop();
    vi.advanceTimersByTime(60_000);
    expect(chunks).toHaveLength(2);
  });
});
