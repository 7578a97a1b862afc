/**
 * How status and report show what became of every entry (issue 7): counts by fate with their
 * reasons, the entries behind them, and the types that need a decision with the commands.
 */
import { describe, expect, it } from 'vitest';
import { renderRunReport, renderWindowReport } from '../../src/cli/format/fates.js';
import { renderStatusView } from '../../src/cli/format/status-view.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import type { SyncRunReport, TenantStatusView, WindowView } from '../../src/workflows/types.js';

const NOW = new Date('2026-11-26T10:00:00Z');
const lineWith = (lines: string[], ...parts: string[]) => lines.find((l) => parts.every((p) => l.includes(p)));

const window: WindowView = {
  source: 'run',
  runNumber: 3,
  at: '2026-11-26T09:45:07Z',
  fates: {
    groups: [
      { fate: 'transferred', reason: 'transferred before, unchanged since', count: 110, sample: [{ entryId: 'wt-1', employee: 'Anna Berger (timr user u-1)', date: '2026-11-20' }] },
      { fate: 'transferred', reason: 'transferred by this run', count: 2, sample: [{ entryId: 'wt-2', employee: 'Jo Li (timr user u-2)', date: '2026-11-25' }] },
      { fate: 'waiting', reason: 'still running in timr', count: 1, sample: [{ entryId: 'wt-3', employee: 'Jo Li (timr user u-2)', date: '2026-11-26' }] },
      { fate: 'not-attendance', reason: 'type "Zeitausgleich ganztägig" (za2) of category unpaid_time_off', count: 2, sample: [{ entryId: 'wt-4', employee: 'Anna Berger (timr user u-1)', date: '2026-11-21' }, { entryId: 'wt-5', employee: 'Anna Berger (timr user u-1)', date: '2026-11-22' }] },
      { fate: 'quarantined', reason: 'employee not matched to a Personio person', count: 1, sample: [{ entryId: 'wt-6', employee: 'Eva Roth (timr user u-3)', date: '2026-11-23', detail: 'no Personio person has the e-mail "eva@acme.test"' }] },
      { fate: 'empty', reason: 'lasts zero minutes: nothing to book', count: 1, sample: [{ entryId: 'wt-7', employee: 'Jo Li (timr user u-2)', date: '2026-11-24' }] },
    ],
  },
  decisions: [
    { typeId: 'za2', name: 'Zeitausgleich ganztägig', externalId: null, category: 'unpaid_time_off', entries: 2, zeitausgleichHint: 'its name "Zeitausgleich ganztägig" contains "ausgleich"', zeitausgleichSettings: ['sync.zeitausgleich.typeIds+=za', 'sync.zeitausgleich.typeIds+=za2'], ignoreSetting: 'sync.ignoreTypeIds+=za2' },
    { typeId: 'vac', name: 'Urlaub', externalId: null, category: 'vacation', entries: 0, zeitausgleichSettings: ['sync.zeitausgleich.typeIds=["za","vac"]'], ignoreSetting: 'sync.ignoreTypeIds+=vac' },
  ],
};

function view(partial: Partial<TenantStatusView> = {}): TenantStatusView {
  return {
    tenantId: 'acme',
    status: 'active',
    settings: TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme' }),
    nextSyncAt: null,
    runInFlight: null,
    runCount: 3,
    cycles: 5,
    recentRuns: [],
    quarantined: [],
    unresolved: [],
    window,
    ...partial,
  };
}

