import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { SandboxControl, startSandbox } from '../../src/sandbox/index.js';

describe('sandbox control API: seed size', () => {
  it('takes a seed far above fastify’s 1 MiB default (the chaos soak’s default 4 × 30 × 24 tenants)', async () => {
    const seed = generateDemoData({ seed: 1, tenants: 4, employees: 30, days: 24 });
    expect(Buffer.byteLength(JSON.stringify(seed))).toBeGreaterThan(1024 * 1024);
    const sandbox = await startSandbox({ seed });
    try {
      const timr = await new SandboxControl(sandbox).state<Record<string, { workingTimes: unknown[] }>>('timr');
      const entries = Object.values(timr).reduce((n, t) => n + t.workingTimes.length, 0);
      expect(entries).toBe(seed.tenants.reduce((n, t) => n + t.timr.workingTimes.length, 0));
    } finally {
      await sandbox.stop();
    }
  });
});
