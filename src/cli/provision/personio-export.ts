/**
 * Reads a Personio employee export — CSV (UTF-8 with or without BOM, `;` or `,`, quoted
 * fields, CRLF) or XLSX (first sheet) — into provisioning rows. Personio exports carry the
 * columns the admin chose, in the account's language, so headers are recognised in German and
 * English, and `--columns field=Header` maps any other. Parsing is csv-parse and
 * read-excel-file; what is hand-written here is only which header means what, and dates.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import type { ProvisionRow } from '../../domain/provisioning.js';
import type { MatchingStrategy } from '../../domain/tenant-config.js';
import { CliError, UsageError } from '../commands/errors.js';

export const EXPORT_FIELDS = ['first_name', 'last_name', 'email', 'employee_number', 'id', 'hire_date', 'termination_date', 'status'] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

const ROW_KEY: Record<ExportField, keyof ProvisionRow> = {
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  employee_number: 'employeeNumber',
  id: 'personId',
  hire_date: 'hireDate',
  termination_date: 'terminationDate',
  status: 'status',
};

/** Header spellings Personio uses (German and English account languages) and common variants. */
export const HEADER_ALIASES: Record<ExportField, readonly string[]> = {
  first_name: ['Vorname', 'First name', 'Firstname', 'Given name'],
  last_name: ['Nachname', 'Last name', 'Lastname', 'Surname', 'Familienname'],
  email: ['E-Mail', 'Email', 'E-Mail-Adresse', 'Email address', 'Work email', 'Geschäftliche E-Mail'],
  employee_number: ['Personalnummer', 'Employee ID', 'Employee number', 'Personnel number', 'Mitarbeiternummer'],
  id: ['ID', 'Personio ID', 'Person ID'],
  hire_date: ['Eintrittsdatum', 'Hire date', 'Eintritt', 'Start date'],
  termination_date: ['Austrittsdatum', 'Termination date', 'Austritt', 'Last working day', 'Letzter Arbeitstag'],
  status: ['Status'],
};

const DATE_FIELDS = new Set<ExportField>(['hire_date', 'termination_date']);

