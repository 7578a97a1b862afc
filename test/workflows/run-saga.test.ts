/**
 * Every branch of the run saga with stub activities: no server, no HTTP, milliseconds. The
 * stubs record the calls, so the tests can assert what was (not) written and in which order.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { LockOutcome, PlannedEntry, PostBatchInput, RunPlan, UnresolvedWrite } from '../../src/activities/contracts.js';
import { FailureType } from '../../src/clients/failure-types.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { RunSaga, type RunActivities } from '../../src/workflows/run-saga.js';
import type { SyncRunInput } from '../../src/workflows/types.js';

const settings = TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme', batchSize: 10, concurrency: 2 });

function entry(id: string, extra: Partial<PlannedEntry> = {}): PlannedEntry {
  return {
    entryId: id,
    employee: `Anna Berger (timr user u-${id})`,
    date: '2026-10-19',
    personId: 'p-1',
    userId: 'u-1',
    notOurs: [],
    periods: [{ type: 'WORK', start: '2026-10-19T08:00:00', end: '2026-10-19T12:00:00', comment: `note ${id}` }],
    fingerprint: `fp-${id}`,
    lastModified: '2026-10-19T17:00:00Z',
    kind: 'new',
    warnings: [],
    ...extra,
  };
}

function planOf(entries: PlannedEntry[], extra: Partial<RunPlan> = {}): RunPlan {
  return { entries, quarantined: [], deletions: [], deletionWatermark: '2026-10-20T00:00:00Z', more: false, releasedQuarantine: [], eligible: entries.length, ...extra };
}

const auth = () => ApplicationFailure.create({ message: 'Personio rejected the client credentials of tenant "acme"', type: FailureType.AuthRejected, nonRetryable: true });
const transient = () => ApplicationFailure.create({ message: 'Personio POST failed transiently (HTTP 503)', type: FailureType.Transient });

type Call = { name: keyof RunActivities; input: unknown };

/** Stub activities: by default every post creates `<entry>-w`, every lock succeeds. */
function stubs(plan: RunPlan, over: Partial<RunActivities> = {}) {
  const calls: Call[] = [];
  const log =
    <K extends keyof RunActivities>(name: K, fn: RunActivities[K]): RunActivities[K] =>
    ((input: never, summary: string) => {
      calls.push({ name, input });
      return (fn as (i: never, s: string) => Promise<unknown>)(input, summary);
    }) as RunActivities[K];
  const acts: RunActivities = {
    plan: log('plan', over.plan ?? (async () => plan)),
    resolveWrites: log('resolveWrites', over.resolveWrites ?? (async (i) => ({ resolved: i.writes.map((w) => ({ entryId: w.entryId, resolution: 'removed' as const, removed: 1, kept: 0 })) }))),
    post: log('post', over.post ?? (async (i: PostBatchInput) => ({ results: i.entries.map((e) => ({ ok: true as const, entryId: e.entryId, periodIds: [`${e.entryId}-w`], created: 1, adopted: 0, removed: 0 })) }))),
    lock: log('lock', over.lock ?? (async (i) => ({ results: i.entries.map((e): LockOutcome => ({ outcome: 'locked', entryId: e.entryId })) }))),
    inspectLocks: log('inspectLocks', over.inspectLocks ?? (async () => ({ locked: [] }))),
    removeDeleted: log('removeDeleted', over.removeDeleted ?? (async (i) => ({ deleted: i.periodIds.length, alreadyGone: 0 }))),
    compensate: log('compensate', over.compensate ?? (async (i) => ({ deleted: i.periodIds.length, alreadyGone: 0 }))),
  };
  return { acts, calls };
}

async function runSaga(plan: RunPlan, over: Partial<RunActivities> = {}, input: Partial<SyncRunInput> = {}, cancelled = () => false) {
  const { acts, calls } = stubs(plan, over);
  const saga = new RunSaga({ settings, runNumber: 1, quarantined: [], deletionWatermark: null, ...input }, acts, { runId: 'tenant/acme/run/1', nonCancellable: (fn) => fn(), isCancelled: cancelled });
  const report = await saga.run();
  return { report, calls, saga, outcomeOf: (id: string) => report.entries.find((e) => e.entryId === id) };
}

