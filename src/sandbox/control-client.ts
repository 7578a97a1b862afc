/**
 * Typed client for the sandbox control API (both servers), for tests, the demo and the benchmark.
 */
import type { FaultRule, FaultRuleInput } from './faults.js';
import type { RateStatsView } from './personio/rate-limit.js';
import type { LoggedRequest } from './request-log.js';
import { randomUUID } from 'node:crypto';
import { SEED_PART_BYTES } from './control-routes.js';
import { splitSeed, type Credentials, type SeedInput } from './seed.js';

export interface ControlEndpoints {
  timrControlUrl: string;
  personioControlUrl: string;
}

export type Vendor = 'timr' | 'personio';

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox control ${method} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export class SandboxControl {
  constructor(private readonly endpoints: ControlEndpoints) {}

  private base(vendor: Vendor): string {
    return vendor === 'timr' ? this.endpoints.timrControlUrl : this.endpoints.personioControlUrl;
  }

  /**
   * Loads a seed of any size: each server gets its half, in parts of at most SEED_PART_BYTES
   * (a big tenant's lists are split too) that it joins and loads as a whole on commit; a seed
   * that fits one part goes in one request, as before.
   */
  async seed(seed: SeedInput): Promise<void> {
    const parts = splitSeed(seed, SEED_PART_BYTES);
    const upload = randomUUID();
    await Promise.all(
      (['timr', 'personio'] as const).map(async (vendor) => {
        const mine = parts[vendor];
        if (mine.length === 1) return call('POST', `${this.base(vendor)}/seed`, mine[0]);
        for (const part of mine) await call('POST', `${this.base(vendor)}/seed/parts?upload=${upload}`, part);
        return call('POST', `${this.base(vendor)}/seed/commit?upload=${upload}`);
      }),
    );
  }

  async reset(): Promise<void> {
    await Promise.all([call('POST', `${this.base('timr')}/reset`), call('POST', `${this.base('personio')}/reset`)]);
  }

  state<T = unknown>(vendor: Vendor, tenantId?: string): Promise<T> {
    const q = tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : '';
    return call<T>('GET', `${this.base(vendor)}/state${q}`);
  }

  addFault(vendor: Vendor, rule: FaultRuleInput): Promise<FaultRule> {
    return call<FaultRule>('POST', `${this.base(vendor)}/faults`, rule);
  }

  faults(vendor: Vendor): Promise<FaultRule[]> {
    return call<FaultRule[]>('GET', `${this.base(vendor)}/faults`);
  }

  /** Removes one rule; false when it was gone already. */
  async removeFault(vendor: Vendor, id: string): Promise<boolean> {
    const res = await fetch(`${this.base(vendor)}/faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (res.status === 404) return false;
    if (!res.ok) throw new Error(`sandbox control DELETE faults/${id} → ${res.status}: ${(await res.text()).slice(0, 500)}`);
    return true;
  }

  async clearFaults(vendor?: Vendor): Promise<void> {
    const vendors: Vendor[] = vendor ? [vendor] : ['timr', 'personio'];
    await Promise.all(vendors.map((v) => call('DELETE', `${this.base(v)}/faults`)));
  }

  rotateCredentials(vendor: Vendor, tenantId: string): Promise<Credentials> {
    return call<Credentials>('POST', `${this.base(vendor)}/tenants/${encodeURIComponent(tenantId)}/rotate-credentials`);
  }

  expireTokens(vendor: Vendor, tenantId: string): Promise<{ expired: number }> {
    return call('POST', `${this.base(vendor)}/tenants/${encodeURIComponent(tenantId)}/expire-tokens`);
  }

  requests(vendor: Vendor, tenantId?: string): Promise<LoggedRequest[]> {
    const q = tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : '';
    return call<LoggedRequest[]>('GET', `${this.base(vendor)}/requests${q}`);
  }

  async clearRequests(vendor: Vendor): Promise<void> {
    await call('DELETE', `${this.base(vendor)}/requests`);
  }

  /** Edits a timr entry as an employee or admin would (bypasses the lock). */
  editWorkingTime(tenantId: string, entryId: string, patch: Record<string, unknown>): Promise<unknown> {
    return call('PATCH', `${this.base('timr')}/tenants/${encodeURIComponent(tenantId)}/working-times/${encodeURIComponent(entryId)}`, patch);
  }

  createWorkingTime(tenantId: string, entry: Record<string, unknown>): Promise<unknown> {
    return call('POST', `${this.base('timr')}/tenants/${encodeURIComponent(tenantId)}/working-times`, entry);
  }

  async deleteWorkingTime(tenantId: string, entryId: string): Promise<void> {
    await call('DELETE', `${this.base('timr')}/tenants/${encodeURIComponent(tenantId)}/working-times/${encodeURIComponent(entryId)}`);
  }

  personioSettings(settings: Record<string, unknown>): Promise<unknown> {
    return call('POST', `${this.base('personio')}/settings`, settings);
  }

  /** Personio's rate-limit counters: requests, 429s and the most requests in any second, per IP and client. */
  personioRateStats(): Promise<RateStatsView> {
    return call<RateStatsView>('GET', `${this.base('personio')}/rate-limits`);
  }
}
