/** Which working-time types onboarding still has to decide, and how decisions become settings. */
import { describe, expect, it } from 'vitest';
import type { WorkingTimeType } from '../../src/clients/timr/schemas.js';
import { decisionSettings, planDecisions } from '../../src/domain/onboarding-decisions.js';

const type = (id: string, name: string, category: WorkingTimeType['category'], over: Partial<WorkingTimeType> = {}): WorkingTimeType => ({
  id,
  name,
  external_id: null,
  short_name: null,
  edit_unit: 'minutes',
  category,
  sub_category: null,
  archived: false,
  ...over,
});

const types = [
  type('work', 'Arbeitszeit', 'attendance_time'),
  type('za', 'ZA-Tag', 'unpaid_time_off'),
  type('vac', 'Urlaub', 'vacation'),
  type('sick', 'Krankenstand', 'paid_time_off'),
  type('old', 'Altlast', 'unpaid_time_off', { archived: true }),
];

describe('onboarding type decisions', () => {
  it('every non-attendance, non-archived type needs a decision; a renamed Zeitausgleich is suggested as such and asked first', () => {
    const plan = planDecisions(types, { zeitausgleich: [], ignore: [] }, { zeitausgleich: [], ignore: [] });
    expect(plan.open.map((q) => [q.type.id, q.suggested])).toEqual([
      ['za', 'zeitausgleich'],
      ['sick', 'ignore'],
      ['vac', 'ignore'],
    ]);
    expect(plan.open[0]?.why).toMatch(/looks like Zeitausgleich: .*"ZA-Tag"/);
  });

  it('flags and earlier settings decide; flags win; unknown and doubly given ids are reported', () => {
    const plan = planDecisions(types, { zeitausgleich: ['za'], ignore: ['vac'] }, { zeitausgleich: ['vac', 'nope'], ignore: ['vac'] });
    expect(plan.decided.map((d) => [d.type.id, d.choice, d.source])).toEqual([
      ['za', 'zeitausgleich', 'settings'],
      ['vac', 'zeitausgleich', 'flag'],
    ]);
    expect(plan.open.map((q) => q.type.id)).toEqual(['sick']);
    expect(plan.unknownIds).toEqual(['nope']);
    expect(plan.both).toEqual(['vac']);
  });

  it('decisions move a type from one list to the other and keep the rest', () => {
    expect(decisionSettings({ zeitausgleich: ['za', 'gone'], ignore: ['vac'] }, [{ type: types[2]!, choice: 'zeitausgleich' }, { type: types[1]!, choice: 'ignore' }])).toEqual({
      zeitausgleich: ['gone', 'vac'],
      ignore: ['za'],
    });
  });
});
