import { describe, expect, it } from 'vitest';
import { countProcesses } from '../../src/activities/ip-share.js';

describe('countProcesses', () => {
  const now = 1_000_000;
  it('counts distinct identities polled lately, this process always included', () => {
    const pollers = [
      { identity: '1@a', lastAccessMs: now - 1_000 },
      { identity: '1@a', lastAccessMs: now - 5_000 },
      { identity: '2@b', lastAccessMs: now - 70_000 },
      { identity: '3@c', lastAccessMs: now - 80_000 },
      { identity: '', lastAccessMs: now },
    ];
    expect(countProcesses(pollers, 'self@x', now, 75_000)).toBe(3);
    expect(countProcesses(pollers, '1@a', now, 75_000)).toBe(2);
    expect(countProcesses([], 'self@x', now, 75_000)).toBe(1);
  });

  it('a poller without a last access time counts (unknown is not gone)', () => {
    expect(countProcesses([{ identity: '9@z' }], 'self@x', now, 75_000)).toBe(2);
  });
});
