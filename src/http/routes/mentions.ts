import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { ingest } from '../../ingest/ingest.ts';
import { backlogGate } from '../../ingest/backlog.ts';
import { listMentions } from '../../storage/mentions.ts';
import { Mention, PageQuery, pageOf, errorResponses, ErrorBody } from '../schemas.ts';

const MentionIn = Type.Object(
  {
    source: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'Channel name, e.g. twitter, facebook, forum, email' }),
    external_id: Type.String({ minLength: 1, maxLength: 256, description: "The source's own id; (source, external_id) is unique" }),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    author: Type.Object(
      {
        handle: Type.String({ minLength: 1, maxLength: 256 }),
        name: Type.Optional(Type.String({ maxLength: 256 })),
        followers: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    created_at: Type.String({ format: 'date-time' }),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    in_reply_to: Type.Optional(Type.String({ maxLength: 256 })),
    conversation_id: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

const IngestBody = Type.Object({ mentions: Type.Array(MentionIn, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
const Ref = Type.Object({ source: Type.String(), external_id: Type.String() });
const IngestReply = Type.Object({
  accepted: Type.Array(Type.Composite([Ref, Type.Object({ id: Type.Integer() })])),
  duplicates: Type.Array(Ref),
});

const ListQuery = Type.Object({
  ...PageQuery,
  source: Type.Optional(Type.String()),
  sentiment: Type.Optional(Type.Union([Type.Literal('negative'), Type.Literal('neutral'), Type.Literal('positive')])),
  actionable: Type.Optional(Type.Boolean()),
  case_id: Type.Optional(Type.Integer()),
  author: Type.Optional(Type.String({ description: 'Handle, with or without @' })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text contains' })),
});

export default async function mentionRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const backlog = backlogGate(deps.db, deps.config.maxBacklog);
  app.post<{ Body: Static<typeof IngestBody> }>(
    '/api/mentions',
    {
      config: { roles: ['ingest'] },
      schema: {
        tags: ['mentions'],
        summary: 'Ingest a batch of mentions from any system',
        description:
          'Each mention is written to the inbox before this answers; a repeated (source, external_id) is reported as a duplicate and stored once. ' +
          'While more than EARSHOT_MAX_BACKLOG mentions wait to be processed, the batch is refused with 429 and Retry-After, and nothing of it is stored: send it again later.',
        security: [{ bearer: [] }],
        body: IngestBody,
        response: { 202: IngestReply, ...errorResponses, 413: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const verdict = await backlog.check();
      if (verdict.full) {
        return reply
          .code(429)
          .header('retry-after', String(verdict.retryAfterSeconds))
          .send({ error: 'Too Many Requests', message: `more than ${deps.config.maxBacklog} mentions are waiting to be processed (EARSHOT_MAX_BACKLOG); nothing of this batch was stored: send it again after Retry-After` });
      }
      const result = await ingest(deps, req.body.mentions);
      return reply.code(202).send({ accepted: result.accepted, duplicates: result.duplicates });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/mentions',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: { tags: ['mentions'], summary: 'List mentions, newest first', security: [{ bearer: [] }], querystring: ListQuery, response: { 200: pageOf(Mention), ...errorResponses } },
    },
    async (req) => listMentions(deps.db, req.query),
  );
}
