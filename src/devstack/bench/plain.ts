/**
 * The plain baseline the product is measured against: the same transfer over the same clients
 * and domain rules, without Temporal — read the window once, plan every entry once, then per
 * entry POST its periods to Personio and PATCH the lock (with the transfer record) in timr.
 * No history, no activities, no saga: what a careful one-off script would cost. Entries of all
 * tenants go through one queue with `parallel` workers (1 = sequential).
 */
import { collectWork } from '../../activities/collect-work.js';
import { clientsFor, type VendorEndpoints } from '../../activities/deps.js';
import { planEntry } from '../../activities/plan-entry.js';
import { postEntryPeriods } from '../../activities/post-periods.js';
import { withSyncMetadata } from '../../activities/sync-metadata.js';
import type { PlannedEntry } from '../../activities/contracts.js';
import { buildPersonIndex } from '../../domain/employee-matching.js';
import type { Person } from '../../clients/personio/schemas.js';
import type { TimrClient } from '../../clients/timr/client.js';
import type { PersonioClient } from '../../clients/personio/client.js';
import type { SecretStore } from '../../secrets/index.js';

export interface PlainTenant {
  tenantId: string;
  credentialsRef: string;
  lookbackDays: number;
  sync: unknown;
}

export interface PlainResult {
  parallel: number;
  transferred: number;
  refused: number;
  seconds: number;
}

interface Job {
  timr: TimrClient;
  personio: PersonioClient;
  entry: PlannedEntry;
  metadata: Record<string, unknown> | undefined;
}

export async function runPlainTransfer(opts: { endpoints: VendorEndpoints; secrets: SecretStore; tenants: PlainTenant[]; parallel: number }): Promise<PlainResult> {
  const started = performance.now();
  const jobs: Job[] = [];
  for (const t of opts.tenants) {
    const secrets = await opts.secrets.get(t.credentialsRef);
    const { timr, personio } = clientsFor({ endpoints: opts.endpoints, secrets: opts.secrets }, t, secrets);
    const work = await collectWork(timr, { tenantId: t.tenantId, sync: t.sync, lookbackDays: t.lookbackDays, held: {}, deletionWatermark: null });
    const persons: Person[] = [];
    for await (const p of personio.listPersons()) persons.push(p);
    const index = buildPersonIndex(persons, work.ctx.config.matching);
    for (const raw of work.eligible) {
      const plan = planEntry(raw, work.ctx, index, work.notOursFor(raw));
      if (plan.ok && plan.entry.kind === 'new') jobs.push({ timr, personio, entry: plan.entry, metadata: raw.metadata ?? undefined });
    }
  }
  let next = 0;
  let transferred = 0;
  let refused = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      const { entry } = job;
      try {
        const { periodIds } = await postEntryPeriods(job.personio, { personId: entry.personId, periods: entry.periods, reconcile: false, notOurs: entry.notOurs });
        const record = { periodIds, personId: entry.personId, fingerprint: entry.fingerprint, run: 'plain-baseline' };
        await job.timr.lockWorkingTime(entry.entryId, withSyncMetadata(job.metadata as never, record));
        transferred++;
      } catch {
        // A refusal (e.g. a period Personio rejects) is the product's quarantine; the baseline only counts it.
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.parallel }, worker));
  return { parallel: opts.parallel, transferred, refused, seconds: (performance.now() - started) / 1000 };
}