describe('run saga: batches in flight', () => {
  /** Post and lock stubs that record how many batches are in flight at once. */
  function concurrencyProbe() {
    let now = 0;
    let most = 0;
    const slow = async <T>(fn: () => T): Promise<T> => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
      return fn();
    };
    return {
      most: () => most,
      over: {
        post: (i: PostBatchInput) => slow(() => ({ results: i.entries.map((e) => ({ ok: true as const, entryId: e.entryId, periodIds: [`${e.entryId}-w`], created: 1, adopted: 0, removed: 0 })) })),
        lock: (i: { entries: { entryId: string }[] }) => slow(() => ({ results: i.entries.map((e): LockOutcome => ({ outcome: 'locked', entryId: e.entryId })) })),
      } as Partial<RunActivities>,
    };
  }
  const sixty = Array.from({ length: 60 }, (_, i) => entry(`e${i}`, { personId: `p-${i}` }));
  const eight = TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme', batchSize: 5, concurrency: 8 });

  it("keeps no more batches in flight than the Personio client's rate can use (2 at 5/s), though concurrency allows 8", async () => {
    const probe = concurrencyProbe();
    const { report } = await runSaga(planOf(sixty, { personioRatePerSecond: 5 }), probe.over, { settings: eight });
    expect(report.counts).toMatchObject({ transferred: 60 });
    expect(probe.most()).toBe(2);
  });

  it('uses the configured concurrency at a high rate, and when the plan names no rate (older versions)', async () => {
    for (const extra of [{ personioRatePerSecond: 1000 }, {}]) {
      const probe = concurrencyProbe();
      const { report } = await runSaga(planOf(sixty, extra), probe.over, { settings: eight });
      expect(report.counts).toMatchObject({ transferred: 60 });
      expect(probe.most(), JSON.stringify(extra)).toBe(8);
    }
  });
});

describe('run saga: entries per batch', () => {
  const sixty = Array.from({ length: 60 }, (_, i) => entry(`e${i}`, { personId: `p-${i}` }));
  const sizes = (calls: Call[], name: keyof RunActivities) => calls.filter((c) => c.name === name).map((c) => (c.input as PostBatchInput).entries.length);

  it('batches as the plan says (sized by the Personio rate where it was planned), at most the configured batchSize', async () => {
    const settings50 = TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme', batchSize: 50, concurrency: 2 });
    const { report, calls } = await runSaga(planOf(sixty, { entriesPerBatch: 25 }), {}, { settings: settings50 });
    expect(report.counts).toMatchObject({ transferred: 60 });
    expect(sizes(calls, 'post')).toEqual([25, 25, 10]);
    expect(sizes(calls, 'lock')).toEqual([25, 25, 10]);
  });

  it('a plan that names no batch size (older versions) batches by the settings, as those runs did', async () => {
    const settings7 = TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme', batchSize: 7, concurrency: 2 });
    const { calls } = await runSaga(planOf(sixty, { personioRatePerSecond: 1000 }), {}, { settings: settings7 });
    expect(sizes(calls, 'post')).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
  });
});

