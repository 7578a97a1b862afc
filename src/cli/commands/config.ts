/**
 * `timr-sync config`: changes a running tenant's settings through the validated updateConfig
 * update. The change is computed here against the tenant's current settings and whole
 * top-level settings are sent, so a nested `--set` never resets its sibling settings. New or
 * changed matching overrides are checked against Personio first (the update's validator cannot
 * read it): one naming a person that does not exist is refused and nothing is changed.
 */
import { changedOverrides, changeTenantSettings, checkMatchingOverrides, tenantStatus, tenantTaskQueue } from '../../control/tenants.js';
import { TenantSettings, type TenantSettingsChange } from '../../domain/tenant-settings.js';
import { flattenSettings } from '../format/settings.js';
import { printLines } from './cli-io.js';
import { answerQuickly } from './answer-deadline.js';
import { collect, tenantIdArgument, type CommandModule } from './command.js';
import { UsageError } from './errors.js';
import { readJsonObjectFile } from './read-json-file.js';
import { appendPath, deepMerge, durationsInSeconds, parseAssignment, parseSettingPath, setPath, unsetPath, type Assignment, type PlainObject } from './settings-assignments.js';
import { checkKnownSettingKeys, invalidSettingsError } from './settings-problems.js';

export interface ConfigInput {
  /** Content of --file: a partial settings object, merged into the current settings. */
  file?: PlainObject;
  sets: Assignment[];
  unsets: string[][];
}

