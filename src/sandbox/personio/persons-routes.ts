/**
 * GET /v2/persons (filters email, id, first_name, last_name, status; limit 1–50, default 10)
 * and GET /v2/persons/{id}. Text filters are case-insensitive exact matches; `id` takes a
 * comma-separated list.
 */
import type { FastifyInstance } from 'fastify';
import type { Person } from '../../clients/personio/schemas.js';
import { requireAuth } from './auth.js';
import { badRequest, notFound } from './errors.js';
import { paginate, queryOf, single } from './pagination.js';
import type { PersonioStore } from './store.js';

const TEXT_FILTERS = ['email', 'first_name', 'last_name', 'status'] as const;

export const PERSONS_LIMIT = { min: 1, max: 50, default: 10 };

function personFilter(query: URLSearchParams): (p: Person) => boolean {
  const checks: ((p: Person) => boolean)[] = [];
  for (const name of TEXT_FILTERS) {
    const raw = single(query, name);
    if (raw === null) continue;
    if (raw === '') throw badRequest(`filter ${name} is empty; omit it or give a value`, name);
    const wanted = raw.toLowerCase();
    checks.push((p) => (p[name] ?? '').toLowerCase() === wanted);
  }
  const ids = single(query, 'id');
  if (ids !== null) {
    const set = new Set(ids.split(',').map((s) => s.trim()).filter(Boolean));
    if (set.size === 0) throw badRequest('filter id is empty; give one or more comma-separated ids', 'id');
    checks.push((p) => set.has(p.id));
  }
  return (p) => checks.every((c) => c(p));
}

export function registerPersonsRoutes(app: FastifyInstance, store: PersonioStore): void {
  app.get('/v2/persons', async (request) => {
    const { tenantId } = requireAuth(request);
    const matches = store.persons(tenantId).filter(personFilter(queryOf(request)));
    return paginate(request, matches, (p) => [p.id], PERSONS_LIMIT);
  });

  app.get('/v2/persons/:id', async (request) => {
    const { tenantId } = requireAuth(request);
    const { id } = request.params as { id: string };
    const person = store.person(tenantId, id);
    if (!person) throw notFound(`no person with id ${id}`);
    return person;
  });
}
