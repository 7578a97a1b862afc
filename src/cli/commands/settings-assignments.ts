/**
 * `--set path=value`, `--set path+=value` (append to a list) and `--unset path` for `timr-sync config`. Paths are the dotted names the
 * status view prints (`sync.matching.overrides.<timrUserId>`), values are JSON when they parse
 * as JSON and plain strings otherwise. Settings counted in seconds (`intervalSeconds`,
 * `activityTimeoutSeconds`) also take durations, as `start --interval` does: `5m`, `1h30m`.
 */
import { parseDurationSeconds } from './duration.js';
import { UsageError } from './errors.js';

export type PlainObject = Record<string, unknown>;

export interface Assignment {
  path: string[];
  /** The text after "=", kept so a number-looking id can still be used as a string. */
  raw: string;
  value: unknown;
  /** `path+=value`: added to the list at `path` (once), instead of replacing it. */
  append?: true;
}

// Keys that would reach Object.prototype through a plain-object walk.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

export function parseSettingPath(text: string): string[] {
  const path = text.split('.');
  if (path.some((segment) => segment.trim() === '')) {
    throw new UsageError(`"${text}" is not a setting path: use dotted names such as intervalSeconds or sync.matching.strategy`);
  }
  const forbidden = path.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden) throw new UsageError(`"${text}" is not a setting path: "${forbidden}" is not a setting name`);
  return path;
}

export function parseAssignment(text: string): Assignment {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set "${text}" needs the form path=value, e.g. --set intervalSeconds=300`);
  const raw = text.slice(eq + 1);
  const append = text[eq - 1] === '+';
  const path = parseSettingPath(text.slice(0, append ? eq - 1 : eq));
  const value = isSecondsSetting(path) && typeof parseValue(raw) === 'string' ? parseDurationSeconds(raw, `--set ${text}`) : parseValue(raw);
  return { path, raw, value, ...(append && { append: true as const }) };
}

function isSecondsSetting(path: readonly string[]): boolean {
  return /Seconds$/.test(path.at(-1) ?? '');
}

/** A settings object (a --file or --config) with durations written as text turned into seconds. */
export function durationsInSeconds(settings: PlainObject, where: string, prefix: readonly string[] = []): PlainObject {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(settings)) {
    const path = [...prefix, key];
    if (isPlainObject(value)) out[key] = durationsInSeconds(value, where, path);
    else if (typeof value === 'string' && isSecondsSetting(path)) out[key] = parseDurationSeconds(value, `${where}: ${path.join('.')}`);
    else out[key] = value;
  }
  return out;
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars in `patch` replace what `base` has. */
export function deepMerge(base: PlainObject, patch: PlainObject): PlainObject {
  const out: PlainObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (FORBIDDEN_SEGMENTS.has(key)) throw new UsageError(`"${key}" is not a setting name`);
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
  }
  return out;
}

/** A copy of `target` with `value` at `path`; missing objects on the way are created. */
export function setPath(target: PlainObject, path: readonly string[], value: unknown): PlainObject {
  return setAt(target, path, value, path.join('.'));
}

function setAt(target: PlainObject, path: readonly string[], value: unknown, fullPath: string): PlainObject {
  const [head, ...rest] = path;
  if (head === undefined) throw new UsageError('empty setting path');
  if (rest.length === 0) return { ...target, [head]: value };
  const child = target[head] ?? {};
  if (!isPlainObject(child)) {
    throw new UsageError(`cannot set ${fullPath}: ${head} holds ${JSON.stringify(child)}, not a group of settings`);
  }
  return { ...target, [head]: setAt(child, rest, value, fullPath) };
}

/** A copy of `target` with `value` (or each item of a list value) added once to the list at `path`. */
export function appendPath(target: PlainObject, path: readonly string[], value: unknown): PlainObject {
  let current: unknown = target;
  for (const segment of path) current = isPlainObject(current) ? current[segment] : undefined;
  if (current !== undefined && !Array.isArray(current)) {
    throw new UsageError(`cannot append to ${path.join('.')}: it holds ${JSON.stringify(current)}, not a list (use ${path.join('.')}=<value>)`);
  }
  const list = [...((current as unknown[] | undefined) ?? [])];
  for (const item of Array.isArray(value) ? value : [value]) if (!list.some((x) => JSON.stringify(x) === JSON.stringify(item))) list.push(item);
  return setPath(target, path, list);
}

/** A copy of `target` without the key at `path` (so a default or nothing applies again). */
export function unsetPath(target: PlainObject, path: readonly string[]): PlainObject {
  return unsetAt(target, path, path.join('.'));
}

function unsetAt(target: PlainObject, path: readonly string[], fullPath: string): PlainObject {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(target, head)) {
    throw new UsageError(`cannot unset ${fullPath}: there is no such setting`);
  }
  if (rest.length === 0) {
    const { [head]: _removed, ...kept } = target;
    return kept;
  }
  const child = target[head];
  if (!isPlainObject(child)) throw new UsageError(`cannot unset ${fullPath}: ${head} is not a group of settings`);
  return { ...target, [head]: unsetAt(child, rest, fullPath) };
}
