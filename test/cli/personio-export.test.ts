/**
 * Personio exports as they come: German and English headers, BOM or not, ";" or ",", quoted
 * fields (with the delimiter, quotes and line breaks inside), CRLF, custom headers via
 * --columns, XLSX (built here with write-excel-file, with date cells and a numeric column), and
 * rows that are wrong in every way the provisioning report has to name with their line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeDate, parseColumnsOption, readPersonioExport } from '../../src/cli/provision/personio-export.js';
import { indexUsers, planRow } from '../../src/domain/provisioning.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'personio-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('CSV exports', () => {
  it('German headers, BOM, semicolons, CRLF, quoted fields with ; and "" and a line break', async () => {
    const csv =
      '\uFEFFID;Vorname;Nachname;E-Mail;Personalnummer;Eintrittsdatum;Austrittsdatum;Abteilung\r\n' +
      '101;Anna;"Berger; geb. Huber";anna.berger@acme.example;1001;01.03.2021;;"Vertrieb ""Ost"""\r\n' +
      '102;"Jo\r\nhann";Maier;johann.maier@acme.example;1002;2020-01-15;31.12.2026;Lager\r\n' +
      '\r\n' +
      '103;Eva;Wolf;eva.wolf@acme.example;1003;1.2.2019;;IT\r\n';
    const read = await readPersonioExport(await file('de.csv', csv), { strategy: 'email' });
    expect(read.format).toBe('csv');
    expect(read.delimiter).toBe(';');
    expect(read.headers[0]).toBe('ID');
    expect(read.rows).toEqual([
      { line: 2, personId: '101', firstName: 'Anna', lastName: 'Berger; geb. Huber', email: 'anna.berger@acme.example', employeeNumber: '1001', hireDate: '2021-03-01' },
      { line: 3, personId: '102', firstName: 'Jo\nhann', lastName: 'Maier', email: 'johann.maier@acme.example', employeeNumber: '1002', hireDate: '2020-01-15', terminationDate: '2026-12-31' },
      // The empty line 5 is skipped; Eva keeps her real line number.
      { line: 6, personId: '103', firstName: 'Eva', lastName: 'Wolf', email: 'eva.wolf@acme.example', employeeNumber: '1003', hireDate: '2019-02-01' },
    ]);
  });

  it('English headers, no BOM, commas, LF; inactive rows left out unless asked', async () => {
    const csv = 'First name,Last name,Email,Employee ID,Hire date,Termination date,Status\nAnna,Berger,anna@acme.example,E-1,2021-03-01,,active\nOtto,Alt,otto@acme.example,E-2,2001-01-01,2020-06-30,inactive\n';
    const p = await file('en.csv', csv);
    const active = await readPersonioExport(p, { strategy: 'employee_number' });
    expect(active.delimiter).toBe(',');
    expect(active.inactiveSkipped).toBe(1);
    expect(active.rows).toEqual([{ line: 2, firstName: 'Anna', lastName: 'Berger', email: 'anna@acme.example', employeeNumber: 'E-1', hireDate: '2021-03-01', status: 'active' }]);
    const all = await readPersonioExport(p, { strategy: 'employee_number', includeInactive: true });
    expect(all.rows.map((r) => [r.line, r.terminationDate])).toEqual([
      [2, undefined],
      [3, '2020-06-30'],
    ]);
  });

  it('--columns maps headers the aliases do not know, and wins over a recognised one', async () => {
    const csv = 'Rufname;Familie;Arbeits-Mail;E-Mail;MA-Nr\nAnna;Berger;anna@acme.example;privat@home.example;77\n';
    const columns = parseColumnsOption(['first_name=Rufname,last_name=Familie', 'email=Arbeits-Mail', 'employee-number=MA-Nr']);
    const read = await readPersonioExport(await file('custom.csv', csv), { strategy: 'employee_number', columns });
    expect(read.rows).toEqual([{ line: 2, firstName: 'Anna', lastName: 'Berger', email: 'anna@acme.example', employeeNumber: '77' }]);
  });

  it('a missing column is refused naming the field, the headers looked for, the file’s headers and --columns', async () => {
    const p = await file('nomail.csv', 'Vorname;Nachname\nAnna;Berger\n');
    await expect(readPersonioExport(p, { strategy: 'email' })).rejects.toThrow(/nomail\.csv has no column for email:[\s\S]*"E-Mail", "Email"[\s\S]*its headers: "Vorname", "Nachname"[\s\S]*--columns email=<header>/);
    // The tenant's strategy decides what else is required.
    const q = await file('noid.csv', 'Vorname;Nachname;E-Mail\nAnna;Berger;a@acme.example\n');
    await expect(readPersonioExport(q, { strategy: 'external_id' })).rejects.toThrow(/no column for id/);
    expect(() => parseColumnsOption(['mail=X'])).toThrow(/names no field/);
    expect(() => parseColumnsOption(['email='])).toThrow(/has no header/);
  });

  it('bad rows keep their line numbers and reasons; the plan calls them invalid or conflicts', async () => {
    const csv = [
      'Vorname;Nachname;E-Mail;Personalnummer;Eintrittsdatum',
      'Anna;Berger;anna@acme.example;1;01.03.2021', // 2 fine
      ';Maier;maier@acme.example;2;', // 3 no first name
      'Eva;Wolf;not-an-address;3;', // 4 invalid e-mail
      'Jürgen;Groß;jürgen.groß@acme.example;4;', // 5 not a timr login
      'Max;Muster;max@acme.example;5;31.02.2021', // 6 impossible date
      'Zu;Viele;z@acme.example;6;;extra', // 7 too many fields
      'Anna;Berger;ANNA@acme.example;7;', // 8 same e-mail as line 2
      'Otto;Ohne;otto@acme.example', // 9 too few fields (still plannable fields are read)
    ].join('\r\n');
    const read = await readPersonioExport(await file('bad.csv', csv), { strategy: 'email' });
    const index = indexUsers([], 'email');
    const seen = new Map<string, string>();
    const planned = read.rows.map((r) => planRow(r, index, seen));
    const byLine = Object.fromEntries(planned.map((p) => [p.outcome.where, [p.outcome.kind, p.outcome.reason ?? '']]));
    expect(byLine['line 2']?.[0]).toBe('create');
    expect(byLine['line 3']).toEqual(['invalid', expect.stringMatching(/no first name/)]);
    expect(byLine['line 4']).toEqual(['invalid', expect.stringMatching(/"not-an-address" is not a valid address/)]);
    expect(byLine['line 5']).toEqual(['invalid', expect.stringMatching(/cannot be a timr login/)]);
    expect(byLine['line 6']).toEqual(['invalid', expect.stringMatching(/Eintrittsdatum "31.02.2021" is not a date/)]);
    expect(byLine['line 7']).toEqual(['invalid', expect.stringMatching(/has 6 fields, the header has 5/)]);
    expect(byLine['line 8']).toEqual(['conflict', expect.stringMatching(/same employee as line 2/)]);
    expect(byLine['line 9']).toEqual(['invalid', expect.stringMatching(/has 3 fields, the header has 5/)]);
  });

  it('refuses what is not a UTF-8 CSV or an XLSX, saying what to export instead', async () => {
    const latin1 = Buffer.from('Vorname;Nachname;E-Mail\nJ\xfcrgen;Gro\xdf;j@acme.example\n', 'latin1');
    await expect(readPersonioExport(await file('latin1.csv', latin1), { strategy: 'email' })).rejects.toThrow(/not UTF-8 text; export the CSV from Personio as UTF-8/);
    await expect(readPersonioExport(await file('old.xls', 'x'), { strategy: 'email' })).rejects.toThrow(/old Excel \(\.xls\)/);
    await expect(readPersonioExport(await file('broken.xlsx', 'not a zip'), { strategy: 'email' })).rejects.toThrow(/not readable as an XLSX workbook/);
  });
});

describe('XLSX exports', () => {
  it('reads the first sheet: English headers, date cells, a numeric employee id, an empty row', async () => {
    const data = [
      ['Employee ID', 'First name', 'Last name', 'Email', 'Hire date', 'ID'].map((value) => ({ value })),
      [{ value: 1001 }, { value: 'Anna' }, { value: 'Berger' }, { value: 'anna@acme.example' }, { value: new Date(Date.UTC(2021, 2, 1)), type: Date, format: 'dd.mm.yyyy' }, { value: '501' }],
      [null, null, null, null, null, null],
      [{ value: 1002 }, { value: 'Eva' }, { value: 'Wolf' }, { value: 'eva@acme.example' }, { value: '15.01.2020' }, { value: '502' }],
      [{ value: 1003 }, { value: 'Max' }, { value: '' }, { value: 'max@acme.example' }, { value: 'soon' }, { value: '503' }],
    ];
    const buffer = await writeXlsxFile(data as never, { sheet: 'Mitarbeiter' }).toBuffer();
    const read = await readPersonioExport(await file('export.xlsx', buffer), { strategy: 'external_id' });
    expect(read.format).toBe('xlsx');
    expect(read.rows).toEqual([
      { line: 2, employeeNumber: '1001', firstName: 'Anna', lastName: 'Berger', email: 'anna@acme.example', hireDate: '2021-03-01', personId: '501' },
      { line: 4, employeeNumber: '1002', firstName: 'Eva', lastName: 'Wolf', email: 'eva@acme.example', hireDate: '2020-01-15', personId: '502' },
      { line: 5, employeeNumber: '1003', firstName: 'Max', email: 'max@acme.example', personId: '503', problem: 'Hire date "soon" is not a date (write YYYY-MM-DD or DD.MM.YYYY)' },
    ]);
  });

  it('German headers in XLSX are recognised the same way', async () => {
    const data = [['Vorname', 'Nachname', 'E-Mail-Adresse', 'Personalnummer', 'Austrittsdatum'], ['Anna', 'Berger', 'anna@acme.example', 'P-0007', '2026-06-30']].map((r) => r.map((value) => ({ value })));
    const buffer = await writeXlsxFile(data as never).toBuffer();
    const read = await readPersonioExport(await file('de.xlsx', buffer), { strategy: 'employee_number' });
    expect(read.rows).toEqual([{ line: 2, firstName: 'Anna', lastName: 'Berger', email: 'anna@acme.example', employeeNumber: 'P-0007', terminationDate: '2026-06-30' }]);
  });
});

describe('dates', () => {
  it('normalises ISO, German and Excel serial dates; refuses the rest with the value', () => {
    expect(normalizeDate('2024-02-29', 'x')).toEqual({ date: '2024-02-29' });
    expect(normalizeDate('2024-02-29T00:00:00Z', 'x')).toEqual({ date: '2024-02-29' });
    expect(normalizeDate('29.2.2024', 'x')).toEqual({ date: '2024-02-29' });
    expect(normalizeDate(45351, 'x')).toEqual({ date: '2024-02-29' });
    expect(normalizeDate('29.02.2023', 'Eintrittsdatum').problem).toMatch(/Eintrittsdatum "29.02.2023" is not a date/);
    expect(normalizeDate('02/29/2024', 'Hire date').problem).toMatch(/not a date/);
    expect(normalizeDate('', 'x')).toEqual({});
  });
});
