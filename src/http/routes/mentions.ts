import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { IncomingMention } from '../../domain/incoming-mention.ts';
import { ingest, type IngestDeps } from '../../ingest/ingest.ts';
import { backlogGate } from '../../ingest/backlog.ts';
import { listMentions } from '../../storage/mentions.ts';
import { Mention, PageQuery, pageOf, errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import { AppError } from '../../domain/errors.ts';
import type { RouteApp } from '../route-app.ts';

const IngestBody = Type.Object(
  { mentions: Type.Array(IncomingMention, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
/** What the route itself checks; each mention is then checked on its own, so one bad item does not sink the rest. */
const IngestEnvelope = TypeCompiler.Compile(
  Type.Object(
    { mentions: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }) },
    { additionalProperties: false },
  ),
);
const Ref = Type.Object({ source: Type.String(), external_id: Type.String() });
const Rejected = Type.Object({
  index: Type.Integer({ description: 'Position in `mentions`' }),
  path: Type.String({ description: 'JSON pointer of the offending field within the mention' }),
  reason: Type.String(),
  source: Type.Optional(Type.String()),
  external_id: Type.Optional(Type.String()),
});
const IngestReply = Type.Object({
  accepted: Type.Array(Type.Composite([Ref, Type.Object({ id: Type.Integer() })])),
  duplicates: Type.Array(Ref),
  rejected: Type.Array(Rejected, { description: 'Mentions that break the contract; nothing of them was stored' }),
});
const NoneValid = Type.Composite([
  ErrorBody,
  Type.Object({
    rejected: Type.Optional(Type.Array(Rejected, { description: 'When no mention is valid: why each was refused' })),
  }),
]);

/** Fastify's validator for this route: the envelope only (the OpenAPI schema still shows each mention's contract). */
function envelopeValidator({ httpPart }: { httpPart?: string }) {
  return (data: unknown) => {
    if (httpPart !== 'body' || IngestEnvelope.Check(data)) return { value: data };
    const first = IngestEnvelope.Errors(data).First();
    return {
      error: Object.assign(new Error(first?.message ?? 'is invalid'), {
        validation: [{ instancePath: first?.path ?? '', message: first?.message ?? 'is invalid', params: {} }],
      }),
    };
  };
}

const ListQuery = Type.Object({
  ...PageQuery,
  source: Type.Optional(Type.String()),
  sentiment: Type.Optional(Type.Union([Type.Literal('negative'), Type.Literal('neutral'), Type.Literal('positive')])),
  actionable: Type.Optional(Type.Boolean()),
  case_id: Type.Optional(IdParam),
  author: Type.Optional(Type.String({ description: 'Handle, with or without @' })),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  until: Type.Optional(Type.String({ format: 'date-time' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text contains' })),
});

export interface MentionRoutesOptions extends IngestDeps {
  maxBacklog: number;
}

export default async function mentionRoutes(app: RouteApp, deps: MentionRoutesOptions): Promise<void> {
  const backlog = backlogGate(deps.db, deps.maxBacklog);
  app.post(
    '/api/mentions',
    {
      config: { roles: ['ingest'] },
      schema: {
        tags: ['mentions'],
        summary: 'Ingest a batch of mentions from any system',
        description:
          'Each mention is written to the inbox before this answers; a repeated (source, external_id) is reported as a duplicate and stored once. ' +
          'Each mention is checked on its own: those that break the contract are listed in `rejected` with the reason and the others are stored. ' +
          'The answer is 400 only when none is valid. ' +
          'While more than EARSHOT_MAX_BACKLOG mentions wait to be processed, the batch is refused with 429 and ' +
          'Retry-After, and nothing of it is stored: send it again later.',
        security: [{ bearer: [] }],
        body: IngestBody,
        response: { 202: IngestReply, ...errorResponses, 400: NoneValid, 413: ErrorBody, 429: ErrorBody },
      },
      validatorCompiler: envelopeValidator,
    },
    async (req, reply) => {
      const verdict = await backlog.check();
      if (verdict.full)
        throw new AppError(
          'too_many',
          `more than ${deps.maxBacklog} mentions are waiting to be processed (EARSHOT_MAX_BACKLOG); ` +
            'nothing of this batch was stored: send it again after Retry-After',
          { retryAfterSeconds: verdict.retryAfterSeconds },
        );
      const result = await ingest(deps, req.body.mentions);
      if (result.accepted.length + result.duplicates.length === 0 && result.rejected.length > 0) {
        const first = result.rejected[0]!;
        const field = `body.mentions.${first.index}${first.path.replace(/\//g, '.')}`;
        throw new AppError(
          'invalid',
          `no mention is valid; the first: ${field} ${first.reason.slice(first.path.length + 1)}`,
          {
            details: { field, rejected: result.rejected },
          },
        );
      }
      return reply
        .code(202)
        .send({ accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected });
    },
  );

  app.get(
    '/api/mentions',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['mentions'],
        summary: 'List mentions, newest first',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: pageOf(Mention), ...errorResponses },
      },
    },
    async (req) => listMentions(deps.db, req.query),
  );
}
