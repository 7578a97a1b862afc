import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';
import { isPlainObject, type PlainObject } from './settings-assignments.js';

/** A JSON object from a settings or patch file; failures name the file and the option. */
export async function readJsonObjectFile(file: string, option: string): Promise<PlainObject> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${option} ${file}: cannot read the file (${code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${option} ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(json)) throw new CliError(`${option} ${file} must contain a JSON object of settings, e.g. {"intervalSeconds": 300}`);
  return json;
}
