/**
 * The updateConfig validator: it runs once, when the update arrives, and never on replay. The
 * zod schema is pure, deterministic code (no I/O), so the validator reuses it rather than keeping
 * a second copy of the rules. The handler itself only assigns (see TenantSettingsChange).
 * It builds the schema per call: the module's exported one is frozen in workflow code.
 */
import { tenantSettingsSchema, type TenantSettings, type TenantSettingsChange } from '../domain/tenant-settings.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Equal as JSON values, whatever the key order. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined));
    return [...keys].every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/**
 * Throws an Error naming the tenant and every invalid field, or when the change is not fully
 * parsed (the handler assigns it as it is, so what is assigned must be what the schema yields).
 */
export function checkSettingsChange(current: TenantSettings, change: TenantSettingsChange): TenantSettings {
  if (!isPlainObject(change)) throw new Error('updateConfig expects an object with the settings to change');
  if ('tenantId' in change) throw new Error('tenantId cannot be changed; start a workflow for the other tenant instead');
  const merged = { ...current, ...change };
  const parsed = tenantSettingsSchema().safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new Error(`invalid config for tenant ${current.tenantId}: ${problems.join('; ')}`);
  }
  const unparsed = Object.keys(change).filter((key) => !sameValue(parsed.data[key as keyof TenantSettings], merged[key as keyof TenantSettings]));
  if (unparsed.length) {
    throw new Error(
      `updateConfig for tenant ${current.tenantId} needs whole, fully parsed settings (defaults applied, no unknown keys), as timr-sync config sends them; not so: ${unparsed.join(', ')}`,
    );
  }
  return parsed.data;
}
