/**
 * Which vendor faults the soak injects, when, and how often they fired. A standing baseline
 * (commit-then-drop on every kind of write whose loss the product must survive) runs for the
 * whole chaos; on top of it, phases of 8–18 s each switch on two or three storms (5xx bursts,
 * 429 storms with and without Retry-After, latency, calls slower than the client's timeout,
 * resets, malformed bodies, timr 409s, concurrent edits). The plan is drawn from a seeded PRNG
 * and every storm kind comes round before any repeats, so even a short soak sees them all.
 */
import type { FaultRule, FaultRuleInput } from '../../sandbox/faults.js';
import type { SandboxControl, Vendor } from '../../sandbox/control-client.js';
import type { Random } from './random.js';

export const ROUTES = {
  personioCreate: 'POST /v2/attendance-periods',
  personioDelete: 'DELETE /v2/attendance-periods/:id',
  personioList: 'GET /v2/attendance-periods',
  personioPersons: 'GET /v2/persons',
  personioToken: 'POST /v2/auth/token',
  timrLock: 'PATCH /v1/working-times/:id',
  timrEntry: 'GET /v1/working-times/:id',
  timrList: 'GET /v1/working-times',
  timrDeleted: 'GET /v1/working-times::deleted',
  timrTypes: 'GET /v1/working-time-types',
  timrUsers: 'GET /v1/users',
  timrToken: 'POST /id/oauth2/token',
} as const;

/** Routes the sync calls often (a storm on a route hardly called would hardly fire). */
const HOT_ROUTES: Record<Vendor, string[]> = {
  personio: [ROUTES.personioCreate, ROUTES.personioDelete, ROUTES.personioList],
  timr: [ROUTES.timrLock, ROUTES.timrEntry, ROUTES.timrList, ROUTES.timrDeleted],
};
/** Every route, for 5xx bursts (a token endpoint down is part of the game). */
const ALL_ROUTES: Record<Vendor, string[]> = {
  personio: [...HOT_ROUTES.personio, ROUTES.personioPersons, ROUTES.personioToken],
  timr: [...HOT_ROUTES.timr, ROUTES.timrTypes, ROUTES.timrUsers, ROUTES.timrToken],
};
const READ_ROUTES: Record<Vendor, string[]> = {
  personio: [ROUTES.personioList, ROUTES.personioPersons],
  timr: [ROUTES.timrEntry, ROUTES.timrList, ROUTES.timrDeleted],
};
const WRITE_ROUTES: Record<Vendor, string[]> = {
  personio: [ROUTES.personioCreate, ROUTES.personioDelete],
  timr: [ROUTES.timrLock],
};

/** The writes whose answers the baseline drops: a create, a delete and a lock. */
export const COMMIT_THEN_DROP_TARGETS = {
  personioCreate: { vendor: 'personio', route: ROUTES.personioCreate },
  personioDelete: { vendor: 'personio', route: ROUTES.personioDelete },
  timrLock: { vendor: 'timr', route: ROUTES.timrLock },
} as const satisfies Record<string, { vendor: Vendor; route: string }>;
export type CommitThenDropTarget = keyof typeof COMMIT_THEN_DROP_TARGETS;

/** Share of committed writes on each target whose answer is lost (reset + hang until timeout). */
const DROP_RESET_PROBABILITY = 0.06;
const DROP_TIMEOUT_PROBABILITY = 0.02;

export interface PlannedRule {
  vendor: Vendor;
  rule: FaultRuleInput;
}

export interface FaultPhase {
  /** Seconds since the chaos began. */
  at: number;
  seconds: number;
  storms: string[];
  rules: PlannedRule[];
}

interface StormContext {
  random: Random;
  tenantIds: string[];
  httpTimeoutMs: number;
  phase: number;
}

type Storm = (c: StormContext) => PlannedRule[];

const vendorOf = (r: Random): Vendor => (r.chance(0.5) ? 'personio' : 'timr');
/** Most storms hit every tenant, some one tenant. */
const scope = (c: StormContext) => (c.random.chance(0.7) ? '*' : c.random.pick(c.tenantIds));
const hotOrAll = (c: StormContext, vendor: Vendor, all = 0.4) => (c.random.chance(all) ? '*' : c.random.pick(HOT_ROUTES[vendor]));

