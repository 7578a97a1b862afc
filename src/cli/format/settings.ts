/**
 * Settings as dotted paths and display values, one per line. The paths are exactly what
 * `timr-sync config --set` accepts, so what status shows can be copied into a command.
 */
import { formatSeconds } from './durations.js';

export function flattenSettings(value: unknown, prefix = '', opts: { emptyGroups?: boolean } = {}): [path: string, value: string][] {
  if (Array.isArray(value)) return [[prefix, value.length === 0 ? '(none)' : value.map(String).join(', ')]];
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    // Shown as "(none)" so an empty override map is visible; left out when diffing, where it is no value of its own.
    if (entries.length === 0) return opts.emptyGroups === false ? [] : [[prefix, '(none)']];
    return entries.flatMap(([key, child]) => flattenSettings(child, prefix ? `${prefix}.${key}` : key, opts));
  }
  return [[prefix, String(value)]];
}

/** Adds a human duration to *Seconds settings: "900 (15m)". */
export function displaySetting(path: string, value: string): string {
  return /Seconds$/.test(path) && /^\d+$/.test(value) ? `${value} (${formatSeconds(Number(value))})` : value;
}
