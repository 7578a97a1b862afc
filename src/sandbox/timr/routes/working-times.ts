/** /v1/working-times: list, deletion feed, read, PATCH with timr's rules, DELETE. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseBody } from '../body-validation.js';
import { servePage } from '../list-endpoint.js';
import { validationProblem } from '../problems.js';
import { renderDeleted, renderWorkingTime } from '../render.js';
import { ApiWorkingTimeUpdate, planApiPatch } from '../working-time-rules.js';
import { DeletedWorkingTimesQuery, deletedMatcher, WorkingTimesQuery, workingTimeMatcher, workingTimeSortKey } from '../working-time-query.js';
import type { RouteContext } from './context.js';

const notFound = (id: string) => ({ status: 404, detail: `No working time exists with the identifier ${id}.` });

export function registerWorkingTimeRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v1/working-times', async (request, reply) => {
    const tenant = ctx.tenantOf(request);
    return servePage(request, reply, tenant.id, ctx.sendProblem, {
      query: WorkingTimesQuery,
      rows: (query) => [...tenant.workingTimes.values()].filter(workingTimeMatcher(query, tenant.workingTimeTypes)),
      sortKey: workingTimeSortKey,
      render: renderWorkingTime,
    });
  });

  // `::` is fastify's escape for a literal colon in a path.
  app.get('/v1/working-times::deleted', async (request, reply) => {
    const tenant = ctx.tenantOf(request);
    return servePage(request, reply, tenant.id, ctx.sendProblem, {
      query: DeletedWorkingTimesQuery,
      rows: (query) => [...tenant.deleted.values()].filter(deletedMatcher(query)),
      sortKey: () => (d) => Date.parse(d.last_modified),
      render: renderDeleted,
    });
  });

  app.get('/v1/working-times/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const entry = ctx.tenantOf(request).workingTimes.get(id);
    return entry ? renderWorkingTime(entry) : ctx.sendProblem(reply, notFound(id));
  });

  app.patch('/v1/working-times/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const tenant = ctx.tenantOf(request);
    const entry = tenant.workingTimes.get(id);
    if (!entry) return ctx.sendProblem(reply, notFound(id));
    const body = parseBody(ApiWorkingTimeUpdate, request.body);
    if (!body.ok) return ctx.sendProblem(reply, validationProblem(body.errors));

    const outcome = planApiPatch(entry, body.value, tenant.workingTimeTypes);
    switch (outcome.kind) {
      case 'rejected':
        return ctx.sendProblem(reply, outcome.problem);
      case 'redirect':
        // The real API files a Working Time Request for approval instead of changing the entry.
        return reply.code(302).header('location', workingTimeRequestUrl(request)).send();
      case 'updated':
        return renderWorkingTime(ctx.store.saveWorkingTime(tenant.id, outcome.entry, 'api'));
    }
  });

  app.delete('/v1/working-times/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const tenant = ctx.tenantOf(request);
    const deleted = ctx.store.deleteWorkingTime(tenant.id, id, 'api');
    return deleted ? reply.code(204).send() : ctx.sendProblem(reply, notFound(id));
  });
}

function workingTimeRequestUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/v1/working-time-requests/${randomUUID()}`;
}
