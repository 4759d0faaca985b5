/** GET /api/inbox/dead and POST /api/inbox/dead/retry: the dead letters of the inbox, for admins. */
import { Type } from '@sinclair/typebox';
import { deadCount, listDead } from '../../storage/inbox.ts';
import { retryDead } from '../../ingest/dead-letters.ts';
import { errorResponses, Timestamp } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { IngestDeps } from '../../ingest/ingest.ts';

const DeadLetter = Type.Object({
  id: Type.Integer({ description: 'Inbox id' }),
  source: Type.String(),
  external_id: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  received_at: Timestamp,
  dead_at: Timestamp,
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

/** Retrying dead letters enqueues them again. */
export type InboxRoutesOptions = IngestDeps;

export default async function inboxRoutes(app: RouteApp, deps: InboxRoutesOptions): Promise<void> {
  app.get(
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

  app.post(
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
