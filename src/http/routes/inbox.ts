/** GET /api/inbox/dead and POST /api/inbox/dead/retry: the dead letters of the inbox, for admins. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { deadCount, listDead } from '../../storage/inbox.ts';
import { retryDead } from '../../ingest/dead-letters.ts';
import { errorResponses } from '../schemas.ts';

const DeadLetter = Type.Object({
  id: Type.Integer({ description: 'Inbox id' }),
  source: Type.String(),
  external_id: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  received_at: Type.String({ format: 'date-time' }),
  dead_at: Type.String({ format: 'date-time' }),
});

const ListQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) });
const ListReply = Type.Object({ total: Type.Integer(), items: Type.Array(DeadLetter) });

const RetryBody = Type.Union(
  [
    Type.Object(
      {
        ids: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
          minItems: 1,
          maxItems: 10_000,
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: '`{"ids":[…]}` for some dead letters, `{"all":true}` for all of them' },
);
const RetryReply = Type.Object({ retried: Type.Array(Type.Integer()), queued: Type.Boolean() });

export default async function inboxRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/inbox/dead',
    {
      config: { roles: [] },
      schema: {
        tags: ['operations'],
        summary: 'Inbox rows set aside after EARSHOT_INBOX_MAX_ATTEMPTS failed attempts, with the last error',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: ListReply, ...errorResponses },
      },
    },
    async (req) => ({ total: await deadCount(deps.db), items: await listDead(deps.db, req.query.limit) }),
  );

  app.post<{ Body: Static<typeof RetryBody> }>(
    '/api/inbox/dead/retry',
    {
      config: { roles: [] },
      schema: {
        tags: ['operations'],
        summary: 'Put dead letters back in line with a fresh count of attempts',
        security: [{ bearer: [] }],
        body: RetryBody,
        response: { 200: RetryReply, ...errorResponses },
      },
    },
    async (req) => retryDead(deps, 'ids' in req.body ? req.body.ids : null),
  );
}
