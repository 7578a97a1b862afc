/**
 * timr-only control routes (beside the shared ones in ../control-routes.ts): employees
 * recording, editing and deleting working times, as tests and the demo need to script them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CONTROL_PREFIX } from '../control-routes.js';
import { EmployeeActionError, EmployeeWorkingTimeCreate, editWorkingTime, normaliseCreateBody, recordWorkingTime, removeWorkingTime } from './employee-actions.js';
import { renderDeleted, renderWorkingTime } from './render.js';
import type { TimrStore } from './store.js';

function answerError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof EmployeeActionError) {
    return reply.code(err.statusCode).send({ error: err.message, ...(err.errors ? { errors: err.errors } : {}) });
  }
  throw err;
}

export function registerTimrControlRoutes(app: FastifyInstance, store: TimrStore): void {
  const base = `${CONTROL_PREFIX}/tenants/:tenantId/working-times`;

  app.post(base, async (request, reply) => {
    const { tenantId } = request.params as { tenantId: string };
    const parsed = EmployeeWorkingTimeCreate.safeParse(normaliseCreateBody(request.body));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      return reply.code(400).send({ error: 'invalid working time', issues });
    }
    try {
      return reply.code(201).send(renderWorkingTime(recordWorkingTime(store, tenantId, parsed.data)));
    } catch (err) {
      return answerError(reply, err);
    }
  });

  app.patch(`${base}/:id`, async (request, reply) => {
    const { tenantId, id } = request.params as { tenantId: string; id: string };
    try {
      return renderWorkingTime(editWorkingTime(store, tenantId, id, request.body ?? {}));
    } catch (err) {
      return answerError(reply, err);
    }
  });

  app.delete(`${base}/:id`, async (request, reply) => {
    const { tenantId, id } = request.params as { tenantId: string; id: string };
    try {
      return renderDeleted(removeWorkingTime(store, tenantId, id));
    } catch (err) {
      return answerError(reply, err);
    }
  });
}
