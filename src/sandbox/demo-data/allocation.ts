/**
 * Decides which employee lives through which scenario on which day. One employee-day holds at
 * most one scenario, and the days a scenario spans are taken from the routine, so scenario
 * entries never overlap each other or an ordinary day. Matched employees come first: a case
 * placed on the unmatched employee would never reach Personio and so test nothing.
 */
import type { DemoCalendar } from './calendar.js';
import type { Prng } from './prng.js';
import type { ScenarioDefinition } from './scenarios.js';
import type { DemoStaff } from './staff.js';

export interface ScenarioPlacement {
  scenario: ScenarioDefinition;
  employee: number;
  day: number;
}

export interface Allocation {
  placements: ScenarioPlacement[];
  /** Employee-days (employee × dayCount + day) owned by a scenario rather than the routine. */
  taken: Uint8Array;
}

export function cellOf(employee: number, day: number, dayCount: number): number {
  return employee * dayCount + day;
}

function employeeOrder(staff: DemoStaff, rng: Prng): number[] {
  const matched = staff.employees.map((e) => e.index).filter((i) => i !== staff.unmatchedIndex);
  const rotation = matched.length > 0 ? rng.int(0, matched.length - 1) : 0;
  return [...matched.slice(rotation), ...matched.slice(0, rotation), staff.unmatchedIndex];
}

export function allocateScenarios(
  scenarios: readonly ScenarioDefinition[],
  calendar: DemoCalendar,
  staff: DemoStaff,
  rng: Prng,
  tenantId: string,
): Allocation {
  const dayCount = calendar.days.length;
  const taken = new Uint8Array(staff.employees.length * dayCount);
  const placements: ScenarioPlacement[] = [];

  const fits = (employee: number, day: number, span: number): boolean => {
    if (day + span > dayCount) return false;
    for (let k = 0; k < span; k++) if (taken[cellOf(employee, day + k, dayCount)]) return false;
    return true;
  };

  for (const scenario of scenarios) {
    const days = scenario.candidateDays(calendar, rng);
    // The range cannot host it (no DST change in range): nothing to place.
    if (days.length === 0) continue;
    const employees = scenario.employee ? [scenario.employee(staff)] : employeeOrder(staff, rng);
    let placed = false;
    for (const day of days) {
      const employee = employees.find((e) => fits(e, day, scenario.span));
      if (employee === undefined) continue;
      for (let k = 0; k < scenario.span; k++) taken[cellOf(employee, day + k, dayCount)] = 1;
      placements.push({ scenario, employee, day });
      placed = true;
      break;
    }
    if (!placed) {
      throw new RangeError(
        `demo data for tenant ${tenantId}: no free employee-day for scenario "${scenario.id}"; ` +
          'increase employees or days',
      );
    }
  }
  return { placements, taken };
}
