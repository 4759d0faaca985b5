/**
 * The satisfaction survey: GET/POST /survey/:token, public pages reached from the e-mailed link (the
 * signed token is the authorisation), and POST /api/cases/:id/survey for an agent to make a link by hand.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import { createMailer } from '../../kb/mail.ts';
import { KB_CSP, renderMessage, renderSurvey } from '../../kb/render.ts';
import { answerSurvey, createSurvey, getSurvey, signingKey, verifySurvey } from '../../kb/survey.ts';
import { caseExists } from '../../storage/cases.ts';
import { publicHeaders, siteOf } from './kb.ts';
import type { RouteApp } from '../route-app.ts';
import { acceptForms, formFields } from '../form.ts';
import type { Db } from '../../storage/db.ts';
import type { Logger } from '../../log.ts';
import type { PublicConfig } from '../../kb/config.ts';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
const CaseParams = Type.Object({ id: IdParam });
const Created = Type.Object({
  survey_id: Type.Integer(),
  url: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  emailed: Type.Boolean(),
});

export interface SurveyRoutesOptions {
  db: Db;
  log: Logger;
  now: () => Date;
  publicConfig: PublicConfig;
}

export default async function surveyRoutes(app: RouteApp, deps: SurveyRoutesOptions): Promise<void> {
  const mailer = createMailer(deps.publicConfig);
  app.addHook('onClose', async () => mailer?.close());
  const now = deps.now;

  await app.register(async (scope: RouteApp) => {
    publicHeaders(scope, KB_CSP);
    acceptForms(scope, 8 * 1024);
    const page = (reply: FastifyReply, status: number, html: string) =>
      reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    /** The survey behind a token, or the page that says why there is none. */
    const open = async (token: string, reply: FastifyReply, site: ReturnType<typeof siteOf>) => {
      const check = verifySurvey(await signingKey(deps.db, deps.publicConfig.secret), token, now());
      if (!check.ok) {
        page(
          reply,
          check.reason === 'expired' ? 410 : 404,
          renderMessage(
            site,
            check.reason === 'expired' ? 'This survey has closed' : 'Not found',
            check.reason === 'expired'
              ? 'The link has expired. Thank you all the same.'
              : 'This survey link is not valid.',
          ),
        );
        return null;
      }
      const survey = await getSurvey(deps.db, check.id);
      if (!survey) {
        page(reply, 404, renderMessage(site, 'Not found', 'This survey link is not valid.'));
        return null;
      }
      return survey;
    };

    scope.get('/survey/:token', { schema: { hide: true, params: TokenParams } }, async (req, reply) => {
      const site = siteOf(deps.publicConfig, req);
      const survey = await open(req.params.token, reply, site);
      if (!survey) return reply;
      if (survey.answered)
        return page(
          reply,
          409,
          renderMessage(site, 'Already answered', 'This survey has already been answered. Thank you!'),
        );
      return page(reply, 200, renderSurvey(site, req.params.token));
    });

    scope.post(
      '/survey/:token',
      { schema: { hide: true, params: TokenParams }, bodyLimit: 8 * 1024 },
      async (req, reply) => {
        const site = siteOf(deps.publicConfig, req);
        const survey = await open(req.params.token, reply, site);
        if (!survey) return reply;
        const body = formFields(req.body);
        const rating = Number(body.rating);
        if (!Number.isInteger(rating) || rating < 1 || rating > 5)
          return page(reply, 400, renderSurvey(site, req.params.token, 'Please choose a rating from 1 to 5.'));
        const comment =
          String(body.comment ?? '')
            .trim()
            .slice(0, 2000) || null;
        const outcome = await answerSurvey(deps.db, survey.id, rating, comment);
        if (outcome === 'answered')
          return page(
            reply,
            409,
            renderMessage(site, 'Already answered', 'This survey has already been answered; the first answer counts.'),
          );
        if (outcome === 'none')
          return page(reply, 404, renderMessage(site, 'Not found', 'This survey link is not valid.'));
        return page(reply, 200, renderMessage(site, 'Thank you', 'Your answer was recorded.'));
      },
    );
  });

  app.post(
    '/api/cases/:id/survey',
    {
      config: { roles: ['agent'] },
      schema: {
        tags: ['cases'],
        summary:
          'Make a satisfaction survey link for the case (e-mailed when the customer has an address); paste it in a reply otherwise',
        security: [{ bearer: [] }],
        params: CaseParams,
        response: { 200: Created, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      if (!(await caseExists(deps.db, req.params.id))) throw new AppError('not_found', `no case ${req.params.id}`);
      const s = await createSurvey(
        {
          db: deps.db,
          log: deps.log,
          config: deps.publicConfig,
          mailer,
          base: siteOf(deps.publicConfig, req).base,
          now,
        },
        req.params.id,
        req.principal?.name ?? 'unknown',
      );
      return { survey_id: s.id, url: s.url, email: s.email, emailed: s.sent };
    },
  );
}
