/**
 * /v2/absence-periods: create, list, read, delete — enough of Personio's absence API for
 * Zeitausgleich booked as time off (`sync.zeitausgleich.representation = absence`). Like
 * attendances: local date-times without offset, the person and the absence type must exist,
 * start after end is refused, and two absences of one person may not overlap (Personio v2
 * answers 409 "Absence period conflict").
 */
import type { FastifyInstance } from 'fastify';
import { AbsencePeriodCreate } from '../../clients/personio/schemas.js';
import { requireAuth } from './auth.js';
import { PersonioApiError, badRequest, genericError, notFound, unprocessable } from './errors.js';
import { wallClockMillis } from './local-date-time.js';
import { periodsOverlap } from './overlap.js';
import { absoluteHref, paginate, queryOf, single } from './pagination.js';
import type { AbsenceContent, PersonioStore, StoredAbsence } from './store.js';

const BASE = '/v2/absence-periods';
const LIMIT = { min: 1, max: 100, default: 100 };
const StrictCreate = AbsencePeriodCreate.strict();

function idList(query: URLSearchParams, name: string): Set<string> | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw badRequest(`filter ${name} is empty; give one or more comma-separated ids`, name);
  return new Set(ids);
}

function localBound(query: URLSearchParams, name: string): string | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  if (wallClockMillis(raw) === undefined) throw badRequest(`filter ${name} "${raw}" is not a local date-time; expected YYYY-MM-DDTHH:mm:ss without offset`, name);
  return raw;
}

export function registerAbsencePeriodRoutes(app: FastifyInstance, store: PersonioStore): void {
  app.get(BASE, async (request) => {
    const { tenantId } = requireAuth(request);
    const query = queryOf(request);
    const persons = idList(query, 'person.id');
    const ids = idList(query, 'id');
    const types = idList(query, 'absence_type.id');
    const from = localBound(query, 'starts_from.date_time.gte');
    const to = localBound(query, 'starts_from.date_time.lte');
    const matches = (a: StoredAbsence) =>
      (!persons || persons.has(a.person.id)) &&
      (!ids || ids.has(a.id)) &&
      (!types || types.has(a.absence_type.id)) &&
      (from === undefined || a.starts_from.date_time >= from) &&
      (to === undefined || a.starts_from.date_time <= to);
    return paginate(request, store.absences(tenantId).filter(matches), (a) => [a.starts_from.date_time, a.id], LIMIT);
  });

  app.get(`${BASE}/:id`, async (request) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    const absence = store.absence(tenantId, id);
    if (!absence) throw notFound(`no absence period with id ${id}`);
    return absence;
  });

  app.post(BASE, async (request, reply) => {
    const { tenantId } = requireAuth(request);
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) throw badRequest('the request body must be a JSON object');
    const parsed = StrictCreate.safeParse(request.body);
    if (!parsed.success) {
      throw new PersonioApiError(400, parsed.error.issues.map((i) => genericError(400, `${i.path.map(String).join('.') || '(body)'}: ${i.message}`, { field: i.path.map(String).join('.') })));
    }
    const body = parsed.data;
    if (!store.person(tenantId, body.person.id)) throw notFound(`person ${body.person.id} does not exist in this Personio account`);
    if (!store.absenceTypes(tenantId).some((t) => t.id === body.absence_type.id)) {
      throw unprocessable('Unprocessable absence period request', `absence type ${body.absence_type.id} does not exist in this Personio account`, 'absence_periods.absence_type_not_found', 'absence_type.id');
    }
    const start = body.starts_from.date_time;
    const end = body.ends_at?.date_time ?? null;
    if (wallClockMillis(start) === undefined || (end !== null && wallClockMillis(end) === undefined)) throw badRequest('starts_from/ends_at is not a real calendar date-time');
    if (end !== null && end < start) {
      throw unprocessable('Unprocessable absence period request', `starts_from ${start} is after ends_at ${end}`, 'absence_periods.start_after_end', 'starts_from.date_time');
    }
    const content: AbsenceContent = { person: body.person, absence_type: body.absence_type, starts_from: body.starts_from, ends_at: body.ends_at, comment: body.comment ?? null };
    const clash = store.absences(tenantId).find(
      (a) => a.person.id === body.person.id && periodsOverlap({ start, end }, { start: a.starts_from.date_time, end: a.ends_at?.date_time ?? null }),
    );
    if (clash) {
      throw new PersonioApiError(409, [
        { title: 'Absence period conflict', detail: `person ${body.person.id} already has absence period ${clash.id} from ${clash.starts_from.date_time}`, code: 'absence_periods.conflict', meta: { field: 'starts_from.date_time' } },
      ]);
    }
    const absence = store.insertAbsence(tenantId, content);
    return reply.code(201).send({ id: absence.id, _meta: { links: { self: { href: absoluteHref(request, `${BASE}/${absence.id}`) } } } });
  });

  app.delete(`${BASE}/:id`, async (request, reply) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    if (!store.deleteAbsence(tenantId, id)) throw notFound(`no absence period with id ${id}`);
    return reply.code(204).send();
  });
}