const STORMS: Record<string, Storm> = {
  'error-burst': (c) => {
    const vendor = vendorOf(c.random);
    const route = c.random.chance(0.25) ? c.random.pick(ALL_ROUTES[vendor]) : hotOrAll(c, vendor);
    return [{ vendor, rule: { tenantId: scope(c), route, times: c.random.int(4, 12), fault: { kind: 'error', status: c.random.pick([500, 502, 503, 504]) } } }];
  },
  'rate-limit-storm': (c) => {
    const vendor = vendorOf(c.random);
    return [{ vendor, rule: { tenantId: scope(c), route: hotOrAll(c, vendor, 0.5), probability: round(c.random.between(0.3, 0.6)), fault: { kind: 'rate-limit', retryAfterSeconds: c.random.int(1, 2) } } }];
  },
  'rate-limit-storm-no-retry-after': (c) => {
    const vendor = vendorOf(c.random);
    return [{ vendor, rule: { tenantId: scope(c), route: hotOrAll(c, vendor, 0.5), probability: round(c.random.between(0.3, 0.6)), fault: { kind: 'rate-limit', retryAfterSeconds: null } } }];
  },
  latency: (c) => {
    const vendor = vendorOf(c.random);
    return [{ vendor, rule: { tenantId: scope(c), route: hotOrAll(c, vendor), probability: round(c.random.between(0.4, 1)), fault: { kind: 'latency', minMs: c.random.int(20, 300), maxMs: c.random.int(600, 2_000) } } }];
  },
  // Longer than the client waits: the call times out; on a write the handler still runs late.
  'beyond-timeout': (c) => {
    const vendor = vendorOf(c.random);
    const write = c.random.chance(0.4);
    const route = c.random.pick(write ? WRITE_ROUTES[vendor] : READ_ROUTES[vendor]);
    return [{ vendor, rule: { tenantId: scope(c), route, probability: write ? 0.05 : 0.15, fault: { kind: 'latency', minMs: c.httpTimeoutMs + 300, maxMs: c.httpTimeoutMs + 1_500 } } }];
  },
  reset: (c) => {
    const vendor = vendorOf(c.random);
    return [{ vendor, rule: { tenantId: scope(c), route: hotOrAll(c, vendor, 0.5), probability: round(c.random.between(0.05, 0.12)), fault: { kind: 'reset' } } }];
  },
  // The write happened, the answer cannot be read: on creates, locks, and a read now and then.
  malformed: (c) => [
    { vendor: 'personio', rule: { tenantId: scope(c), route: ROUTES.personioCreate, probability: round(c.random.between(0.08, 0.15)), fault: { kind: 'malformed', mode: c.random.pick(['truncate', 'html'] as const) } } },
    { vendor: 'timr', rule: { tenantId: scope(c), route: ROUTES.timrLock, probability: round(c.random.between(0.08, 0.15)), fault: { kind: 'malformed', mode: c.random.pick(['truncate', 'html'] as const) } } },
    c.random.chance(0.5)
      ? { vendor: 'timr', rule: { tenantId: scope(c), route: c.random.pick(READ_ROUTES.timr), probability: 0.1, fault: { kind: 'malformed', mode: 'truncate' } } }
      : { vendor: 'personio', rule: { tenantId: scope(c), route: ROUTES.personioList, probability: 0.1, fault: { kind: 'malformed', mode: 'truncate' } } },
  ],
  conflict: (c) => [{ vendor: 'timr', rule: { tenantId: scope(c), route: ROUTES.timrLock, probability: round(c.random.between(0.1, 0.3)), fault: { kind: 'conflict' } } }],
  'concurrent-edit': (c) => [
    {
      vendor: 'timr',
      rule: { tenantId: scope(c), route: ROUTES.timrLock, probability: round(c.random.between(0.04, 0.1)), fault: { kind: 'concurrent-edit', patch: { notes: `Nachgetragen während der Übertragung (${c.phase})` } } },
    },
  ],
};
export const STORM_KINDS = Object.keys(STORMS);

const round = (x: number) => Math.round(x * 100) / 100;

/** The standing baseline: commit-then-drop on creates, deletes and locks, committed writes only. */
export function baselineRules(httpTimeoutMs: number): PlannedRule[] {
  return Object.values(COMMIT_THEN_DROP_TARGETS).flatMap(({ vendor, route }) => [
    { vendor, rule: { route, probability: DROP_RESET_PROBABILITY, fault: { kind: 'commit-then-drop', mode: 'reset', committedOnly: true } } },
    { vendor, rule: { route, probability: DROP_TIMEOUT_PROBABILITY, fault: { kind: 'commit-then-drop', mode: 'timeout', hangMs: httpTimeoutMs + 1_500, committedOnly: true } } },
  ]);
}