describe('run saga: the happy paths', () => {
  it('posts then locks; the report and counts derive from the ledger', async () => {
    const { report, calls } = await runSaga(planOf([entry('a'), entry('b')]));
    expect(calls.map((c) => c.name)).toEqual(['plan', 'post', 'lock']);
    expect(report.outcome).toBe('succeeded');
    expect(report.counts).toMatchObject({ eligible: 2, transferred: 2, failed: 0, unresolved: 0 });
    expect(report.entries.map((e) => [e.entryId, e.outcome, e.periodIds])).toEqual([
      ['a', 'transferred', ['a-w']],
      ['b', 'transferred', ['b-w']],
    ]);
    expect(report.unresolved).toEqual([]);
  });

  it('a re-transfer removes the old periods with its post and reports updated; a relock posts nothing', async () => {
    const previous = { periodIds: ['old'], personId: 'p-1', fingerprint: 'fp-old', run: 'r0' };
    const { report, calls, outcomeOf } = await runSaga(planOf([entry('a', { kind: 'retransfer', previous }), entry('b', { kind: 'relock', previous })]));
    const post = calls.find((c) => c.name === 'post')!.input as PostBatchInput;
    expect(post.entries.map((e) => [e.entryId, e.removeFirst, e.reconcile])).toEqual([['a', ['old'], true]]);
    expect(outcomeOf('a')?.outcome).toBe('updated');
    expect(outcomeOf('b')).toMatchObject({ outcome: 'relocked', periodIds: ['old'] });
    expect(report.counts.compensations).toBe(0);
  });

  it('plan quarantine and deletions are part of the ledger and the report', async () => {
    const plan = planOf([entry('a')], {
      quarantined: [{ entryId: 'q', employee: 'Eva', date: '2026-10-19', reason: 'no Personio person', lastModified: 'lm' }],
      deletions: [{ entryId: 'gone', periodIds: ['x', 'y'], lastModified: 'lm' }],
    });
    const { report, outcomeOf } = await runSaga(plan);
    expect(outcomeOf('q')).toMatchObject({ outcome: 'quarantined', reason: 'no Personio person' });
    expect(outcomeOf('gone')?.outcome).toBe('deleted');
    expect(report.quarantined).toEqual([{ entryId: 'q', employee: 'Eva', date: '2026-10-19', reason: 'no Personio person', lastModified: 'lm' }]);
    expect(report.deletionWatermark).toBe('2026-10-20T00:00:00Z');
  });
});