/** "E-Mail" = "email" = "e_mail": case, accents of the separators, blanks and punctuation do not count. */
export function normalizeHeader(h: string): string {
  return h.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** `--columns email=Work Mail,id=Personio-ID` (repeatable) → field → header. */
export function parseColumnsOption(values: readonly string[] | undefined): Partial<Record<ExportField, string>> {
  const out: Partial<Record<ExportField, string>> = {};
  for (const value of values ?? []) {
    for (const part of value.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const field = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase().replace(/-/g, '_') as ExportField;
      const header = eq < 0 ? '' : part.slice(eq + 1).trim();
      if (!EXPORT_FIELDS.includes(field)) throw new UsageError(`--columns: "${part.trim()}" names no field; use field=Header with a field of ${EXPORT_FIELDS.join(', ')}`);
      if (!header) throw new UsageError(`--columns: "${part.trim()}" has no header; write ${field}=<column header as in the file>`);
      out[field] = header;
    }
  }
  return out;
}

export interface ColumnMap {
  /** field → column index */
  columns: Partial<Record<ExportField, number>>;
  /** Headers that mean the same field as an earlier one (the first is used). */
  ignoredDuplicates: string[];
}

/** Which column holds which field; fails naming the missing field, what was looked for and what the file has. */
export function mapColumns(headers: readonly string[], given: Partial<Record<ExportField, string>>, required: readonly ExportField[], file: string): ColumnMap {
  const normalized = headers.map((h) => normalizeHeader(h));
  const columns: Partial<Record<ExportField, number>> = {};
  const ignoredDuplicates: string[] = [];
  for (const field of EXPORT_FIELDS) {
    const explicit = given[field];
    if (explicit !== undefined) {
      const i = normalized.indexOf(normalizeHeader(explicit));
      if (i < 0) throw new CliError(`--columns ${field}=${explicit}: ${file} has no column "${explicit}" (its headers: ${headers.join(', ')})`);
      columns[field] = i;
      continue;
    }
    const aliases = new Set(HEADER_ALIASES[field].map(normalizeHeader));
    const hits = normalized.flatMap((h, i) => (aliases.has(h) ? [i] : []));
    // A column mapped explicitly to another field is not also this one.
    const free = hits.filter((i) => !Object.entries(given).some(([f, h]) => f !== field && normalizeHeader(h as string) === normalized[i]));
    if (free.length > 0) {
      columns[field] = free[0] as number;
      for (const i of free.slice(1)) ignoredDuplicates.push(`${headers[i]} (as ${field}; using ${headers[free[0] as number]})`);
    }
  }
  const missing = required.filter((f) => columns[f] === undefined);
  if (missing.length > 0) {
    const lines = missing.map((f) => `  ${f}: looked for ${HEADER_ALIASES[f].map((a) => `"${a}"`).join(', ')}`);
    throw new CliError(
      `${file} has no column for ${missing.join(', ')}:\n${lines.join('\n')}\n  its headers: ${headers.map((h) => `"${h}"`).join(', ')}\n` +
        `Map them with --columns ${missing.map((f) => `${f}=<header>`).join(',')}`,
    );
  }
  return { columns, ignoredDuplicates };
}

/** Which fields the file must have: names and e-mail always, plus the key the tenant matches by. */
export function requiredFields(strategy: MatchingStrategy): ExportField[] {
  const base: ExportField[] = ['first_name', 'last_name', 'email'];
  if (strategy === 'employee_number') base.push('employee_number');
  if (strategy === 'external_id') base.push('id');
  return base;
}

// Dates as Personio writes them: ISO (2024-03-01, also with a time), German (01.03.2024, 1.3.24 is not used).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const GERMAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** A date cell as YYYY-MM-DD, or a problem naming the value. Excel serial numbers and Date cells too. */
export function normalizeDate(value: unknown, header: string): { date?: string; problem?: string } {
  if (value === null || value === undefined || value === '') return {};
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { problem: `${header}: not a date` };
    return { date: value.toISOString().slice(0, 10) };
  }
  if (typeof value === 'number') {
    // An Excel serial day number (a date cell without a date format): days since 1899-12-30.
    const ms = Math.round((value - 25_569) * 86_400_000);
    return Number.isFinite(ms) && value > 0 ? { date: new Date(ms).toISOString().slice(0, 10) } : { problem: `${header}: ${value} is not a date` };
  }
  const text = String(value).trim();
  if (text === '') return {};
  const iso = ISO.exec(text);
  const de = GERMAN.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : de ? [de[3], de[2]!.padStart(2, '0'), de[1]!.padStart(2, '0')] : [];
  const date = y && m && d ? `${y}-${m}-${d}` : undefined;
  if (!date || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    return { problem: `${header} "${text}" is not a date (write YYYY-MM-DD or DD.MM.YYYY)` };
  }
  return { date };
}

function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

const INACTIVE = new Set(['inactive', 'inaktiv']);

export interface ExportRead {
  file: string;
  format: 'csv' | 'xlsx';
  headers: string[];
  /** Rows to provision (inactive ones left out unless asked), in file order. */
  rows: ProvisionRow[];
  /** Rows left out because their status is inactive. */
  inactiveSkipped: number;
  ignoredDuplicates: string[];
  delimiter?: string;
}

export interface ReadExportOptions {
  strategy: MatchingStrategy;
  columns?: Partial<Record<ExportField, string>>;
  includeInactive?: boolean;
}

/**
 * The delimiter from the header line: csv-parse has no detection, and Personio writes `;` in
 * German-language accounts and `,` in English ones. Counts outside quotes.
 */
function sniffDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = new Map<string, number>([[';', 0], [',', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  const [best, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
  return n > 0 ? best : ',';
}

/** Raw cells with the line each row starts on (header = line 1). */
interface RawTable {
  headers: string[];
  rows: { line: number; cells: unknown[] }[];
  delimiter?: string;
}

export function parseCsvText(text: string, file: string): RawTable {
  // csv-parse counts a CRLF inside a quoted field as two lines; with LF only its line numbers are right.
  const lf = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const delimiter = sniffDelimiter(lf);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(lf, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }) as unknown as typeof records;
  } catch (err) {
    throw new CliError(`${file} is not readable as CSV: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new CliError(`${file} is empty: expected a header line and one line per employee`);
  return {
    headers: head.record.map((h) => h.trim()),
    // info.lines is the line a record ends on; a field spanning lines moves its start up.
    rows: body.map((r) => ({ line: r.info.lines - r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0), cells: r.record })),
    delimiter,
  };
}

export async function parseXlsx(data: Buffer, file: string): Promise<RawTable> {
  let sheet: unknown[][];
  try {
    sheet = (await readSheet(data, 1)) as unknown[][];
  } catch (err) {
    throw new CliError(`${file} is not readable as an XLSX workbook: ${(err as Error).message}`);
  }
  const [head, ...body] = sheet;
  if (!head) throw new CliError(`${file}: its first sheet is empty; expected a header row and one row per employee`);
  return {
    headers: head.map((h) => (h === null || h === undefined ? '' : String(h).trim())),
    rows: body.map((cells, i) => ({ line: i + 2, cells })).filter((r) => r.cells.some((c) => c !== null && c !== undefined && String(c).trim() !== '')),
  };
}

/** Cells → rows; a row the file itself garbles (wrong field count, unreadable date) carries its problem. */
export function tableToRows(table: RawTable, file: string, opts: ReadExportOptions): Omit<ExportRead, 'file' | 'format'> {
  const { columns, ignoredDuplicates } = mapColumns(table.headers, opts.columns ?? {}, requiredFields(opts.strategy), file);
  const rows: ProvisionRow[] = [];
  let inactiveSkipped = 0;
  const firstSeen = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    const row: ProvisionRow = { line };
    const problems: string[] = [];
    if (table.delimiter !== undefined && cells.length !== table.headers.length) {
      problems.push(`has ${cells.length} fields, the header has ${table.headers.length} (a "${table.delimiter}" inside an unquoted value?)`);
    }
    for (const field of EXPORT_FIELDS) {
      const i = columns[field];
      if (i === undefined) continue;
      const value = cells[i];
      const key = ROW_KEY[field];
      if (DATE_FIELDS.has(field)) {
        const { date, problem } = normalizeDate(value, table.headers[i] ?? field);
        if (problem) problems.push(problem);
        if (date) (row as Record<string, unknown>)[key] = date;
      } else {
        const text = cellText(value);
        if (text !== undefined) (row as Record<string, unknown>)[key] = text;
      }
    }
    if (problems.length > 0) row.problem = problems.join('; ');
    if (!opts.includeInactive && row.status !== undefined && INACTIVE.has(row.status.toLowerCase())) {
      inactiveSkipped++;
      continue;
    }
    // The same employee twice in one file: the later line is a conflict naming the earlier.
    const keys = [row.email && `email:${row.email.toLowerCase()}`, row.employeeNumber && `number:${row.employeeNumber.toLowerCase()}`, row.personId && `id:${row.personId}`].filter(
      (k): k is string => typeof k === 'string',
    );
    const earlier = keys.map((k) => firstSeen.get(k)).find((l) => l !== undefined);
    if (earlier !== undefined && !row.problem) row.duplicateOf = `line ${earlier}`;
    for (const k of keys) if (!firstSeen.has(k)) firstSeen.set(k, line);
    rows.push(row);
  }
  return { headers: table.headers, rows, inactiveSkipped, ignoredDuplicates, ...(table.delimiter !== undefined && { delimiter: table.delimiter }) };
}

/** Reads and maps an export file (by its extension: .xlsx, otherwise CSV). */
export async function readPersonioExport(file: string, opts: ReadExportOptions): Promise<ExportRead> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const name = path.basename(file);
  if (/\.xlsx$/i.test(file)) return { file: name, format: 'xlsx', ...tableToRows(await parseXlsx(data, name), name, opts) };
  if (/\.xls$/i.test(file)) throw new CliError(`${name} is an old Excel (.xls) file; export XLSX or CSV from Personio instead`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new CliError(`${name} is not UTF-8 text; export the CSV from Personio as UTF-8 (or export XLSX)`);
  }
  return { file: name, format: 'csv', ...tableToRows(parseCsvText(text, name), name, opts) };
}
