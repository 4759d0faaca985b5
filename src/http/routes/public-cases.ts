/**
 * Cases from the website: POST /api/public/cases (JSON, for a brand's own form) and the small
 * embeddable form at /kb/contact (plain HTML, posts without script). Both are public by design and
 * held off by the honeypot, size limits and per-address rate limits of src/kb/public-cases.ts.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { createMailer } from '../../kb/mail.ts';
import { LIMITS, submitPublicCase, type PublicCaseDeps, type PublicCaseOutcome } from '../../kb/public-cases.ts';
import { FORM_CSP, renderContactDone, renderContactForm } from '../../kb/render.ts';
import { publicHeaders, siteOf } from './kb.ts';
import type { RouteApp } from '../route-app.ts';
import { acceptForms, formFields } from '../form.ts';
import type { PublicConfig } from '../../kb/config.ts';
import type { IngestDeps } from '../../ingest/ingest.ts';

const BODY_LIMIT = 16 * 1024;

const Body = Type.Object(
  {
    email: Type.String({ maxLength: LIMITS.email }),
    name: Type.Optional(Type.String({ maxLength: LIMITS.name })),
    text: Type.String({ maxLength: LIMITS.text }),
    website: Type.Optional(Type.String({ maxLength: 500, description: 'honeypot: leave empty (hidden from people)' })),
  },
  { additionalProperties: false },
);
const Accepted = Type.Object({
  ok: Type.Boolean(),
  reference: Type.String({ description: 'quoted in the confirmation e-mail' }),
  confirmation: Type.String(),
});

export interface PublicCaseRoutesOptions extends IngestDeps {
  publicConfig: PublicConfig;
}

export default async function publicCaseRoutes(app: RouteApp, deps: PublicCaseRoutesOptions): Promise<void> {
  const mailer = createMailer(deps.publicConfig);
  app.addHook('onClose', async () => mailer?.close());
  const pdeps: PublicCaseDeps = {
    db: deps.db,
    queue: deps.queue,
    log: deps.log,
    metrics: deps.metrics,
    config: deps.publicConfig,
    mailer,
  };
  const tooMany = (reply: FastifyReply, o: Extract<PublicCaseOutcome, { kind: 'rate_limited' }>) =>
    reply.code(429).header('retry-after', String(o.retryAfter));

  app.post(
    '/api/public/cases',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['public'],
        summary:
          'Open a case from the website with the customer’s e-mail (rate-limited per client and per address; confirmed by e-mail)',
        body: Body,
        response: { 202: Accepted, ...errorResponses, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const o = await submitPublicCase(pdeps, { ...req.body, ip: req.ip });
      if (o.kind === 'invalid') throw new AppError('invalid', o.message);
      if (o.kind === 'rate_limited') throw new AppError('too_many', o.message, { retryAfterSeconds: o.retryAfter });
      return reply.code(202).send({ ok: true, reference: o.reference, confirmation: o.confirmation });
    },
  );

  await app.register(async (scope: RouteApp) => {
    publicHeaders(scope, FORM_CSP);
    acceptForms(scope, BODY_LIMIT);
    const html = 'text/html; charset=utf-8';
    scope.get('/kb/contact', { schema: { hide: true } }, async (req, reply) =>
      reply
        .header('cache-control', 'no-store')
        .type(html)
        .send(renderContactForm(siteOf(deps.publicConfig, req))),
    );
    scope.post('/kb/contact', { schema: { hide: true }, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const b = formFields(req.body);
      const values = {
        email: String(b.email ?? '').slice(0, LIMITS.email),
        name: String(b.name ?? '').slice(0, LIMITS.name),
        text: String(b.text ?? '').slice(0, LIMITS.text + 1),
      };
      const o = await submitPublicCase(pdeps, { ...values, website: String(b.website ?? ''), ip: req.ip });
      const site = siteOf(deps.publicConfig, req);
      reply.header('cache-control', 'no-store').type(html);
      if (o.kind === 'invalid') return reply.code(400).send(renderContactForm(site, values, o.message));
      if (o.kind === 'rate_limited') return tooMany(reply, o).send(renderContactForm(site, values, o.message));
      return reply.code(200).send(renderContactDone(site, o.reference));
    });
  });
}