describe('run saga: every entry of the window has a fate in the report', () => {
  const planFates = {
    groups: [
      { fate: 'transferred' as const, reason: 'transferred before, unchanged since', count: 30, sample: [{ entryId: 'old-1' }] },
      { fate: 'waiting' as const, reason: 'still running in timr', count: 1, sample: [{ entryId: 'run-1' }] },
      { fate: 'not-attendance' as const, reason: 'type "Urlaub" (vac) of category vacation', count: 2, sample: [{ entryId: 'v-1' }, { entryId: 'v-2' }] },
    ],
  };
  const decisions = [{ typeId: 'vac', name: 'Urlaub', externalId: null, category: 'vacation' as const, entries: 2, zeitausgleichSettings: ['sync.zeitausgleich.typeIds+=vac'], ignoreSetting: 'sync.ignoreTypeIds+=vac' }];

  it('the plan\'s fates plus one per ledger entry, by outcome and cause; fate counts agree with the run counts (were: dropped from the report)', async () => {
    const previous = { periodIds: ['old'], personId: 'p-1', fingerprint: 'fp-old', run: 'r0' };
    const plan = planOf([entry('a'), entry('b'), entry('c', { kind: 'retransfer', previous }), entry('d')], {
      fates: planFates,
      decisions,
      quarantined: [{ entryId: 'q', employee: 'Eva', date: '2026-10-19', reason: 'timr user u-9 has no Personio person with that e-mail', code: 'employee-match', lastModified: 'lm' }],
      deletions: [{ entryId: 'gone', periodIds: ['x'], lastModified: 'lm' }],
    });
    const { report } = await runSaga(plan, {
      post: async (i: PostBatchInput) => ({
        results: i.entries.map((e) =>
          e.entryId === 'd'
            ? { ok: false as const, entryId: 'd', failureType: FailureType.ValidationRejected, message: 'Period time range too long', periodIds: [] }
            : { ok: true as const, entryId: e.entryId, periodIds: [`${e.entryId}-w`], created: 1, adopted: 0, removed: 0 },
        ),
      }),
    });
    const fates = report.fates!;
    const group = (fate: string, reason?: RegExp) => fates.groups.filter((g) => g.fate === fate && (!reason || reason.test(g.reason)));
    expect(group('transferred', /before/)[0]?.count).toBe(30);
    expect(group('transferred', /this run/)[0]).toMatchObject({ count: 2, sample: [{ entryId: 'a', employee: expect.stringContaining('Anna'), date: '2026-10-19' }, { entryId: 'b' }] });
    expect(group('updated')[0]).toMatchObject({ count: 1, sample: [{ entryId: 'c' }] });
    expect(group('deleted')[0]).toMatchObject({ count: 1, sample: [{ entryId: 'gone' }] });
    expect(group('quarantined').map((g) => [g.reason, g.count])).toEqual([
      [expect.stringMatching(/employee/), 1],
      [expect.stringMatching(/refused/), 1],
    ]);
    expect(group('quarantined', /refused/)[0]!.sample[0]).toMatchObject({ entryId: 'd', detail: 'Period time range too long' });
    expect(group('waiting')[0]?.count).toBe(1);
    expect(report.decisions).toEqual(decisions);
    const byFate = (f: string) => fates.groups.filter((g) => g.fate === f).reduce((n, g) => n + g.count, 0);
    expect(byFate('transferred') - 30).toBe(report.counts.transferred);
    expect(byFate('updated')).toBe(report.counts.updated);
    expect(byFate('quarantined')).toBe(report.counts.quarantined);
    expect(byFate('deleted')).toBe(report.counts.deleted);
    expect(report.quarantined.find((q) => q.entryId === 'd')?.code).toBe('vendor-refused');
    expect(report.quarantined.find((q) => q.entryId === 'q')?.code).toBe('employee-match');
  });

  it('unknown outcomes are unresolved, failures and stops have their fates; a plan of an older version (no fates) still reports', async () => {
    const { report } = await runSaga(planOf([entry('a'), entry('b', { personId: 'p-2' })]), {
      post: async (i: PostBatchInput) => (i.entries[0]!.entryId === 'a' ? Promise.reject(transient()) : { results: [{ ok: true as const, entryId: 'b', periodIds: ['b-w'], created: 1, adopted: 0, removed: 0 }] }),
      lock: async () => ({ results: [{ outcome: 'refused', entryId: 'b', failureType: FailureType.Conflict, message: 'edited meanwhile' }] }),
    }, { settings: TenantSettings.parse({ tenantId: 'acme', credentialsRef: 'acme', batchSize: 1, concurrency: 1 }) });
    const fates = report.fates!.groups.map((g) => [g.fate, g.count, g.sample[0]?.entryId]);
    expect(fates).toEqual([
      ['deferred', 1, 'b'],
      ['unresolved', 1, 'a'],
    ]);
  });
});

