/**
 * Settings validation for the CLI: the same zod schema the workflow uses, with messages that
 * name the tenant and every offending field, before anything is sent to Temporal.
 */
import type { z } from 'zod';
import { TenantSettings } from '../../domain/tenant-settings.js';
import { CliError } from './errors.js';
import type { PlainObject } from './settings-assignments.js';

export function describeSettingsIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `  - ${issue.path.map(String).join('.') || '(settings)'}: ${issue.message}`);
}

export function invalidSettingsError(tenantId: string, issues: readonly z.core.$ZodIssue[], fix: string): CliError {
  return new CliError([`settings of tenant "${tenantId}" are invalid; nothing was changed:`, ...describeSettingsIssues(issues), fix].join('\n'));
}

/** Top-level keys the settings know; the top-level schema strips unknown ones, so typos are caught here. */
export function checkKnownSettingKeys(tenantId: string, candidate: PlainObject, fix: string): void {
  const known = new Set(Object.keys(TenantSettings.shape));
  const unknown = Object.keys(candidate).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new CliError(
      `settings of tenant "${tenantId}": unknown setting ${unknown.map((k) => `"${k}"`).join(', ')}; known settings are ${[...known].join(', ')}. ${fix}`,
    );
  }
}