export interface SettingChange {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

export interface ConfigPlan {
  /** Whole top-level settings, parsed: the workflow's handler assigns them as they are. */
  patch: TenantSettingsChange;
  changes: SettingChange[];
}

const FIX = 'Fix the --set/--unset values or the --file content and run config again.';

export function diffSettings(before: unknown, after: unknown): SettingChange[] {
  const a = new Map(flattenSettings(before, '', { emptyGroups: false }));
  const b = new Map(flattenSettings(after, '', { emptyGroups: false }));
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths.filter((p) => a.get(p) !== b.get(p)).map((path) => ({ path, before: a.get(path), after: b.get(path) }));
}

function rejectTenantId(path: readonly string[]): void {
  if (path[0] === 'tenantId') throw new UsageError('tenantId cannot be changed; it is the identity of the workflow. Start a workflow for the other tenant instead.');
}

function applyInput(current: PlainObject, input: ConfigInput, stringAt: ReadonlySet<string>): PlainObject {
  let next = input.file ? deepMerge(current, input.file) : current;
  for (const a of input.sets) {
    const value = stringAt.has(a.path.join('.')) ? a.raw : a.value;
    next = a.append ? appendPath(next, a.path, value) : setPath(next, a.path, value);
  }
  for (const path of input.unsets) next = unsetPath(next, path);
  return next;
}

/** What `config` will send, validated with the workflow's own schema; pure, for testing without a server. */
export function planConfigChange(current: TenantSettings, input: ConfigInput): ConfigPlan {
  const tenantId = current.tenantId;
  if (input.file) Object.keys(input.file).forEach((k) => rejectTenantId([k]));
  input.sets.forEach((a) => rejectTenantId(a.path));
  input.unsets.forEach(rejectTenantId);
  const touched = [...new Set([...Object.keys(input.file ?? {}), ...input.sets.map((a) => a.path[0] as string), ...input.unsets.map((p) => p[0] as string)])];

  const { tenantId: _id, ...base } = current;
  const stringAt = new Set<string>();
  let next = applyInput(base, input, stringAt);
  checkKnownSettingKeys(tenantId, next, FIX);
  let parsed = TenantSettings.safeParse({ ...next, tenantId });
  if (!parsed.success) {
    // "--set sync.matching.overrides.123=456": JSON made a number of an id; where a string is wanted, take the text as typed.
    const wantString = new Set(
      parsed.error.issues.filter((i) => i.code === 'invalid_type' && i.expected === 'string').map((i) => i.path.map(String).join('.')),
    );
    const wanted = (a: Assignment) => {
      const path = a.path.join('.');
      // An appended item's issue is reported at its index in the list.
      return wantString.has(path) || (a.append === true && [...wantString].some((w) => w.startsWith(`${path}.`)));
    };
    for (const a of input.sets) if (typeof a.value !== 'string' && wanted(a)) stringAt.add(a.path.join('.'));
    if (stringAt.size > 0) {
      next = applyInput(base, input, stringAt);
      parsed = TenantSettings.safeParse({ ...next, tenantId });
    }
  }
  if (!parsed.success) throw invalidSettingsError(tenantId, parsed.error.issues, FIX);
  const settings = parsed.data;
  // Whole top-level values with defaults applied: an unset top-level setting is sent as its default.
  const patch = Object.fromEntries(touched.map((key) => [key, settings[key as keyof TenantSettings]])) as TenantSettingsChange;
  return { patch, changes: diffSettings(current, settings) };
}

function renderChanges(changes: readonly SettingChange[]): string[] {
  return changes.map((c) => `  ${c.path}: ${c.before ?? '(unset)'} → ${c.after ?? '(unset)'}`);
}

export const configCommand: CommandModule = {
  name: 'config',
  register(program, ctx) {
    program
      .command('config')
      .summary("change a running tenant's settings")
      .usage('<tenantId> (--set <path>=<value> ... | --unset <path> ... | --file patch.json) [--json]')
      .description(
        `Changes the settings of a running tenant; they apply from the next sync. Paths are the names
"timr-sync status" shows. Values are JSON when they parse as JSON, text otherwise; settings in
seconds take durations too (--set intervalSeconds=5m).
Every change is validated first; if anything is invalid, nothing is changed. New matching
overrides are checked against Personio: one naming a person that does not exist is refused,
one whose person has another name than the timr user is set with a warning.`,
      )
      .argument('<tenantId>', 'the tenant, e.g. acme-gmbh', tenantIdArgument)
      .option(
        '--set <path=value>',
        `set a setting; repeatable, e.g.
--set intervalSeconds=5m
--set sync.matching.strategy=employee_number
--set sync.matching.overrides.<timrUserId>=<personioPersonId>
--set 'sync.zeitausgleich.names=["Zeitausgleich","ZA"]'
--set <path>+=<value> adds to a list, e.g. --set sync.ignoreTypeIds+=<timrTypeId> (status names the working-time types that need such a decision)`,
        collect,
      )
      .option('--unset <path>', 'remove a key (e.g. one matching override) or reset a setting to its default; repeatable', collect)
      .option('--file <patch.json>', 'a JSON object of settings to change; nested objects are merged')
      .option('--json', 'print the changes and the settings now in effect as JSON')
      .action(
        ctx.run(async (tenantId, values) => {
          const sets = (values.set ?? []).map(parseAssignment);
          const unsets = (values.unset ?? []).map(parseSettingPath);
          if (sets.length === 0 && unsets.length === 0 && values.file === undefined) throw new UsageError('nothing to change: give --set, --unset or --file');
          const file = values.file !== undefined ? durationsInSeconds(await readJsonObjectFile(values.file, '--file'), `--file ${values.file}`) : undefined;

          const current = (await answerQuickly(ctx, (client) => tenantStatus(client, tenantId))).settings;
          const plan = planConfigChange(current, { ...(file && { file }), sets, unsets });
          if (plan.changes.length === 0) {
            if (values.json) printLines(ctx.io.stdout, JSON.stringify({ tenantId, changed: false, changes: [], settings: current }, null, 2));
            else printLines(ctx.io.stdout, `tenant ${tenantId}: the settings already have these values; nothing was changed`);
            return 0;
          }
          const overrides = changedOverrides(current.sync.matching.overrides, plan.patch.sync?.matching?.overrides ?? current.sync.matching.overrides);
          if (Object.keys(overrides).length > 0) {
            const warnings = await answerQuickly(ctx, async (client) => checkMatchingOverrides(client, current, overrides, await tenantTaskQueue(client, tenantId)));
            for (const w of warnings) printLines(ctx.io.stderr, `warning: ${w.message}`);
          }
          const view = await answerQuickly(ctx, (client) => changeTenantSettings(client, tenantId, plan.patch));
          // What the workflow now holds, which is what counts (another operator may have changed something meanwhile).
          const changes = diffSettings(current, view.settings);
          if (values.json) printLines(ctx.io.stdout, JSON.stringify({ tenantId, changed: true, changes, settings: view.settings }, null, 2));
          else printLines(ctx.io.stdout, [`tenant ${tenantId}: settings changed, effective from the next sync:`, ...renderChanges(changes)]);
          return 0;
        }),
      );
  },
};