describe('run saga: outcomes that are unknown are never treated as failures', () => {
  it('a post batch that fails for good leaves its entries unresolved with what was asked, and locks nothing', async () => {
    const { report, calls, outcomeOf } = await runSaga(planOf([entry('a')]), { post: async () => Promise.reject(transient()) });
    expect(calls.map((c) => c.name)).toEqual(['plan', 'post']);
    expect(outcomeOf('a')?.outcome).toBe('unresolved');
    expect(report.outcome).toBe('partial');
    expect(report.unresolved).toEqual([
      { entryId: 'a', userId: 'u-1', personId: 'p-1', periods: entry('a').periods, periodIds: [], run: 'tenant/acme/run/1', reason: expect.stringContaining('503') },
    ]);
  });

  it('a lock batch that fails for good is read back: entries timr holds with our record are locked, nothing is compensated', async () => {
    const { calls, outcomeOf } = await runSaga(planOf([entry('a'), entry('b')]), {
      lock: async () => Promise.reject(transient()),
      inspectLocks: async () => ({ locked: ['a'] }),
    });
    expect(outcomeOf('a')?.outcome).toBe('transferred');
    // b is known not locked: only its periods are taken back.
    expect(calls.filter((c) => c.name === 'compensate').map((c) => (c.input as { periodIds: string[] }).periodIds)).toEqual([['b-w']]);
    expect(outcomeOf('b')?.outcome).toBe('failed');
  });

  it('a lock that cannot even be read back stays unresolved with its posted ids', async () => {
    const { report, calls } = await runSaga(planOf([entry('a')]), { lock: async () => Promise.reject(transient()), inspectLocks: async () => Promise.reject(transient()) });
    expect(calls.some((c) => c.name === 'compensate')).toBe(false);
    expect(report.unresolved).toMatchObject([{ entryId: 'a', periodIds: ['a-w'] }]);
  });

  it('Personio refusing period k: the periods before it are compensated, then the entry is quarantined', async () => {
    const { report, calls, outcomeOf } = await runSaga(planOf([entry('a')]), {
      post: async () => ({ results: [{ ok: false as const, entryId: 'a', failureType: FailureType.ValidationRejected, message: 'Period time range too long', periodIds: ['a-1'] }] }),
    });
    expect(calls.filter((c) => c.name === 'compensate').map((c) => (c.input as { periodIds: string[] }).periodIds)).toEqual([['a-1']]);
    expect(outcomeOf('a')).toMatchObject({ outcome: 'quarantined', reason: 'Period time range too long' });
    expect(report.quarantined.map((q) => q.entryId)).toEqual(['a']);
    expect(report.counts.compensations).toBe(1);
  });

  it('a refusal before anything was created compensates nothing; a conflict defers', async () => {
    const { calls, outcomeOf } = await runSaga(planOf([entry('a')]), {
      post: async () => ({ results: [{ ok: false as const, entryId: 'a', failureType: FailureType.Conflict, message: 'conflict', periodIds: [] }] }),
    });
    expect(calls.some((c) => c.name === 'compensate')).toBe(false);
    expect(outcomeOf('a')?.outcome).toBe('deferred');
  });
});

