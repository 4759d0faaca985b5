/** Replies from a case, out through the channel the customer spoke on. */
import { Type } from '@sinclair/typebox';
import { AppError, type ErrorCode } from '../../domain/errors.ts';
import { requestReply, enqueueSend, type ReplyDeps } from '../../replies/request.ts';
import { getReply, listReplies, resetForRetry } from '../../storage/replies.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()]);

export const Reply = Type.Object({
  id: Type.Integer(),
  case_id: Type.Integer(),
  source: Type.String(),
  in_reply_to: Type.String(),
  text: Type.String(),
  status: Type.String({ description: 'pending, sending, sent, failed or dry_run' }),
  platform_id: Nullable(Type.String()),
  error: Nullable(Type.String()),
  attempts: Type.Integer(),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: Nullable(Type.String({ format: 'date-time' })),
});

const ReplyBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 8000 }),
    in_reply_to: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: "external_id of a mention on the case; default the customer's latest",
      }),
    ),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: IdParam });
const Headers = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

const REFUSAL = {
  not_found: 'not_found',
  no_target: 'unprocessable',
  not_replyable: 'unprocessable',
  conflict: 'conflict',
} as const satisfies Record<string, ErrorCode>;

export type ReplyRoutesOptions = ReplyDeps;

export default async function replyRoutes(app: RouteApp, deps: ReplyRoutesOptions): Promise<void> {
  app.post(
    '/api/cases/:id/replies',
    {
      config: { roles: ['agent'] },
      schema: {
        tags: ['replies'],
        summary: 'Reply where the customer spoke (X: threaded post; Facebook: comment)',
        description:
          'Stored first, then sent by a job. Send `Idempotency-Key` to make a retried request safe; ' +
          'without it, the same text to the same mention is one reply.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: ReplyBody,
        headers: Headers,
        response: { 200: Reply, 202: Reply, ...errorResponses, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const outcome = await requestReply(deps, {
        caseId: req.params.id,
        text: req.body.text,
        inReplyTo: req.body.in_reply_to,
        idempotencyKey: req.headers['idempotency-key'],
        actor: req.principal?.name ?? 'unknown',
      });
      if (outcome.kind === 'created' || outcome.kind === 'existing')
        return reply.code(outcome.kind === 'created' ? 202 : 200).send(outcome.reply);
      throw new AppError(REFUSAL[outcome.kind], outcome.message);
    },
  );

  app.get(
    '/api/cases/:id/replies',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['replies'],
        summary: "A case's replies, oldest first",
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Type.Array(Reply), ...errorResponses },
      },
    },
    async (req) => listReplies(deps.db, req.params.id),
  );

  app.get(
    '/api/replies/:id',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['replies'],
        summary: 'One reply and its outcome',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: Reply, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      const found = await getReply(deps.db, req.params.id);
      if (!found) throw new AppError('not_found', `no reply ${req.params.id}`);
      return found;
    },
  );

  app.post(
    '/api/replies/:id/retry',
    {
      config: { roles: ['agent'] },
      schema: {
        tags: ['replies'],
        summary: 'Send a failed (or still pending) reply again',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 202: Reply, ...errorResponses, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const current = await getReply(deps.db, req.params.id);
      if (!current) throw new AppError('not_found', `no reply ${req.params.id}`);
      const ready =
        current.status === 'failed'
          ? await resetForRetry(deps.db, current.id)
          : current.status === 'pending'
            ? current
            : null;
      if (!ready)
        throw new AppError(
          'conflict',
          `reply ${current.id} is ${current.status}; only failed or pending replies can be retried`,
        );
      if (!(await enqueueSend(deps, ready)))
        throw new AppError('unavailable', 'the queue is unreachable; the reply stays pending, try again shortly');
      return reply.code(202).send(ready);
    },
  );
}
