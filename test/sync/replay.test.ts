/**
 * Determinism guard: the histories recorded for every kept release (test/fixtures/histories/<version>/,
 * see scripts/record-replay-histories.ts) must replay on the current workflow code. A failure
 * names the release whose workflows this change would break if they ran on it — make the change
 * with patched(), or keep that release's workers until its workflows drained (README "Deploying a
 * workflow change").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryJson, replayHistories } from '../../src/deploy/replay.js';
import { HISTORIES_DIR, historyFiles, historyVersions } from '../helpers/history-fixtures.js';
import { workflowBundle } from '../helpers/temporal.js';

const versions = historyVersions();

describe('replay of the histories recorded for each release', () => {
  it('keeps at least the first release, every folder a release', () => {
    expect(versions).toContain('v0.1.0');
    // A stray file or folder would be silently skipped; there are none.
    expect(readdirSync(HISTORIES_DIR).sort()).toEqual([...versions].sort());
  });

  it.each(versions)('%s: has the tenant workflow and at least two of its runs', (version) => {
    const files = historyFiles(version);
    expect(files).toContain('tenant.json');
    expect(files.filter((f) => /^tenant-run-\d+\.json$/.test(f)).length).toBeGreaterThanOrEqual(2);
  });

  it.each(versions)('%s: every history replays on the current code without a nondeterminism error', async (version) => {
    const files = historyFiles(version);
    const histories = files.map((f) => {
      const file = path.join(HISTORIES_DIR, version, f);
      return { workflowId: `${version}/${f}`, history: parseHistoryJson(readFileSync(file, 'utf8'), file) };
    });
    const verdicts = await replayHistories(histories, { workflowBundle: workflowBundle() });
    expect(verdicts.map((v) => v.workflowId)).toEqual(files.map((f) => `${version}/${f}`));
    for (const v of verdicts) expect(v.error, `${v.workflowId}: ${v.error}`).toBeNull();
    // Each file holds the workflow its name says (a mislabelled recording would test the wrong thing).
    for (const v of verdicts) expect(v.workflowType, v.workflowId).toBe(v.workflowId.endsWith('/tenant.json') ? 'tenantSyncWorkflow' : 'syncRunWorkflow');
  });
});