describe('run saga: every compensation is guarded', () => {
  it('a compensation that fails leaves its ids unresolved; sibling batches finish; the run completes', async () => {
    const entries = Array.from({ length: 12 }, (_, i) => entry(`e${i}`, { personId: `p-${i}` }));
    const { report, outcomeOf } = await runSaga(planOf(entries), {
      lock: async (i) => ({
        results: i.entries.map((e): LockOutcome => (e.entryId === 'e0' ? { outcome: 'content-changed', entryId: 'e0', replan: null } : { outcome: 'locked', entryId: e.entryId })),
      }),
      compensate: async () => Promise.reject(auth()),
    });
    expect(outcomeOf('e0')?.outcome).toBe('unresolved');
    expect(report.unresolved).toMatchObject([{ entryId: 'e0', periodIds: ['e0-w'] }]);
    expect(report.outcome).toBe('auth-failed');
    // The other batch ran to its end (it had started before the credentials were refused).
    expect(report.entries.filter((e) => e.outcome === 'transferred').length).toBe(11);
  });

  it('content changed under the lock: compensate, post the locked content, lock again → updated', async () => {
    let locks = 0;
    const replan = entry('a', { periods: [{ type: 'WORK', start: '2026-10-19T09:00:00', end: '2026-10-19T12:00:00' }], fingerprint: 'fp-a2', userId: 'ignored', notOurs: [] });
    const { calls, outcomeOf } = await runSaga(planOf([entry('a', { notOurs: ['theirs'] })]), {
      lock: async (i) => ({ results: i.entries.map((e): LockOutcome => (locks++ === 0 ? { outcome: 'content-changed', entryId: e.entryId, replan } : { outcome: 'locked', entryId: e.entryId })) }),
    });
    expect(calls.map((c) => c.name)).toEqual(['plan', 'post', 'lock', 'compensate', 'post', 'lock']);
    const second = calls.filter((c) => c.name === 'post')[1]!.input as PostBatchInput;
    expect(second.entries[0]).toMatchObject({ periods: replan.periods, reconcile: true, notOurs: ['theirs'] });
    expect(outcomeOf('a')?.outcome).toBe('updated');
  });

  it('an entry that keeps changing is deferred after the last edit round', async () => {
    const { calls, outcomeOf } = await runSaga(planOf([entry('a')]), {
      lock: async (i) => ({ results: i.entries.map((e): LockOutcome => ({ outcome: 'content-changed', entryId: e.entryId, replan: entry('a', { fingerprint: `fp-${Math.random()}` }) })) }),
    });
    expect(calls.filter((c) => c.name === 'compensate')).toHaveLength(3);
    expect(outcomeOf('a')).toMatchObject({ outcome: 'deferred', reason: expect.stringContaining('kept changing') });
  });

  it('a lock conflict compensates a new transfer but never a relock, whose periods are the entry\'s own', async () => {
    const previous = { periodIds: ['old'], personId: 'p-1', fingerprint: 'fp', run: 'r0' };
    const { calls, outcomeOf } = await runSaga(planOf([entry('a'), entry('b', { kind: 'relock', previous })]), {
      lock: async (i) => ({ results: i.entries.map((e): LockOutcome => ({ outcome: 'refused', entryId: e.entryId, failureType: FailureType.Conflict, message: '409' })) }),
    });
    expect(calls.filter((c) => c.name === 'compensate').map((c) => (c.input as { periodIds: string[] }).periodIds)).toEqual([['a-w']]);
    expect(outcomeOf('a')?.outcome).toBe('deferred');
    expect(outcomeOf('b')?.outcome).toBe('deferred');
  });

  it('a withdrawn entry timr books by request is settled, not quarantined', async () => {
    const previous = { periodIds: ['old'], personId: 'p-1', fingerprint: 'fp', run: 'r0' };
    const { report, outcomeOf } = await runSaga(planOf([entry('a', { kind: 'retransfer', previous, periods: [] })]), {
      post: async () => ({ results: [{ ok: true as const, entryId: 'a', periodIds: [], created: 0, adopted: 0, removed: 1 }] }),
      lock: async () => ({ results: [{ outcome: 'refused', entryId: 'a', failureType: FailureType.RedirectedToRequest, message: '302' }] }),
    });
    expect(outcomeOf('a')?.outcome).toBe('updated');
    expect(report.settled).toEqual({ a: '2026-10-19T17:00:00Z' });
  });
});

describe('run saga: writes carried from earlier runs are resolved before anything else', () => {
  const carried: UnresolvedWrite = { entryId: 'old', userId: 'u-1', personId: 'p-1', periods: entry('old').periods, periodIds: [], run: 'tenant/acme/run/0', reason: 'timed out' };

  it('resolves first, then posts; resolved writes leave the tenant state', async () => {
    const { report, calls } = await runSaga(planOf([entry('a')]), {}, { unresolved: [carried] });
    expect(calls.map((c) => c.name)).toEqual(['plan', 'resolveWrites', 'post', 'lock']);
    expect(report.unresolved).toEqual([]);
  });

  it('when resolving fails, that employee gets no write this run (others do) and the write stays carried', async () => {
    const { report, calls, outcomeOf } = await runSaga(planOf([entry('a'), entry('b', { personId: 'p-2' })]), { resolveWrites: async () => Promise.reject(transient()) }, { unresolved: [carried] });
    expect(outcomeOf('a')).toMatchObject({ outcome: 'deferred', reason: expect.stringContaining('old') });
    const posted = calls.filter((c) => c.name === 'post').flatMap((c) => (c.input as PostBatchInput).entries.map((e) => e.entryId));
    expect(posted).toEqual(['b']);
    expect(report.unresolved).toEqual([carried]);
    expect(report.outcome).toBe('partial');
  });
});