describe('status: the window by fate and the decisions to make', () => {
  it('counts every fate with its reasons, says where the view comes from, and names the report command', () => {
    const lines = renderStatusView(view(), NOW);
    expect(lineWith(lines, 'Entries in the look-back window', '117', 'run #3', '2026-11-26T09:45:07Z')).toBeDefined();
    expect(lineWith(lines, 'transferred', '112', 'transferred before, unchanged since (110)', 'transferred by this run (2)')).toBeDefined();
    expect(lineWith(lines, 'waiting (unfinished or unapproved)', '1', 'still running in timr')).toBeDefined();
    expect(lineWith(lines, 'not an attendance', '2', 'Zeitausgleich ganztägig')).toBeDefined();
    expect(lineWith(lines, 'empty (zero minutes)', '1')).toBeDefined();
    expect(lineWith(lines, 'timr-sync report acme')).toBeDefined();
  });

  it('between full passes: the view as of its time, and beside it what timr changed since', () => {
    const changes = { at: '2026-11-26T10:30:00Z', fates: { groups: [{ fate: 'waiting' as const, reason: 'still running in timr', count: 2, sample: [{ entryId: 'wt-9', employee: 'Jo Li (timr user u-2)', date: '2026-11-26' }] }] } };
    const lines = renderStatusView(view({ window: { ...window, changes } }), NOW);
    expect(lineWith(lines, 'Entries in the look-back window', '117', 'run #3')).toBeDefined();
    expect(lineWith(lines, 'Changed in timr since then', '2 changes', '2026-11-26T10:30:00Z')).toBeDefined();
    expect(lineWith(lines, 'waiting (unfinished or unapproved)', '2', 'still running in timr (2)')).toBeDefined();
    const report = renderWindowReport('acme', { ...window, changes });
    expect(lineWith(report, 'Changed in timr since then')).toBeDefined();
    expect(lineWith(report, 'wt-9')).toBeDefined();
  });

  it('lists each undecided type with both commands, and calls out a renamed Zeitausgleich', () => {
    const lines = renderStatusView(view(), NOW);
    expect(lineWith(lines, 'Working-time types that need a decision (2)')).toBeDefined();
    expect(lineWith(lines, 'Zeitausgleich ganztägig', 'unpaid_time_off', 'za2', '2 entries', 'looks like a renamed Zeitausgleich', 'contains "ausgleich"')).toBeDefined();
    expect(lineWith(lines, 'timr-sync config acme --set sync.zeitausgleich.typeIds+=za --set sync.zeitausgleich.typeIds+=za2')).toBeDefined();
    expect(lineWith(lines, 'timr-sync config acme --set sync.ignoreTypeIds+=za2')).toBeDefined();
    expect(lineWith(lines, 'Urlaub', 'vacation', 'no entries')).toBeDefined();
    expect(lineWith(lines, 'Urlaub', 'renamed')).toBeUndefined();
  });

  it('before the first check, and without decisions, says so', () => {
    expect(lineWith(renderStatusView(view({ window: null }), NOW), 'not read yet')).toBeDefined();
    const lines = renderStatusView(view({ window: { ...window, decisions: [] } }), NOW);
    expect(lineWith(lines, 'need a decision')).toBeUndefined();
  });
});

describe('report: the entries behind the counts', () => {
  it('the window: every group with its entries (employee, date, entry, detail) and how many are not shown', () => {
    const lines = renderWindowReport('acme', window);
    expect(lineWith(lines, 'transferred (112)')).toBeDefined();
    expect(lineWith(lines, 'transferred before, unchanged since', '110', '1 of them shown')).toBeDefined();
    expect(lineWith(lines, 'wt-1', 'Anna Berger (timr user u-1)', '2026-11-20')).toBeDefined();
    expect(lineWith(lines, 'wt-6', 'Eva Roth', 'no Personio person has the e-mail')).toBeDefined();
    expect(lineWith(lines, 'not an attendance (2)')).toBeDefined();
    expect(lineWith(lines, 'wt-5', '2026-11-22')).toBeDefined();
  });

  it('a run: outcome, counts, fates, and writes of unknown outcome', () => {
    const report: SyncRunReport = {
      tenantId: 'acme',
      runId: 'tenant/acme/run/3',
      outcome: 'partial',
      counts: { eligible: 4, transferred: 2, updated: 0, relocked: 0, deleted: 0, quarantined: 1, deferred: 0, failed: 0, unresolved: 1, notStarted: 0, compensations: 0 },
      entries: [],
      quarantined: [],
      deletionWatermark: null,
      more: false,
      unresolved: [{ entryId: 'wt-9', userId: 'u-2', personId: 'p-2', periods: [], periodIds: [], run: 'tenant/acme/run/3', reason: 'lock in timr did not answer' }],
      fates: window.fates,
      decisions: window.decisions,
    };
    const lines = renderRunReport('acme', 3, report);
    expect(lines[0]).toBe('run #3 of tenant acme (tenant/acme/run/3): partial');
    expect(lineWith(lines, '2 transferred, 1 quarantined, 1 of unknown outcome')).toBeDefined();
    expect(lineWith(lines, 'quarantined (1)')).toBeDefined();
    expect(lineWith(lines, 'wt-9', 'lock in timr did not answer')).toBeDefined();
  });

  it('a run of an older version (no fates) says so instead of showing nothing', () => {
    const lines = renderRunReport('acme', 1, { tenantId: 'acme', runId: 'tenant/acme/run/1', outcome: 'succeeded', counts: { eligible: 0, transferred: 0, updated: 0, relocked: 0, deleted: 0, quarantined: 0, deferred: 0, failed: 0, unresolved: 0, notStarted: 0, compensations: 0 }, entries: [], quarantined: [], deletionWatermark: null, more: false });
    expect(lineWith(lines, 'no fates')).toBeDefined();
  });
});
