/** /v1/users and /v1/working-time-types. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TimrLocalDate, UserCreate, type User } from '../../../clients/timr/schemas.js';
import { parseBody } from '../body-validation.js';
import { servePage } from '../list-endpoint.js';
import { errorType, validationProblem } from '../problems.js';
import { renderUser, renderWorkingTimeType } from '../render.js';
import { UsersQuery, userMatcher, userSortKey, WorkingTimeTypesQuery, workingTimeTypeMatcher } from '../master-data-query.js';
import type { RouteContext } from './context.js';

const LOGIN_PATTERN = /^[A-Za-z0-9!#$%&'*+/=@.?^_`{|}~-]*$/;

/**
 * POST /users body as the vendor spec defines it: only `login` is required (names may be
 * null), and properties the resource does not declare are rejected.
 */
export const ApiUserCreate = z.strictObject({
  ...UserCreate.shape,
  login: z.string().min(1).regex(LOGIN_PATTERN, "login may only contain letters, digits and !#$%&'*+/=@.?^_`{|}~-"),
  firstname: z.string().nullable().optional(),
  lastname: z.string().nullable().optional(),
  resign_date: TimrLocalDate.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  auth_provider: z.string().nullable().optional(),
  auth_identifier: z.string().nullable().optional(),
});

export function registerMasterDataRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/v1/users', async (request, reply) => {
    const tenant = ctx.tenantOf(request);
    const today = ctx.store.clock.current().toISOString().slice(0, 10);
    return servePage(request, reply, tenant.id, ctx.sendProblem, {
      query: UsersQuery,
      rows: (query) => [...tenant.users.values()].filter(userMatcher(query, today)),
      sortKey: () => userSortKey,
      render: renderUser,
    });
  });

  app.get('/v1/users/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const user = ctx.tenantOf(request).users.get(id);
    return user ? renderUser(user) : ctx.sendProblem(reply, { status: 404, detail: `No user exists with the identifier ${id}.` });
  });

  app.post('/v1/users', async (request, reply) => {
    const tenant = ctx.tenantOf(request);
    const body = parseBody(ApiUserCreate, request.body);
    if (!body.ok) return ctx.sendProblem(reply, validationProblem(body.errors));
    const input = body.value;
    if ([...tenant.users.values()].some((u) => u.login === input.login)) {
      const detail = `A user with login ${input.login} already exists; choose another login or look the user up with GET /users`;
      return ctx.sendProblem(reply, {
        status: 422,
        type: errorType('validation', 'login-not-unique'),
        detail,
        errors: [{ type: errorType('validation', 'login-not-unique'), field: '$.login', detail }],
      });
    }
    const firstname = input.firstname ?? null;
    const lastname = input.lastname ?? null;
    const fullname = [firstname, lastname].filter((n): n is string => !!n).join(' ');
    const user: Omit<User, 'id'> = {
      login: input.login,
      firstname,
      lastname,
      fullname: fullname || null,
      email: input.email ?? null,
      employee_number: input.employee_number ?? null,
      external_id: input.external_id ?? null,
      entry_date: input.entry_date ?? null,
      resign_date: input.resign_date ?? null,
      metadata: input.metadata ?? null,
    };
    return reply.code(201).send(renderUser(ctx.store.addUser(tenant.id, user)));
  });

  app.get('/v1/working-time-types', async (request, reply) => {
    const tenant = ctx.tenantOf(request);
    return servePage(request, reply, tenant.id, ctx.sendProblem, {
      query: WorkingTimeTypesQuery,
      rows: (query) => [...tenant.workingTimeTypes.values()].filter(workingTimeTypeMatcher(query)),
      sortKey: () => (t) => t.name,
      render: renderWorkingTimeType,
    });
  });

  app.get('/v1/working-time-types/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const type = ctx.tenantOf(request).workingTimeTypes.get(id);
    return type ? renderWorkingTimeType(type) : ctx.sendProblem(reply, { status: 404, detail: `No working time type exists with the identifier ${id}.` });
  });
}