describe('run saga: ownership, auth and cancellation', () => {
  it('an entry never adopts what another entry of the same person posted in this run', async () => {
    const { calls } = await runSaga(planOf([entry('a'), entry('b')], {}), {}, {});
    // Both are in one batch, posted together: the plan's notOurs is passed on.
    const first = calls.find((c) => c.name === 'post')!.input as PostBatchInput;
    expect(first.entries.map((e) => e.notOurs)).toEqual([[], []]);

    let round = 0;
    const { calls: calls2 } = await runSaga(planOf([entry('a'), entry('b')]), {
      lock: async (i) => ({
        results: i.entries.map((e): LockOutcome => (e.entryId === 'b' && round++ === 0 ? { outcome: 'content-changed', entryId: 'b', replan: entry('b', { fingerprint: 'fp-b2' }) } : { outcome: 'locked', entryId: e.entryId })),
      }),
    });
    const repost = calls2.filter((c) => c.name === 'post')[1]!.input as PostBatchInput;
    expect(repost.entries[0]).toMatchObject({ entryId: 'b', notOurs: ['a-w'] });
  });

  it('credentials rejected: later batches are not started, deletions not tried, the run reports auth-failed', async () => {
    const entries = Array.from({ length: 25 }, (_, i) => entry(`e${i}`));
    let posts = 0;
    const { report } = await runSaga(planOf(entries), { post: async (i) => (posts++ === 0 ? Promise.reject(auth()) : stubs(planOf([])).acts.post(i, '')) }, {});
    expect(report.outcome).toBe('auth-failed');
    expect(report.authFailure).toMatch(/credentials/);
    expect(report.counts.unresolved).toBe(10);
    expect(report.counts.notStarted + report.counts.transferred).toBe(15);
  });

  it('planning that fails (credentials refused) is a report, not a failed run, and keeps the carried writes', async () => {
    const carried: UnresolvedWrite = { entryId: 'old', userId: 'u-1', personId: 'p-1', periods: [], periodIds: ['x'], run: 'r0', reason: 'timed out' };
    const { report, calls } = await runSaga(planOf([]), { plan: async () => Promise.reject(auth()) }, { unresolved: [carried] });
    expect(calls.map((c) => c.name)).toEqual(['plan']);
    expect(report).toMatchObject({ outcome: 'auth-failed', unresolved: [carried], deletionWatermark: null, more: false });
    const down = await runSaga(planOf([]), { plan: async () => Promise.reject(transient()) });
    expect(down.report).toMatchObject({ outcome: 'failed', error: expect.stringContaining('503') });
  });

  it('a failed deletion keeps the deletion watermark where it was', async () => {
    const { report, outcomeOf } = await runSaga(planOf([], { deletions: [{ entryId: 'gone', periodIds: ['x'], lastModified: 'lm' }] }), { removeDeleted: async () => Promise.reject(transient()) });
    expect(outcomeOf('gone')?.outcome).toBe('failed');
    expect(report.deletionWatermark).toBeNull();
  });

  it('cancelled after posting: nothing new starts, the posts it cannot lock are taken back', async () => {
    let cancelled = false;
    const { calls, outcomeOf } = await runSaga(
      planOf([entry('a')]),
      { post: async (i) => { cancelled = true; return stubs(planOf([])).acts.post(i, ''); } },
      {},
      () => cancelled,
    );
    expect(calls.map((c) => c.name)).toEqual(['plan', 'post', 'compensate']);
    expect(outcomeOf('a')).toMatchObject({ outcome: 'failed', reason: 'run cancelled' });
  });
});

