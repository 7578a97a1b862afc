/**
 * The shared mechanics of every timr list endpoint: parse and validate the query, resume
 * from the page token (rejecting tokens minted for another query), cut one page, and answer
 * `{data, next_page_token}` with a `Link: <…>; rel="next"` header as the vendor does.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { decodePageToken, paginate, PageTokenError, queryFingerprint, type SortDirection, type SortKey } from './pagination.js';
import { errorType, validationProblem, type ProblemSender } from './problems.js';
import { queryIssues } from './query-params.js';

interface PagingQuery {
  page_token?: string | undefined;
  limit: number;
  sort_by: string;
  sort_direction: SortDirection;
}

export interface ListSpec<Q extends PagingQuery, T extends { id: string }> {
  query: z.ZodType<Q>;
  /** Rows of the tenant that match the query, in any order. */
  rows(query: Q): readonly T[];
  sortKey(query: Q): (row: T) => SortKey;
  render(row: T): unknown;
}

function nextLink(request: FastifyRequest, token: string): string {
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('page_token', token);
  return `<${url.toString()}>; rel="next"`;
}

export function servePage<Q extends PagingQuery, T extends { id: string }>(
  request: FastifyRequest,
  reply: FastifyReply,
  tenantId: string,
  sendProblem: ProblemSender,
  spec: ListSpec<Q, T>,
): FastifyReply {
  const parsed = spec.query.safeParse(request.query ?? {});
  if (!parsed.success) return sendProblem(reply, validationProblem(queryIssues(parsed.error)));
  const query = parsed.data;

  // limit may change between pages; everything else defines the result the token walks.
  const { page_token: pageToken, limit: _limit, ...definition } = query;
  const fingerprint = queryFingerprint({ route: request.routeOptions.url, tenantId, ...definition });

  let after: { key: SortKey; id: string } | undefined;
  if (pageToken !== undefined) {
    try {
      after = decodePageToken(pageToken, fingerprint);
    } catch (err) {
      if (!(err instanceof PageTokenError)) throw err;
      return sendProblem(
        reply,
        validationProblem([{ type: errorType('validation', 'invalid-page-token'), field: 'page_token', detail: err.message }]),
      );
    }
  }

  const page = paginate(spec.rows(query), {
    sortKey: spec.sortKey(query),
    direction: query.sort_direction,
    limit: query.limit,
    after,
    fingerprint,
  });
  if (page.next_page_token !== null) reply.header('link', nextLink(request, page.next_page_token));
  return reply.send({ data: page.data.map((row) => spec.render(row)), next_page_token: page.next_page_token });
}
