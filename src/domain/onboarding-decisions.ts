/**
 * Onboarding decides, for every working-time type of a non-attendance category, whether its
 * entries are Zeitausgleich (0 hours booked in Personio) or ignored (not transferred). Entries of
 * an undecided type would otherwise silently book nothing. Decided means: its id is in
 * `sync.zeitausgleich.typeIds` or `sync.ignoreTypeIds` — onboarding writes ids, never relies on
 * the name match, so renaming a type in timr changes nothing.
 */
import type { WorkingTimeType } from '../clients/timr/schemas.js';
import { ZeitausgleichConfig } from './tenant-config.js';
import { zeitausgleichHint } from './type-decisions.js';
import { isZeitausgleichType } from './zeitausgleich.js';

export type TypeChoice = 'zeitausgleich' | 'ignore';

export interface TypeQuestion {
  type: WorkingTimeType;
  /** What the operator is offered first: Zeitausgleich for a type that looks like it. */
  suggested: TypeChoice;
  why?: string;
}

export function needsDecision(t: WorkingTimeType): boolean {
  return t.category !== 'attendance_time' && !t.archived;
}

/** The out-of-the-box name match, whatever the tenant configured. */
const BY_NAME = ZeitausgleichConfig.parse({});

function suggestion(t: WorkingTimeType): Pick<TypeQuestion, 'suggested' | 'why'> {
  if (isZeitausgleichType(t, BY_NAME)) return { suggested: 'zeitausgleich', why: 'named Zeitausgleich' };
  const hint = zeitausgleichHint(t);
  return hint ? { suggested: 'zeitausgleich', why: `looks like Zeitausgleich: ${hint}` } : { suggested: 'ignore' };
}

export interface DecisionState {
  zeitausgleich: string[];
  ignore: string[];
}

export interface DecisionPlan {
  /** Types already decided (by earlier settings or by the flags given now). */
  decided: { type: WorkingTimeType; choice: TypeChoice; source: 'settings' | 'flag' }[];
  /** Types still to decide, suspected Zeitausgleich first. */
  open: TypeQuestion[];
  /** Flag ids that name no type of the account. */
  unknownIds: string[];
  /** Ids given for both choices. */
  both: string[];
}

/** Which types still need a decision, after the tenant's settings and the flags given now. */
export function planDecisions(types: readonly WorkingTimeType[], settings: DecisionState, flags: DecisionState): DecisionPlan {
  const ids = new Set(types.map((t) => t.id));
  const unknownIds = [...flags.zeitausgleich, ...flags.ignore].filter((id) => !ids.has(id));
  const both = flags.zeitausgleich.filter((id) => flags.ignore.includes(id));
  const decided: DecisionPlan['decided'] = [];
  const open: TypeQuestion[] = [];
  for (const t of types) {
    if (!needsDecision(t)) continue;
    if (flags.zeitausgleich.includes(t.id)) decided.push({ type: t, choice: 'zeitausgleich', source: 'flag' });
    else if (flags.ignore.includes(t.id)) decided.push({ type: t, choice: 'ignore', source: 'flag' });
    else if (settings.zeitausgleich.includes(t.id)) decided.push({ type: t, choice: 'zeitausgleich', source: 'settings' });
    else if (settings.ignore.includes(t.id)) decided.push({ type: t, choice: 'ignore', source: 'settings' });
    else open.push({ type: t, ...suggestion(t) });
  }
  open.sort((a, b) => Number(b.suggested === 'zeitausgleich') - Number(a.suggested === 'zeitausgleich') || a.type.name.localeCompare(b.type.name));
  return { decided, open, unknownIds, both };
}

/** The settings that record the decisions; ids of types the account no longer has are kept. */
export function decisionSettings(settings: DecisionState, decisions: readonly { type: WorkingTimeType; choice: TypeChoice }[]): DecisionState {
  const za = new Set(settings.zeitausgleich);
  const ignore = new Set(settings.ignore);
  for (const d of decisions) {
    if (d.choice === 'zeitausgleich') {
      za.add(d.type.id);
      ignore.delete(d.type.id);
    } else {
      ignore.add(d.type.id);
      za.delete(d.type.id);
    }
  }
  return { zeitausgleich: [...za], ignore: [...ignore] };
}
