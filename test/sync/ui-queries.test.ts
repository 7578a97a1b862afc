/**
 * The saved queries the README gives support ("Finding problems in the Temporal UI"), each run
 * as written against the test stack: two tenants in known states, and every query must bring
 * back exactly the expected ones of their workflows (the shared dev server holds other files'
 * workflows too; those are left out of the comparison, not out of the query).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseTenant, syncTenantNow } from '../../src/control/tenants.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { recordMatchedEntry, startSyncFixture, type SyncFixture } from '../helpers/sync-fixture.js';
import { waitUntil } from '../helpers/wait.js';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');

/** The queries of the README's saved-queries table, in order. */
function readmeQueries(): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('### Finding problems in the Temporal UI');
  expect(start, 'README section "Finding problems in the Temporal UI"').toBeGreaterThan(-1);
  const section = text.slice(start, text.indexOf('\n#', start + 10));
  const table = section.slice(section.indexOf('| Query |'));
  return [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('the README saved queries find what they say', () => {
  let fx: SyncFixture;
  let a: string;
  let b: string;
  beforeAll(async () => {
    fx = await startSyncFixture(generateDemoData({ seed: 21, tenants: 2, employees: 4, days: 7 }));
    [a, b] = fx.seed.tenants.map((t) => t.id) as [string, string];
    // b: Personio credentials regenerated while its first run posts → the run ends auth-failed, the tenant waits.
    await fx.control.addFault('personio', { tenantId: b, route: 'POST /v2/attendance-periods', fault: { kind: 'latency', minMs: 80, maxMs: 150 } });
    await Promise.all([fx.start(a), fx.start(b)]);
    await waitUntil('some of b\'s posts', async () => (await fx.control.requests('personio', b)).filter((r) => r.method === 'POST' && r.status === 201).length >= 4);
    await fx.control.rotateCredentials('personio', b);
    await fx.waitForStatus(b, (s) => s.status === 'auth-failed' && s.runInFlight === null, 60_000, 'b auth-failed');
    // a: run 1 quarantines the unmatched employee's entries; run 2 transfers one new entry (the quarantined ones are held).
    await fx.waitForCycles(a, 1, 90_000);
    await recordMatchedEntry(fx, a, '2026-11-03');
    await syncTenantNow(fx.client, a);
    await pauseTenant(fx.client, a);
  }, 180_000);
  afterAll(async () => {
    await fx?.teardown();
  });

  it('the tenants are where the queries expect them', async () => {
    const sa = await fx.status(a);
    expect(sa.recentRuns.map((r) => [r.runNumber, r.outcome, r.counts!.quarantined > 0])).toEqual([
      [2, 'succeeded', false],
      [1, 'succeeded', true],
    ]);
    const sb = await fx.status(b);
    expect(sb.recentRuns[0]).toMatchObject({ runNumber: 1, outcome: 'auth-failed' });
    expect(sb.quarantineCount).toBeGreaterThan(0);
  });

  it('every README query returns the expected workflows', async () => {
    const ta = `tenant/${a}`;
    const tb = `tenant/${b}`;
    const expected: Record<string, string[]> = {
      'SyncStatus="auth-failed"': [tb],
      'SyncStatus="paused"': [ta],
      'QuarantinedCount > 0': [ta, tb],
      'RunOutcome="succeeded-with-quarantine"': [`${ta}/run/1`],
      'RunOutcome="partial" OR RunOutcome="failed" OR RunOutcome="auth-failed"': [`${tb}/run/1`],
      'LastRunOutcome!="succeeded" AND LastRunOutcome!="none"': [tb],
      'TenantId="<id>"': [ta, `${ta}/run/1`, `${ta}/run/2`],
      'TenantId="<id>" AND ExecutionStatus="Running"': [ta],
      'TenantId="<id>" AND WorkflowType="syncRunWorkflow"': [`${ta}/run/1`, `${ta}/run/2`],
    };
    const queries = readmeQueries();
    // Each README query has an expectation here, and each expectation is in the README.
    expect(queries.sort()).toEqual(Object.keys(expected).sort());
    const ours = (id: string) => [ta, tb].some((t) => id === t || id.startsWith(`${t}/`));
    for (const query of queries) {
      const q = query.replaceAll('<id>', a);
      const want = [...expected[query]!].sort();
      let got: string[] = [];
      // Visibility is eventually consistent: the last upserts may take a moment to be indexed.
      await waitUntil(`${q} → ${want.join(', ')}`, async () => {
        got = [];
        for await (const wf of fx.client.workflow.list({ query: q })) if (ours(wf.workflowId)) got.push(wf.workflowId);
        got.sort();
        return JSON.stringify(got) === JSON.stringify(want);
      }, 30_000, 250).catch(() => undefined);
      expect(got, q).toEqual(want);
    }
  });
});
