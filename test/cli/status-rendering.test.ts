import { describe, expect, it } from 'vitest';
import { renderRunSummary, formatCounts } from '../../src/cli/format/run-summary.js';
import { renderStatusView } from '../../src/cli/format/status-view.js';
import { renderTenantList } from '../../src/cli/format/tenant-list.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import type { RunCounts, RunSummary, TenantStatusView } from '../../src/workflows/types.js';

const NOW = new Date('2026-11-26T10:00:00Z');

function counts(partial: Partial<RunCounts>): RunCounts {
  return { eligible: 0, transferred: 0, updated: 0, relocked: 0, deleted: 0, quarantined: 0, deferred: 0, failed: 0, unresolved: 0, notStarted: 0, compensations: 0, ...partial };
}

function view(partial: Partial<TenantStatusView> = {}): TenantStatusView {
  return {
    tenantId: 'acme',
    status: 'active',
    settings: TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme-creds', sync: { matching: { overrides: { 'u-7': 'p-9' } } } }),
    nextSyncAt: '2026-11-26T10:12:30Z',
    runInFlight: null,
    runCount: 2,
    cycles: 5,
    recentRuns: [],
    quarantined: [],
    unresolved: [],
    window: null,
    ...partial,
  };
}

const lineWith = (lines: string[], ...parts: string[]) => lines.find((l) => parts.every((p) => l.includes(p)));

/** The reason heading (indented two spaces) above the row of an entry. */
function reasonOf(lines: string[], entryId: string): string | undefined {
  const row = lines.findIndex((l) => l.includes(entryId));
  for (let i = row - 1; i >= 0; i--) if (/^ {2}\S/.test(lines[i] as string)) return (lines[i] as string).trim();
  return undefined;
}

describe('renderStatusView', () => {
  it('shows status, next sync relative to now, and settings under their --set paths', () => {
    const lines = renderStatusView(view(), NOW);
    expect(lineWith(lines, 'Status', 'active')).toBeDefined();
    expect(lineWith(lines, 'Next sync', '2026-11-26T10:12:30Z', 'in 12m 30s')).toBeDefined();
    expect(lineWith(lines, 'Run in flight', 'none')).toBeDefined();
    expect(lineWith(lines, 'Cycles', '5 done', '2 of them')).toBeDefined();
    expect(lineWith(lines, 'intervalSeconds', '900 (15m)')).toBeDefined();
    expect(lineWith(lines, 'credentialsRef', 'acme-creds')).toBeDefined();
    expect(lineWith(lines, 'sync.matching.overrides.u-7', 'p-9')).toBeDefined();
    expect(lineWith(lines, 'sync.zeitausgleich.typeIds', '(none)')).toBeDefined();
    expect(lines.some((l) => /^\s*tenantId\b/.test(l))).toBe(false);
    expect(lineWith(lines, 'none yet')).toBeDefined();
  });

  it('explains a paused tenant and how to resume it', () => {
    const lines = renderStatusView(view({ status: 'paused', statusReason: 'paused by an operator', nextSyncAt: null }), NOW);
    expect(lineWith(lines, 'Status', 'paused (paused by an operator)')).toBeDefined();
    expect(lineWith(lines, 'timr-sync resume acme')).toBeDefined();
    expect(lineWith(lines, 'Next sync', 'tenant is paused')).toBeDefined();
  });

  it('tells support how to recover from rejected credentials, naming the credentials ref', () => {
    const lines = renderStatusView(view({ status: 'auth-failed', statusReason: 'Personio rejected the client credentials' }), NOW);
    expect(lineWith(lines, 'auth-failed (Personio rejected the client credentials)')).toBeDefined();
    expect(lineWith(lines, 'timr-sync secrets set acme-creds', 'timr-sync resume acme')).toBeDefined();
  });

  it('lists recent runs with outcome, duration and counts, and errors of failed runs', () => {
    const runs: RunSummary[] = [
      {
        runNumber: 2,
        workflowId: 'tenant/acme/run/2',
        startedAt: '2026-11-26T09:45:00Z',
        finishedAt: '2026-11-26T09:45:07Z',
        outcome: 'partial',
        counts: counts({ eligible: 14, transferred: 12, quarantined: 2 }),
      },
      { runNumber: 1, workflowId: '(check)', startedAt: '2026-11-26T09:30:00Z', finishedAt: '2026-11-26T09:30:00Z', outcome: 'failed', error: 'timr answered 503' },
    ];
    const lines = renderStatusView(view({ recentRuns: runs }), NOW);
    expect(lineWith(lines, 'Recent runs (2')).toBeDefined();
    expect(lineWith(lines, 'RUN', 'OUTCOME', 'STARTED', 'TOOK')).toBeDefined();
    expect(lineWith(lines, '#2', 'partial', '2026-11-26T09:45:00Z', '7s', '12 transferred, 2 quarantined of 14 eligible')).toBeDefined();
    expect(lineWith(lines, 'check', 'failed', 'error: timr answered 503')).toBeDefined();
  });

  it('lists quarantined entries (employee, date, entry id) under their reason, and how to retry', () => {
    const unmatched = 'Anna Berger (timr user u-1): no Personio person has the e-mail "anna@acme.test"';
    const lines = renderStatusView(
      view({
        quarantined: [
          { entryId: 'wt-41', employee: 'Anna Berger (timr user u-1)', date: '2026-11-20', reason: unmatched, lastModified: '2026-11-20T17:00:00Z' },
          { entryId: 'wt-42', employee: 'Jo Li (timr user u-2)', date: '2026-11-21', reason: 'Personio rejected the period: overlaps 08:00–12:00', lastModified: '2026-11-21T17:00:00Z' },
          { entryId: 'wt-43', employee: 'Anna Berger (timr user u-1)', date: '2026-11-23', reason: unmatched, lastModified: '2026-11-23T17:00:00Z' },
        ],
      }),
      NOW,
    );
    expect(lineWith(lines, 'Quarantined entries (3)')).toBeDefined();
    expect(reasonOf(lines, 'wt-41')).toBe(`${unmatched} (2 entries)`);
    expect(reasonOf(lines, 'wt-43')).toBe(`${unmatched} (2 entries)`);
    expect(reasonOf(lines, 'wt-42')).toBe('Personio rejected the period: overlaps 08:00–12:00');
    expect(lineWith(lines, 'wt-41', 'Anna Berger (timr user u-1)', '2026-11-20')).toBeDefined();
    expect(lineWith(lines, 'wt-42', 'Jo Li (timr user u-2)', '2026-11-21')).toBeDefined();
    expect(lines.filter((l) => l.includes(unmatched))).toHaveLength(1);
    expect(lineWith(lines, 'timr-sync retry acme')).toBeDefined();
    // Columns line up within a group.
    const a = lineWith(lines, 'wt-41') as string;
    const b = lineWith(lines, 'wt-43') as string;
    expect(a.indexOf('wt-41')).toBe(b.indexOf('wt-43'));
  });
});

