/**
 * A run's size follows its tenant's Personio rate (domain/write-pacing.ts): at a low rate a run
 * takes 200 entries, whatever a larger chunkSize allows, so a run stays minutes long; at a high
 * rate up to the chunkSize, so a backfill is fewer, larger runs (each run costs a plan and a
 * child workflow). The plan activity runs for real against the sandbox over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { RunPlan } from '../../src/activities/contracts.js';
import { PersonioLimits } from '../../src/clients/rate-limiter.js';
import { TenantSettings } from '../../src/domain/tenant-settings.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { FileSecretStore } from '../../src/secrets/index.js';

const seed = generateDemoData({ seed: 5, tenants: 1, employees: 25, days: 40 });
const tenant = seed.tenants[0]!;

describe("a run's size by the Personio rate", () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let secrets: FileSecretStore;
  const settings = TenantSettings.parse({ tenantId: tenant.id, credentialsRef: tenant.id, lookbackDays: 3650, sync: { timezone: tenant.timezone } });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    dir = mkdtempSync(path.join(os.tmpdir(), 'run-size-secrets-'));
    secrets = new FileSecretStore(dir);
    await secrets.put(tenant.id, {
      timr: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret },
      personio: { clientId: tenant.personio.clientId, clientSecret: tenant.personio.clientSecret },
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function planAt(ratePerSecond: number, chunkSize: number): Promise<RunPlan> {
    const acts = createActivities({
      endpoints: { timrBaseUrl: sandbox.timrBaseUrl, timrTokenUrl: sandbox.timrTokenUrl, personioBaseUrl: sandbox.personioBaseUrl },
      secrets,
      personioLimits: new PersonioLimits({ perIp: { ratePerSecond, burst: ratePerSecond }, perClient: { ratePerSecond, burst: ratePerSecond } }),
    });
    const input = { tenantId: tenant.id, credentialsRef: tenant.id, sync: settings.sync, lookbackDays: settings.lookbackDays, chunkSize, batchSize: 50, held: {}, deletionWatermark: null, runId: `tenant/${tenant.id}/run/1` };
    return (await new MockActivityEnvironment().run(acts.planSyncRun, input)) as RunPlan;
  }

  it('takes 200 entries at 6/s and 500 at 1000/s from a chunkSize of 500; the rest are pending for the next run', async () => {
    const plannable = tenant.timr.workingTimes.length;
    expect(plannable, 'the seed must have more than one large run of entries').toBeGreaterThan(600);
    const slow = await planAt(6, 500);
    expect(slow.entries).toHaveLength(200);
    expect(slow.more).toBe(true);
    expect(slow.entriesPerBatch).toBe(10);
    const fast = await planAt(1000, 500);
    expect(fast.entries).toHaveLength(500);
    expect(fast.more).toBe(true);
    expect(fast.entriesPerBatch).toBe(50);
    // The same oldest-first order: the slow run's entries are the fast run's first 200.
    expect(fast.entries.slice(0, 200).map((e) => e.entryId)).toEqual(slow.entries.map((e) => e.entryId));
    const pending = (plan: RunPlan) => (plan.fates?.groups ?? []).filter((g) => g.fate === 'pending').reduce((n, g) => n + g.count, 0);
    expect(pending(slow) - pending(fast)).toBe(300);
  });

  it("a tenant's smaller chunkSize holds at any rate", async () => {
    expect((await planAt(1000, 8)).entries).toHaveLength(8);
  });
});
