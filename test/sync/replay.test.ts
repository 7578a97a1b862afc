/**
 * Determinism guard: recorded histories of both workflows (see
 * scripts/record-replay-histories.ts) must replay on the current workflow code. A failure here
 * means a change would break workflows already running in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../src/devstack/temporal-cli.js';
import { workflowBundle } from '../helpers/temporal.js';

const DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'histories');

describe('replay of recorded histories', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('has recordings of the tenant workflow and of its runs', () => {
    expect(files).toContain('tenant.json');
    expect(files.filter((f) => f.startsWith('tenant-run-')).length).toBeGreaterThanOrEqual(2);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(readFileSync(path.join(DIR, f), 'utf8'))) }));
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: workflowBundle() }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error });
    }
    expect(results.map((r) => r.workflowId).sort()).toEqual([...files].sort());
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });
});