/** Phases covering `seconds` of chaos, two or three storms each. */
export function planFaultPhases(random: Random, seconds: number, tenantIds: string[], httpTimeoutMs: number): FaultPhase[] {
  const phases: FaultPhase[] = [];
  let deck: string[] = [];
  const draw = () => {
    if (deck.length === 0) deck = random.shuffle(STORM_KINDS);
    return deck.pop()!;
  };
  for (let at = 0, n = 1; at < seconds; n++) {
    // A remainder too short for a phase of its own joins the last one.
    let length = random.int(8, 18);
    if (seconds - at - length < 8) length = seconds - at;
    const storms = [...new Set(Array.from({ length: random.int(2, 3) }, draw))];
    const context: StormContext = { random, tenantIds, httpTimeoutMs, phase: n };
    phases.push({ at, seconds: length, storms, rules: storms.flatMap((s) => STORMS[s]!(context)) });
    at += length;
  }
  return phases;
}

/** How a fired rule is counted in the report. */
export function faultLabel(fault: FaultRule['fault']): string {
  if (fault.kind === 'rate-limit') return fault.retryAfterSeconds === null ? 'rate-limit-no-retry-after' : 'rate-limit';
  return fault.kind;
}

interface RuleRecord {
  vendor: Vendor;
  rule: FaultRule;
}

/**
 * Counters of every rule the soak installed. Rules are read back before they are removed
 * (their counters go with them), and once more before faults are cleared for the settle.
 */
export class FaultLedger {
  private readonly rules = new Map<string, RuleRecord>();

  constructor(private readonly control: SandboxControl) {}

  async install(planned: PlannedRule[]): Promise<{ vendor: Vendor; id: string }[]> {
    const installed: { vendor: Vendor; id: string }[] = [];
    for (const p of planned) {
      const rule = await this.control.addFault(p.vendor, p.rule);
      this.rules.set(`${p.vendor}/${rule.id}`, { vendor: p.vendor, rule });
      installed.push({ vendor: p.vendor, id: rule.id });
    }
    return installed;
  }

  /** Reads the current counters of every installed rule that still exists. */
  async refresh(): Promise<void> {
    for (const vendor of ['timr', 'personio'] as const) {
      for (const rule of await this.control.faults(vendor)) {
        const key = `${vendor}/${rule.id}`;
        if (this.rules.has(key)) this.rules.set(key, { vendor, rule });
      }
    }
  }

  async remove(installed: { vendor: Vendor; id: string }[]): Promise<void> {
    await this.refresh();
    for (const { vendor, id } of installed) await this.control.removeFault(vendor, id);
  }

  async clearAll(): Promise<void> {
    await this.refresh();
    await this.control.clearFaults();
  }

  /** Fired counts per vendor and kind. */
  firedByKind(): Record<Vendor, Record<string, number>> {
    const common = ['commit-then-drop', 'error', 'rate-limit', 'rate-limit-no-retry-after', 'latency', 'reset', 'malformed'];
    const zero = (kinds: string[]) => Object.fromEntries(kinds.map((k) => [k, 0]));
    const out: Record<Vendor, Record<string, number>> = { timr: zero([...common, 'conflict', 'concurrent-edit']), personio: zero(common) };
    for (const { vendor, rule } of this.rules.values()) {
      const label = faultLabel(rule.fault);
      out[vendor][label] = (out[vendor][label] ?? 0) + rule.fired;
    }
    return out;
  }

  /** Per target: committed writes seen by the baseline and how many of their answers were lost. */
  commitThenDrop(): Record<CommitThenDropTarget, { dropped: number; of: number; percent: number }> {
    const out = {} as Record<CommitThenDropTarget, { dropped: number; of: number; percent: number }>;
    for (const [name, target] of Object.entries(COMMIT_THEN_DROP_TARGETS) as [CommitThenDropTarget, { vendor: Vendor; route: string }][]) {
      const rules = [...this.rules.values()].filter((r) => r.vendor === target.vendor && r.rule.route === target.route && r.rule.fault.kind === 'commit-then-drop');
      const dropped = rules.reduce((sum, r) => sum + r.rule.fired, 0);
      // Every baseline rule of a target sees the same requests; phases add none of this kind.
      const of = Math.max(0, ...rules.map((r) => r.rule.seen));
      out[name] = { dropped, of, percent: of === 0 ? 0 : Math.round((1000 * dropped) / of) / 10 };
    }
    return out;
  }
}
