/** Agents' work on a case: assign, status, notes, tags, merge, split, link a customer, suggested replies. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PoolClient } from 'pg';
import { withTransaction } from '../../storage/db.ts';
import { customerRefOf, linkCaseAuthor } from '../../storage/customers.ts';
import { assignCase, setStatus, addNote, changeTags, mergeCases, splitCase } from '../../support/lifecycle.ts';
import { STATUSES } from '../../support/status.ts';
import { siteOf } from './kb.ts';
import { createMailer } from '../../kb/mail.ts';
import { createSurvey } from '../../kb/survey.ts';
import { caseForAgent } from '../../support/case-view.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { Logger } from '../../log.ts';
import type { PublicConfig } from '../../kb/config.ts';
import type { SupportContext } from '../../support/context.ts';

const Params = Type.Object({ id: IdParam });
const Done = Type.Object({ ok: Type.Boolean(), case_id: Type.Integer() }, { additionalProperties: true });
const Short = (max: number) => Type.String({ minLength: 1, maxLength: max });

const schema = <B extends TSchema>(summary: string, body: B) => ({
  tags: ['cases'],
  summary,
  security: [{ bearer: [] }],
  params: Params,
  body,
  response: { 200: Done, ...errorResponses, 404: ErrorBody, 409: ErrorBody },
});

const Assign = Type.Object(
  {
    assignee: Type.Optional(Type.Union([Short(200), Type.Null()])),
    queue: Type.Optional(Type.Union([Short(100), Type.Null()])),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'a person (e-mail or name), a team queue, or both; null clears',
  },
);
const StatusBody = Type.Object(
  { status: Type.Union(STATUSES.map((s) => Type.Literal(s))), reason: Type.Optional(Short(1000)) },
  { additionalProperties: false },
);
const NoteBody = Type.Object({ text: Short(10_000) }, { additionalProperties: false });
const TagsBody = Type.Object(
  {
    add: Type.Optional(Type.Array(Short(50), { maxItems: 50 })),
    remove: Type.Optional(Type.Array(Short(50), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
const MergeBody = Type.Object({ into: IdParam }, { additionalProperties: false });
const SplitBody = Type.Object(
  { mention_ids: Type.Array(IdParam, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
const LinkBody = Type.Object({ customer_id: Short(200) }, { additionalProperties: false });

const AGENT = { roles: ['agent'] as const };

export interface CaseActionRoutesOptions {
  db: Db;
  log: Logger;
  support: SupportContext;
  /** For satisfaction surveys sent on resolution. */
  publicConfig: PublicConfig;
}

export default async function caseActionRoutes(app: RouteApp, deps: CaseActionRoutesOptions): Promise<void> {
  const support = deps.support;
  const actor = (req: FastifyRequest) => req.principal?.name ?? 'unknown';
  const inTx = <T>(work: (tx: PoolClient) => Promise<T>) => withTransaction(deps.db, work);
  const mailer = deps.publicConfig.csatSurvey ? createMailer(deps.publicConfig) : null;
  app.addHook('onClose', async () => mailer?.close());

  app.post(
    '/api/cases/:id/assign',
    { config: AGENT, schema: schema('Assign to a person or a team queue', Assign) },
    async (req) => {
      await inTx((tx) => assignCase(tx, req.params.id, req.body, actor(req), support.now()));
      return { ok: true, case_id: req.params.id };
    },
  );

  app.post(
    '/api/cases/:id/status',
    { config: AGENT, schema: schema('Change status: new → assigned → waiting → resolved → reopened', StatusBody) },
    async (req) => {
      await inTx((tx) => setStatus(tx, req.params.id, req.body.status, actor(req), support.now(), req.body.reason));
      if (req.body.status === 'resolved' && deps.publicConfig.csatSurvey) {
        // After the commit: a survey that cannot be made or mailed never undoes the resolution.
        try {
          await createSurvey(
            {
              db: deps.db,
              log: deps.log,
              config: deps.publicConfig,
              mailer,
              base: siteOf(deps.publicConfig, req).base,
              now: support.now,
            },
            req.params.id,
            actor(req),
          );
        } catch (err) {
          req.log.warn({ err, case: req.params.id }, 'satisfaction survey not sent');
        }
      }
      return { ok: true, case_id: req.params.id, status: req.body.status };
    },
  );

  app.post(
    '/api/cases/:id/notes',
    { config: AGENT, schema: schema('Add an internal note (never sent)', NoteBody) },
    async (req) => {
      await inTx((tx) => addNote(tx, req.params.id, req.body.text, actor(req), support.now()));
      return { ok: true, case_id: req.params.id };
    },
  );

  app.post('/api/cases/:id/tags', { config: AGENT, schema: schema('Add and remove tags', TagsBody) }, async (req) => {
    const tags = await inTx((tx) =>
      changeTags(tx, req.params.id, req.body.add ?? [], req.body.remove ?? [], actor(req), support.now()),
    );
    return { ok: true, case_id: req.params.id, tags };
  });

  app.post(
    '/api/cases/:id/merge',
    {
      config: AGENT,
      schema: schema('Merge this case into another; its mentions move, both keep the history', MergeBody),
    },
    async (req) => {
      await inTx((tx) => mergeCases(tx, req.params.id, req.body.into, actor(req), support.now()));
      return { ok: true, case_id: req.body.into, merged: req.params.id };
    },
  );

  app.post(
    '/api/cases/:id/split',
    { config: AGENT, schema: schema('Move some mentions into a new case', SplitBody) },
    async (req) => {
      const created = await inTx((tx) => splitCase(tx, req.params.id, req.body.mention_ids, actor(req), support.now()));
      return { ok: true, case_id: created, split_from: req.params.id };
    },
  );

  app.post(
    '/api/cases/:id/link-customer',
    { config: AGENT, schema: schema("Link the case's author to a customer by hand; all their cases follow", LinkBody) },
    async (req) => {
      const linked = await inTx(async (tx) => {
        const ref = await customerRefOf(tx, req.body.customer_id);
        if (ref === null) throw new AppError('not_found', `no customer ${req.body.customer_id}`);
        return linkCaseAuthor(tx, req.params.id, ref, actor(req));
      });
      if (!linked) throw new AppError('not_found', `no case ${req.params.id}`);
      return { ok: true, case_id: req.params.id, author_id: linked.authorId, customer_id: req.body.customer_id };
    },
  );

  app.get(
    '/api/cases/:id/suggested-replies',
    {
      config: { roles: ['agent', 'pr'] },
      schema: {
        tags: ['cases'],
        summary: 'Reply templates for this case, filled in; the agent edits before sending',
        security: [{ bearer: [] }],
        params: Params,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), text: Type.String() })),
          }),
          ...errorResponses,
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const detail = await caseForAgent(
        deps.db,
        req.params.id,
        support,
        req.principal?.name ?? null,
        siteOf(deps.publicConfig, req).base,
      );
      return { items: detail.suggested_replies };
    },
  );
}
