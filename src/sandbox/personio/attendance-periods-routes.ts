/**
 * /v2/attendance-periods: list, read, create, update, delete. Each write validates the body,
 * then the business rules, then overlaps against the person's other periods, all within one
 * synchronous step so concurrent requests cannot slip two overlapping periods in.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireAuth } from './auth.js';
import { PersonioApiError, notFound, unprocessable } from './errors.js';
import { absoluteHref, paginate, queryOf, single } from './pagination.js';
import { parsePeriodQuery } from './period-filters.js';
import { checkNoOverlap, checkPeriodRules, parseCreateBody, parsePatchBody, parseSkipApproval } from './period-validation.js';
import type { PersonioSettings } from './settings.js';
import type { PeriodContent, PeriodStatus, PersonioStore } from './store.js';

const BASE = '/v2/attendance-periods';
export const PERIODS_LIMIT = { min: 1, max: 100, default: 100 };

export interface PeriodRouteDeps {
  store: PersonioStore;
  settings: PersonioSettings;
}

function statusFor(request: FastifyRequest, settings: PersonioSettings): PeriodStatus {
  const skipApproval = parseSkipApproval(single(queryOf(request), 'skip_approval'));
  return skipApproval || !settings.approvalRuleActive ? 'confirmed' : 'pending';
}

function unknownPerson(personId: string, settings: PersonioSettings): PersonioApiError {
  const detail = `person ${personId} does not exist in this Personio account; match employees via GET /v2/persons`;
  return settings.unknownPersonStatus === 404
    ? new PersonioApiError(404, [{ title: 'Resource not found', detail, code: 'common.requested_resource_not_found', meta: { field: 'person.id' } }])
    : unprocessable('Person not found', detail, 'attendance_periods.person_not_found', 'person.id');
}

export function registerAttendancePeriodRoutes(app: FastifyInstance, deps: PeriodRouteDeps): void {
  const { store, settings } = deps;

  app.get(BASE, async (request) => {
    const { tenantId } = requireAuth(request);
    const q = parsePeriodQuery(queryOf(request));
    const candidates = q.personIds ? q.personIds.flatMap((id) => store.periodsOfPerson(tenantId, id)) : store.periods(tenantId);
    return paginate(request, candidates.filter(q.matches), (p) => [p.start.date_time, p.id], PERIODS_LIMIT);
  });

  app.get(`${BASE}/:id`, async (request) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    const period = store.period(tenantId, id);
    if (!period) throw notFound(`no attendance period with id ${id}`);
    return period;
  });

  app.post(BASE, async (request, reply) => {
    const { tenantId } = requireAuth(request);
    const status = statusFor(request, settings);
    const body = parseCreateBody(request.body);
    if (!store.person(tenantId, body.person.id)) throw unknownPerson(body.person.id, settings);
    const content: PeriodContent = {
      person: { id: body.person.id },
      type: body.type,
      start: body.start,
      end: body.end,
      comment: body.comment ?? null,
      project: body.project ?? null,
      status,
    };
    checkPeriodRules(content, settings);
    checkNoOverlap(content, store.periodsOfPerson(tenantId, body.person.id), settings);
    const period = store.insertPeriod(tenantId, content);
    return reply.code(201).send({ id: period.id, _meta: { links: { self: { href: absoluteHref(request, `${BASE}/${period.id}`) } } } });
  });

  app.patch(`${BASE}/:id`, async (request, reply) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    const existing = store.period(tenantId, id);
    if (!existing) throw notFound(`no attendance period with id ${id}`);
    const status = statusFor(request, settings);
    const patch = parsePatchBody(request.body);
    const content: PeriodContent = {
      person: existing.person,
      type: patch.type ?? existing.type,
      start: patch.start ?? existing.start,
      end: patch.end !== undefined ? patch.end : existing.end,
      comment: patch.comment !== undefined ? patch.comment : existing.comment,
      project: patch.project !== undefined ? patch.project : existing.project,
      status,
    };
    checkPeriodRules(content, settings);
    const others = store.periodsOfPerson(tenantId, existing.person.id).filter((p) => p.id !== id);
    checkNoOverlap(content, others, settings);
    store.updatePeriod(tenantId, id, content);
    return reply.code(204).send();
  });

  app.delete(`${BASE}/:id`, async (request, reply) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    if (!store.deletePeriod(tenantId, id)) throw notFound(`no attendance period with id ${id}`);
    return reply.code(204).send();
  });
}