describe('run saga: what it hands its tenant stays bounded', () => {
  it('the result names a sample of entries and quarantined ones (every held id in `hold`); the report query has them all', async () => {
    const many = Array.from({ length: 120 }, (_, i) => entry(`n${i}`, { personId: `p-${i}` }));
    const quarantined = Array.from({ length: 150 }, (_, i) => ({ entryId: `q${i}`, employee: 'X', date: '2026-10-19', reason: 'no match', code: 'employee-match' as const, lastModified: `lm-${i}` }));
    const { acts } = stubs(planOf(many, { quarantined, unheld: { count: 900, digest: 'd', sample: [] } }));
    const saga = new RunSaga({ settings, runNumber: 1, held: {}, holdRoom: 200, deletionWatermark: null }, acts, { runId: 'tenant/acme/run/1', nonCancellable: (fn) => fn(), isCancelled: () => false });
    await saga.run();
    const full = saga.report();
    const result = saga.result();
    expect(full.entries).toHaveLength(270);
    expect(result.entries.length).toBeLessThanOrEqual(20);
    // Quarantined first: they are what support looks at.
    expect(result.entries[0]?.outcome).toBe('quarantined');
    expect(result.quarantined.length).toBeLessThanOrEqual(50);
    expect(Object.keys(result.hold ?? {})).toHaveLength(150);
    expect(result.counts).toMatchObject({ transferred: 120, quarantined: 150 + 900 });
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(Buffer.byteLength(JSON.stringify(full)) / 2);
  });

  it('stops starting batches once writes of unknown outcome reach the limit (they are carried by every next run)', async () => {
    const { UNRESOLVED_LIMIT } = await import('../../src/workflows/run-saga.js');
    const many = Array.from({ length: 400 }, (_, i) => entry(`u${i}`, { personId: `p-${i}` }));
    // Personio never answers: every post is of unknown outcome.
    const { report, calls } = await runSaga(planOf(many), { post: async () => { throw transient(); } }, { settings: TenantSettings.parse({ ...settings, concurrency: 1, batchSize: 10 }) });
    expect(report.counts.unresolved).toBe(UNRESOLVED_LIMIT);
    expect(report.counts.notStarted).toBe(400 - UNRESOLVED_LIMIT);
    expect(calls.filter((c) => c.name === 'post')).toHaveLength(UNRESOLVED_LIMIT / 10);
    expect(report.entries.find((e) => e.outcome === 'not-started')?.reason).toMatch(/writes of unknown outcome are resolved .* first/);
  });
});

describe('run saga: an audit repair', () => {
  const previous = { periodIds: ['old-1', 'old-2'], personId: 'p-1', fingerprint: 'fp-a', run: 'r0' };
  const repair = { replace: { a: 'lm-a', b: 'lm-b', gone: 'lm-gone' }, remove: [{ entryId: 'deleted-1', periodIds: ['d1'] }, { entryId: 'deleted-2', periodIds: ['d2'] }] };

  it('hands the repair to the plan and reports which items are done: locked, removed or obsolete, never failed ones', async () => {
    const plan = planOf([entry('a', { kind: 'retransfer', previous }), entry('b', { kind: 'retransfer', previous: { ...previous, periodIds: ['old-b'] } })], {
      deletions: [
        { entryId: 'deleted-1', periodIds: ['d1'], lastModified: '' },
        { entryId: 'deleted-2', periodIds: ['d2'], lastModified: '' },
      ],
      repairObsolete: ['gone'],
    });
    const { report, calls } = await runSaga(
      plan,
      {
        post: async (i) => ({ results: i.entries.map((e) => (e.entryId === 'b' ? { ok: false as const, entryId: 'b', failureType: FailureType.Conflict, message: 'overlap', periodIds: [] } : { ok: true as const, entryId: e.entryId, periodIds: ['new-a'], created: 1, adopted: 0, removed: 2 })) }),
        removeDeleted: async (i) => {
          if (i.entryId === 'deleted-2') throw transient();
          return { deleted: 1, alreadyGone: 0 };
        },
      },
      { repair },
    );
    expect((calls[0]!.input as { repair?: unknown }).repair).toEqual(repair);
    const post = calls.find((c) => c.name === 'post')!.input as PostBatchInput;
    expect(post.entries.find((e) => e.entryId === 'a')).toMatchObject({ removeFirst: ['old-1', 'old-2'], reconcile: true });
    expect([...report.repairSettled!].sort()).toEqual(['a', 'deleted-1', 'gone']);
    expect(report.counts).toMatchObject({ updated: 1, deferred: 1, deleted: 1, failed: 1 });
  });

  it('a run without a repair reports none', async () => {
    const { report } = await runSaga(planOf([entry('a')]));
    expect(report.repairSettled).toBeUndefined();
  });
});
