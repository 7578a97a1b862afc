/**
 * A remembered plan is only ever the plan planEntry would give now: the same entry object under
 * the same rules, people and neighbours' periods. Anything else plans afresh — a run must never
 * book an entry by a verdict made for other inputs.
 */
import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/clients/personio/schemas.js';
import { fingerprintOf, labelOf, planInputsKey, planOf } from '../../src/activities/entry-memo.js';
import { planEntry, type EntryPlan } from '../../src/activities/plan-entry.js';
import { buildPersonIndex } from '../../src/domain/employee-matching.js';
import { entryFingerprint } from '../../src/domain/entry-fingerprint.js';
import { entryLabel } from '../../src/domain/entry-label.js';
import { context, entry } from '../domain/fixtures.js';

const anna: Person = { id: 'p-1', email: 'anna.berger@example.com', first_name: 'Anna', last_name: 'Berger', employee_number: '0007' };
const other: Person = { id: 'p-2', email: 'ben@example.com', first_name: 'Ben', last_name: 'Wolf', employee_number: '0008' };

function plan(e: ReturnType<typeof entry>, ctx: ReturnType<typeof context>, persons: Person[], notOurs: string[] = []) {
  let computed = 0;
  const result = planOf(e, planInputsKey(ctx, persons), notOurs, () => {
    computed++;
    return planEntry(e, ctx, buildPersonIndex(persons, ctx.config.matching), notOurs);
  });
  return { result, computed };
}

const personOf = (p: EntryPlan) => (p.ok ? p.entry.personId : undefined);

describe('entry memo', () => {
  const ctx = context();
  const e = () => entry({ start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T12:00:00+01:00' });

  it('gives the remembered plan for the same entry object and inputs, equal to planning afresh', () => {
    const wt = e();
    expect(plan(wt, ctx, [anna]).computed).toBe(1);
    const again = plan(wt, ctx, [anna]);
    expect(again.computed).toBe(0);
    expect(again.result).toEqual(planEntry(wt, ctx, buildPersonIndex([anna], ctx.config.matching)));
  });

  it('plans afresh when the people changed: an employee matched only now', () => {
    const wt = e();
    const before = plan(wt, ctx, [other]);
    expect(before.result.ok).toBe(false);
    const after = plan(wt, ctx, [other, anna]);
    expect(after.computed).toBe(1);
    expect(personOf(after.result)).toBe('p-1');
  });

  it('plans afresh when the rules or the neighbours’ periods changed', () => {
    const wt = e();
    plan(wt, ctx, [anna]);
    const otherRules = context({ timezone: 'Europe/London' });
    expect(plan(wt, otherRules, [anna]).computed).toBe(1);
    const withNeighbour = plan(wt, otherRules, [anna], ['period-9']);
    expect(withNeighbour.computed).toBe(1);
    expect(withNeighbour.result.ok && withNeighbour.result.entry.notOurs).toEqual(['period-9']);
  });

  it('plans afresh for a new object of the same entry (timr changed it), even with the same id', () => {
    const first = e();
    plan(first, ctx, [anna]);
    const changed = entry({ start: '2026-11-20T08:00:00+01:00', end: '2026-11-20T13:00:00+01:00', last_modified: '2026-11-21T08:00:00Z' });
    const replanned = plan(changed, ctx, [anna]);
    expect(replanned.computed).toBe(1);
    expect(replanned.result.ok && replanned.result.entry.fingerprint).toBe(entryFingerprint(changed));
    expect(replanned.result.ok && replanned.result.entry.fingerprint).not.toBe(entryFingerprint(first));
  });

  it('remembers fingerprints and labels per object, labels per zone', () => {
    const wt = entry({ start: '2026-11-20T23:30:00Z', end: '2026-11-21T01:00:00Z' });
    expect(fingerprintOf(wt)).toBe(entryFingerprint(wt));
    expect(labelOf(wt, 'Europe/Vienna')).toEqual(entryLabel(wt, 'Europe/Vienna'));
    // The same instant is another local day in another zone.
    expect(labelOf(wt, 'America/New_York')).toEqual(entryLabel(wt, 'America/New_York'));
    expect(labelOf(wt, 'America/New_York').date).not.toBe(labelOf(wt, 'Europe/Vienna').date);
  });
});