describe('run summaries and tenant lists', () => {
  it('prints only the counts that are not zero', () => {
    expect(formatCounts(counts({ eligible: 3, transferred: 2, failed: 1 }))).toBe('2 transferred, 1 failed of 3 eligible');
    expect(formatCounts(counts({}))).toBe('nothing changed (0 eligible)');
  });

  it('summarises the run sync-now waited for', () => {
    const lines = renderRunSummary({
      runNumber: 4,
      workflowId: 'tenant/acme/run/4',
      startedAt: '2026-11-26T09:00:00Z',
      finishedAt: '2026-11-26T09:01:05Z',
      outcome: 'succeeded',
      counts: counts({ eligible: 5, transferred: 4, updated: 1 }),
    });
    expect(lines[0]).toBe('run #4 succeeded in 1m 5s (tenant/acme/run/4)');
    expect(lines[1]).toContain('4 transferred, 1 updated of 5 eligible');
  });

  it('names a failed check as the check, without a run number or workflow id', () => {
    const at = '2026-11-26T09:00:00Z';
    const lines = renderRunSummary({ runNumber: 0, workflowId: '(check)', startedAt: at, finishedAt: at, outcome: 'auth-failed', error: 'timr rejected the client credentials' });
    expect(lines[0]).toBe('the check auth-failed in 0s');
    const row = { tenantId: 'acme', workflowId: 'tenant/acme', status: 'RUNNING', syncStatus: 'auth-failed', lastRun: { runNumber: 0, workflowId: '(check)', outcome: 'auth-failed' as const, finishedAt: at }, nextSyncAt: null, quarantined: 0 };
    expect(lineWith(renderTenantList([row], { includeClosed: false, now: new Date('2026-11-26T09:00:05Z') }), 'acme', 'check auth-failed 5s ago')).toBeDefined();
  });

  it('renders tenants as a table and says when there are none', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    const rows = [
      {
        tenantId: 'acme',
        workflowId: 'tenant/acme',
        status: 'RUNNING',
        syncStatus: 'active',
        lastRun: { runNumber: 12, workflowId: 'tenant/acme/run/12', outcome: 'partial' as const, finishedAt: '2026-11-26T09:57:00Z' },
        nextSyncAt: '2026-11-26T10:12:00Z',
        quarantined: 3,
      },
      { tenantId: 'globex-at', workflowId: 'tenant/globex-at', status: 'COMPLETED', syncStatus: 'stopped' },
    ];
    const lines = renderTenantList(rows, { includeClosed: true, now });
    expect(lines[0]).toMatch(/^TENANT\s+SYNC STATUS\s+LAST RUN\s+NEXT SYNC\s+QUARANTINED\s+EXECUTION\s+WORKFLOW$/);
    expect(lineWith(lines, 'acme', 'active', '#12 partial 3m ago', 'in 12m', '3', 'RUNNING', 'tenant/acme')).toBeDefined();
    expect(lineWith(lines, 'globex-at', 'stopped', '?', '?', '?', 'COMPLETED', 'tenant/globex-at')).toBeDefined();
    expect(renderTenantList([], { includeClosed: false, now })[0]).toContain('--all');
  });
});
