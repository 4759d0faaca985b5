/**
 * The public knowledge base under /kb: server-rendered pages of published clusters, search, sitemap,
 * robots.txt. Revalidated on every view (ETag, max-age=0) so an unpublished page is gone at once,
 * and cheap when nothing changed (304). Product publishes and unpublishes through the API.
 */
import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusOf } from '../errors.ts';
import { IdParam } from '../ids.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { allPages, onePage, searchPages } from '../../kb/pages.ts';
import {
  CSS,
  KB_CSP,
  renderIndex,
  renderIssue,
  renderMessage,
  renderRobots,
  renderSitemap,
  type Site,
} from '../../kb/render.ts';
import { publishCluster, unpublishCluster } from '../../kb/store.ts';
import { withTransaction } from '../../storage/db.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { PublicConfig } from '../../kb/config.ts';

export const CACHE_CONTROL = 'public, max-age=0, must-revalidate';

/** What the public pages need to name and link the site. */
export type SiteConfig = Pick<PublicConfig, 'publicUrl' | 'siteName'>;

export function siteOf(site: SiteConfig, req: FastifyRequest): Site {
  return { base: site.publicUrl ?? `${req.protocol}://${req.host}`, name: site.siteName };
}

/** Sends with a strong ETag of the body; answers 304 when the client already has it. */
export function sendCached(req: FastifyRequest, reply: FastifyReply, body: string, type: string): FastifyReply {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.header('cache-control', CACHE_CONTROL).header('etag', etag).header('vary', 'accept-encoding');
  const sent = req.headers['if-none-match'];
  if (sent && sent.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return reply.type(type).send(body);
}

/** Public pages: strict CSP, nothing sniffed, no referrer leaks. */
export function publicHeaders(scope: FastifyInstance, csp: string): void {
  scope.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}

const hide = { hide: true };
const IssueParams = Type.Object({ id: IdParam });
const SearchQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) });
const PublishDone = Type.Object({
  ok: Type.Boolean(),
  cluster_id: Type.Integer(),
  url: Type.Union([Type.String(), Type.Null()]),
});

export interface KbRoutesOptions {
  db: Db;
  site: SiteConfig;
  /** Fewest complainants a published page must have (k-anonymity). */
  minGroup: number;
}

export default async function kbRoutes(app: RouteApp, deps: KbRoutesOptions): Promise<void> {
  const k = deps.minGroup;
  await app.register(async (scope: RouteApp) => {
    publicHeaders(scope, KB_CSP);
    // A 404/410 from here is a page too, not the API's JSON.
    scope.setErrorHandler((err: Error & { validation?: unknown }, req, reply) => {
      const status = err.validation ? 400 : statusOf(err);
      if (status >= 500) req.log.error({ err }, 'knowledge base page failed');
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(
          renderMessage(
            siteOf(deps.site, req),
            status >= 500 ? 'Something went wrong' : 'Not found',
            status >= 500 ? 'Please try again in a moment.' : err.message,
          ),
        );
    });

    scope.get('/kb', { schema: { ...hide, querystring: SearchQuery } }, async (req, reply) => {
      const q = (req.query.q ?? '').trim();
      const pages = await allPages(deps.db, k);
      return sendCached(
        req,
        reply,
        renderIndex(q ? searchPages(pages, q) : pages, siteOf(deps.site, req), q),
        'text/html; charset=utf-8',
      );
    });

    scope.get('/kb/issues/:id', { schema: { ...hide, params: IssueParams } }, async (req, reply) => {
      const page = await onePage(deps.db, req.params.id, k);
      const site = siteOf(deps.site, req);
      if (page === 'gone')
        return reply
          .code(410)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(renderMessage(site, 'This issue is no longer listed', 'The page was withdrawn.'));
      if (!page)
        return reply
          .code(404)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(renderMessage(site, 'Not found', 'There is no such known issue.'));
      return sendCached(req, reply, renderIssue(page, site), 'text/html; charset=utf-8');
    });

    scope.get('/kb/sitemap.xml', { schema: hide }, async (req, reply) =>
      sendCached(
        req,
        reply,
        renderSitemap(await allPages(deps.db, k), siteOf(deps.site, req)),
        'application/xml; charset=utf-8',
      ),
    );
    scope.get('/kb/kb.css', { schema: hide }, async (req, reply) =>
      sendCached(req, reply, CSS, 'text/css; charset=utf-8'),
    );
    scope.get('/robots.txt', { schema: hide }, async (req, reply) =>
      sendCached(req, reply, renderRobots(siteOf(deps.site, req)), 'text/plain; charset=utf-8'),
    );
  });

  const publishing = async (req: FastifyRequest, id: number, publish: boolean) => {
    await withTransaction(deps.db, async (tx) => {
      if (publish) await publishCluster(tx, id);
      else await unpublishCluster(tx, id);
    });
    req.log.info(
      { cluster: id, published: publish, by: req.principal?.name },
      publish ? 'cluster published' : 'cluster unpublished',
    );
    return {
      ok: true,
      cluster_id: id,
      url: publish ? `${siteOf(deps.site, req).base}/kb/issues/${id}` : null,
    };
  };
  const doc = (summary: string) => ({
    tags: ['clusters'],
    summary,
    security: [{ bearer: [] }],
    params: IssueParams,
    response: { 200: PublishDone, ...errorResponses, 404: ErrorBody, 409: ErrorBody },
  });
  app.post(
    '/api/clusters/:id/publish',
    {
      config: { roles: ['product'] },
      schema: doc('Put the cluster on the public knowledge base (/kb/issues/:id); it needs a solution text'),
    },
    (req) => publishing(req, req.params.id, true),
  );
  app.post(
    '/api/clusters/:id/unpublish',
    { config: { roles: ['product'] }, schema: doc('Take the cluster’s page down at once (it answers 410 Gone)') },
    (req) => publishing(req, req.params.id, false),
  );
}
