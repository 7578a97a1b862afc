/**
 * The Personio sandbox's absence periods over real HTTP (what `zeitausgleich.representation =
 * absence` writes): create, list with filters, read, delete, and the refusals — unknown person
 * or absence type, start after end, two absences of one person overlapping (409).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbsencePeriod, AbsencePeriodsList, CreatedResponse, ErrorResponse } from '../../src/clients/personio/schemas.js';
import { fetchPersonioToken } from '../../src/sandbox/personio/fixtures.js';
import { startPersonioSandbox, type RunningPersonioSandbox } from '../../src/sandbox/personio/listen.js';
import { Seed } from '../../src/sandbox/seed.js';

const CREDS = { clientId: 'acme-personio', clientSecret: 'acme-secret' };
let sandbox: RunningPersonioSandbox;
let token: string;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
};
const absence = (person: string, start: string, end: string, type = 'at-za') => ({
  person: { id: person },
  absence_type: { id: type },
  starts_from: { date_time: start },
  ends_at: { date_time: end },
  comment: 'Zeitausgleich',
});

beforeAll(async () => {
  sandbox = await startPersonioSandbox();
  sandbox.seed(
    Seed.parse({
      tenants: [
        {
          id: 'acme',
          timr: { clientId: 'unused', clientSecret: 'unused' },
          personio: { ...CREDS, persons: [{ id: 'p-anna', email: 'anna@acme.example' }], absenceTypes: [{ id: 'at-za', name: 'Überstundenausgleich' }] },
        },
      ],
    }),
  );
  token = await fetchPersonioToken(sandbox.baseUrl, CREDS);
});
afterAll(async () => {
  await sandbox.close();
});

describe('/v2/absence-periods', () => {
  it('creates, lists by person and start, reads and deletes an absence', async () => {
    const created = await call('POST', '/v2/absence-periods?skip_approval=true', absence('p-anna', '2026-11-20T00:00:00', '2026-11-21T00:00:00'));
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const { id } = CreatedResponse.parse(created.json);

    const listed = AbsencePeriodsList.parse((await call('GET', '/v2/absence-periods?person.id=p-anna&starts_from.date_time.gte=2026-11-20T00:00:00&starts_from.date_time.lte=2026-11-20T23:59:59')).json);
    expect(listed._data.map((a) => a.id)).toEqual([id]);
    expect(AbsencePeriodsList.parse((await call('GET', '/v2/absence-periods?starts_from.date_time.gte=2026-11-21T00:00:00')).json)._data).toEqual([]);
    expect(AbsencePeriod.parse((await call('GET', `/v2/absence-periods/${id}`)).json)).toMatchObject({ absence_type: { id: 'at-za' }, comment: 'Zeitausgleich' });

    expect((await call('DELETE', `/v2/absence-periods/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/v2/absence-periods/${id}`)).status).toBe(404);
  });

  it('refuses an overlapping absence of the same person with 409, an unknown type or person, and start after end', async () => {
    expect((await call('POST', '/v2/absence-periods', absence('p-anna', '2026-11-23T08:00:00', '2026-11-23T16:00:00'))).status).toBe(201);
    const clash = await call('POST', '/v2/absence-periods', absence('p-anna', '2026-11-23T12:00:00', '2026-11-23T18:00:00'));
    expect(clash.status).toBe(409);
    expect(ErrorResponse.parse(clash.json).errors[0]?.title).toBe('Absence period conflict');
    expect((await call('POST', '/v2/absence-periods', absence('p-anna', '2026-11-24T08:00:00', '2026-11-24T16:00:00', 'at-nope'))).status).toBe(422);
    expect((await call('POST', '/v2/absence-periods', absence('p-nobody', '2026-11-24T08:00:00', '2026-11-24T16:00:00'))).status).toBe(404);
    expect((await call('POST', '/v2/absence-periods', absence('p-anna', '2026-11-25T16:00:00', '2026-11-25T08:00:00'))).status).toBe(422);
    expect((await call('POST', '/v2/absence-periods', { ...absence('p-anna', '2026-11-26T08:00:00', '2026-11-26T16:00:00'), type: 'WORK' })).status).toBe(400);
  });
});
