/**
 * Update validators need the same rules as the CLI. The zod schema is pure, deterministic code
 * (no I/O), so the workflow reuses it rather than keeping a second copy of the rules.
 */
import { TenantSettings, type TenantSettingsPatch } from '../domain/tenant-settings.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key at every depth (a patch of one override keeps the others); arrays and scalars replace. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Applies a patch to settings; throws an Error listing every invalid field. */
export function applySettingsPatch(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new Error('updateConfig expects an object with the fields to change');
  }
  if ('tenantId' in patch) throw new Error('tenantId cannot be changed; start a workflow for the other tenant instead');
  const merged = deepMerge(current, patch);
  const parsed = TenantSettings.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new Error(`invalid config for tenant ${current.tenantId}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
