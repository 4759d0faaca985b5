/** Alerts (fast-growing clusters, and whatever else raises one): list and acknowledge. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';
import { HttpError } from '../auth.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { ackAlert, listAlerts } from '../../clusters/queries.ts';
import { IdParam } from '../ids.ts';

const Alert = Type.Object({
  id: Type.Integer(),
  kind: Type.String({ description: 'cluster_growth, …' }),
  cluster_id: Type.Union([Type.Integer(), Type.Null()]),
  severity: Type.Integer(),
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String({ format: 'date-time' }),
  acknowledged_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  acknowledged_by: Type.Union([Type.String(), Type.Null()]),
});
const Query = Type.Object({ acknowledged: Type.Optional(Type.Boolean()), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) });
const Params = Type.Object({ id: IdParam });
const ROLES = { roles: ['pr', 'product'] as const };

export default async function alertRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/alerts',
    { config: ROLES, schema: { tags: ['alerts'], summary: 'Alerts, newest first', security: [{ bearer: [] }], querystring: Query, response: { 200: Type.Object({ items: Type.Array(Alert) }), ...errorResponses } } },
    async (req) => ({ items: await listAlerts(deps.db, { acknowledged: req.query.acknowledged, limit: req.query.limit }) }),
  );
  app.post<{ Params: Static<typeof Params> }>(
    '/api/alerts/:id/ack',
    {
      config: ROLES,
      schema: { tags: ['alerts'], summary: 'Acknowledge an alert (idempotent)', security: [{ bearer: [] }], params: Params, response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses, 404: ErrorBody } },
    },
    async (req) => {
      if (!(await ackAlert(deps.db, req.params.id, req.principal?.name ?? 'unknown'))) throw new HttpError(404, `no alert ${req.params.id}`);
      return { ok: true };
    },
  );
}
