/**
 * The window a backfill's later runs plan from (window-cache.ts) is the window a fresh read
 * returns: after edits, a deletion, an entry moved out of the window and a new one, the cached
 * read plus timr's changes equals a full listing of the sandbox over HTTP — which is the oracle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearWindowCache, readWindow } from '../../src/activities/window-cache.js';
import { TimrClient } from '../../src/clients/timr/client.js';
import type { WorkingTime, WorkingTimeStatus } from '../../src/clients/timr/schemas.js';
import { generateDemoData } from '../../src/sandbox/demo-data/index.js';
import type { LoggedRequest } from '../../src/sandbox/request-log.js';
import { SandboxControl, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';

const seed = generateDemoData({ seed: 31, tenants: 1, employees: 6, days: 14 });
const tenant = seed.tenants[0]!;
const STATUSES: WorkingTimeStatus[] = ['changeable', 'approved', 'closed', 'locked', 'running', 'paused', 'archived'];

describe('window cache', () => {
  let sandbox: RunningSandbox;
  let control: SandboxControl;
  let timr: TimrClient;
  const from = '2026-10-01';
  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    control = new SandboxControl(sandbox);
    timr = new TimrClient({ tenantId: tenant.id, baseUrl: sandbox.timrBaseUrl, tokenUrl: sandbox.timrTokenUrl, credentials: { clientId: tenant.timr.clientId, clientSecret: tenant.timr.clientSecret } });
  });
  afterAll(async () => {
    clearWindowCache();
    await sandbox?.stop();
  });

  const fresh = async () => {
    const all: WorkingTime[] = [];
    for await (const e of timr.listWorkingTimes({ statuses: STATUSES, start_from: from, sort_by: 'start', sort_direction: 'asc' })) all.push(e);
    return all;
  };
  const read = () => readWindow(timr, { from, statuses: STATUSES, overlapMs: 60_000 });
  const ids = (list: WorkingTime[]) => list.map((e) => `${e.id}@${e.last_modified}`);
  const fullReads = (requests: LoggedRequest[]) => requests.filter((r) => r.route === '/v1/working-times' && !r.url.includes('last_modified_after=')).length;

  it('equals a fresh read after edits, a deletion, a move out of the window and a new entry, reading only the changes', async () => {
    clearWindowCache();
    const first = await read();
    expect(ids(first)).toEqual(ids(await fresh()));
    expect(first.length).toBeGreaterThan(50);

    const [a, b, c] = first.filter((e) => e.status === 'changeable');
    await control.editWorkingTime(tenant.id, a!.id, { notes: 'geändert' });
    await control.deleteWorkingTime(tenant.id, b!.id);
    await control.editWorkingTime(tenant.id, c!.id, { start: '2026-09-20T08:00:00+02:00', end: '2026-09-20T12:00:00+02:00', break_times: [] });
    const user = tenant.timr.users[0]!;
    await control.createWorkingTime(tenant.id, { user_id: user.id, working_time_type_id: a!.working_time_type.id, start: '2026-11-28T08:00:00+01:00', end: '2026-11-28T09:00:00+01:00' });

    await control.clearRequests('timr');
    const second = await read();
    const requests = await control.requests('timr', tenant.id);
    expect(fullReads(requests)).toBe(0);
    expect(ids(second)).toEqual(ids(await fresh()));
    expect(second.find((e) => e.id === a!.id)?.notes).toBe('geändert');
    expect(second.some((e) => e.id === b!.id || e.id === c!.id)).toBe(false);
  });

  it('reads in full for another window start, and when the cached read is stale', async () => {
    clearWindowCache();
    await read();
    await control.clearRequests('timr');
    await readWindow(timr, { from: '2026-10-02', statuses: STATUSES, overlapMs: 60_000 });
    await readWindow(timr, { from: '2026-10-02', statuses: STATUSES, overlapMs: 60_000, nowMs: Date.now() + 10 * 60_000 });
    expect(fullReads(await control.requests('timr', tenant.id))).toBe(2);
  });
});
