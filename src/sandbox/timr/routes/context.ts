import type { FastifyRequest } from 'fastify';
import type { ProblemSender } from '../problems.js';
import type { TimrStore, TimrTenant } from '../store.js';

/** What the /v1 route modules share. */
export interface RouteContext {
  store: TimrStore;
  sendProblem: ProblemSender;
  /** The authenticated tenant's data; the bearer hook has already rejected anonymous requests. */
  tenantOf(request: FastifyRequest): TimrTenant;
}
