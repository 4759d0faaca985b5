import { Type } from '@sinclair/typebox';
import { listCases } from '../../storage/cases.ts';
import { Case, CaseDetail, PageQuery, pageOf, errorResponses, ErrorBody } from '../schemas.ts';
import { siteOf, type SiteConfig } from './kb.ts';
import { listBySla, caseForAgent, withSupportFields } from '../../support/case-view.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { SupportContext } from '../../support/context.ts';

const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(Type.String()),
  priority: Type.Optional(Type.Union(['low', 'normal', 'high', 'urgent'].map((p) => Type.Literal(p)))),
  category: Type.Optional(Type.String()),
  queue: Type.Optional(Type.String()),
  assignee: Type.Optional(Type.String()),
  source: Type.Optional(Type.String()),
  sort: Type.Optional(
    Type.Union([Type.Literal('newest'), Type.Literal('sla')], {
      description: 'sla: open cases, breached first, then near breach, then soonest due (no cursor)',
    }),
  ),
});

export interface CaseRoutesOptions {
  db: Db;
  support: SupportContext;
  site: SiteConfig;
}

export default async function caseRoutes(app: RouteApp, deps: CaseRoutesOptions): Promise<void> {
  const support = deps.support;
  app.get(
    '/api/cases',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['cases'],
        summary: 'List cases, newest first',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: pageOf(Case), ...errorResponses },
      },
    },
    async (req) => {
      if (req.query.sort === 'sla') return listBySla(deps.db, req.query, support.policy, support.now());
      const page = await listCases(deps.db, req.query);
      return { ...page, items: await withSupportFields(deps.db, page.items, support.policy, support.now()) };
    },
  );

  app.get(
    '/api/cases/:id',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['cases'],
        summary: 'One case with its mention thread and history',
        security: [{ bearer: [] }],
        params: Type.Object({ id: IdParam }),
        response: { 200: CaseDetail, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      return caseForAgent(deps.db, req.params.id, support, req.principal?.name ?? null, siteOf(deps.site, req).base);
    },
  );
}
