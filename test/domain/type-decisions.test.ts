import { describe, expect, it } from 'vitest';
import type { WorkingTimeType } from '../../src/clients/timr/schemas.js';
import { TenantSyncConfig } from '../../src/domain/tenant-config.js';
import { undecidedTypes, zeitausgleichHint } from '../../src/domain/type-decisions.js';

function type(id: string, name: string, category: WorkingTimeType['category'], extra: Partial<WorkingTimeType> = {}): WorkingTimeType {
  return { id, name, short_name: null, external_id: null, edit_unit: 'minutes', category, sub_category: null, archived: false, ...extra };
}

const TYPES = [
  type('work', 'Arbeitszeit', 'attendance_time'),
  type('za', 'Zeitausgleich', 'unpaid_time_off'),
  type('za-day', 'Zeitausgleich ganztägig', 'unpaid_time_off', { edit_unit: 'days' }),
  type('renamed', 'Freizeit', 'unpaid_time_off', { short_name: 'ZA' }),
  type('unpaid', 'Unbezahlter Urlaub', 'unpaid_time_off'),
  type('vac', 'Urlaub', 'vacation'),
  type('old', 'Altlast', 'paid_time_off', { archived: true }),
];

describe('zeitausgleichHint', () => {
  it('calls out unpaid_time_off types whose name, short name or external id look like Zeitausgleich', () => {
    expect(zeitausgleichHint(type('a', 'Zeitausgleich ganztägig', 'unpaid_time_off'))).toMatch(/name "Zeitausgleich ganztägig" contains "ausgleich"/);
    expect(zeitausgleichHint(type('a', 'ZA – ganztägig', 'unpaid_time_off'))).toMatch(/"ZA"/);
    expect(zeitausgleichHint(type('a', 'Freizeit', 'unpaid_time_off', { external_id: 'za' }))).toMatch(/external id "za"/);
    expect(zeitausgleichHint(type('a', 'Comp time', 'unpaid_time_off'))).toMatch(/comp time/);
    expect(zeitausgleichHint(type('a', 'Überstundenabbau', 'unpaid_time_off'))).toBeDefined();
    expect(zeitausgleichHint(type('a', 'Unbezahlter Urlaub', 'unpaid_time_off'))).toBeUndefined();
    // "ZA" inside a word is no hint; other categories are never suspected.
    expect(zeitausgleichHint(type('a', 'Pizza-Essen', 'unpaid_time_off'))).toBeUndefined();
    expect(zeitausgleichHint(type('a', 'Zeitausgleich', 'vacation'))).toBeUndefined();
  });
});

describe('undecidedTypes', () => {
  it('lists every non-attendance type neither recognised as Zeitausgleich nor ignored, suspects first, with both commands', () => {
    const config = TenantSyncConfig.parse({ ignoreTypeIds: ['vac'] });
    const decisions = undecidedTypes(TYPES, config, new Map([['za-day', 3], ['unpaid', 5]]));
    expect(decisions.map((d) => d.typeId)).toEqual(['za-day', 'renamed', 'unpaid']);
    expect(decisions[0]).toMatchObject({ name: 'Zeitausgleich ganztägig', category: 'unpaid_time_off', entries: 3, ignoreSetting: 'sync.ignoreTypeIds+=za-day' });
    // The name match goes once an id is configured: the command keeps "Zeitausgleich" recognised.
    expect(decisions[0]!.zeitausgleichSettings).toEqual(['sync.zeitausgleich.typeIds+=za', 'sync.zeitausgleich.typeIds+=za-day']);
    expect(decisions[2]!.zeitausgleichHint).toBeUndefined();
  });

  it('appends to configured ids, and leaves out archived types nobody books', () => {
    const config = TenantSyncConfig.parse({ zeitausgleich: { typeIds: ['za'] } });
    const decisions = undecidedTypes(TYPES, config, new Map([['old', 1]]));
    expect(decisions.find((d) => d.typeId === 'za-day')?.zeitausgleichSettings).toEqual(['sync.zeitausgleich.typeIds+=za-day']);
    expect(decisions.map((d) => d.typeId)).toContain('old');
    expect(undecidedTypes(TYPES, config, new Map()).map((d) => d.typeId)).not.toContain('old');
  });
});
