/** Alerts (crises, fast-growing clusters): list, one with its evidence, acknowledge, resolve; drills removed. */
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { ackAlert, getAlert, listAlerts, resolveAlert } from '../../crisis/alerts.ts';
import { removeDrills } from '../../crisis/drill.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const When = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const Alert = Type.Object({
  id: Type.Integer(),
  kind: Type.String({
    description: 'volume_spike, sentiment_shift (crises); positive_surge (information); cluster_growth',
  }),
  cluster_id: Type.Union([Type.Integer(), Type.Null()]),
  severity: Type.Integer(),
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'the signal and its evidence: top_terms, representatives, top_reach, cluster_id, ended_at',
  }),
  scope: Type.Record(Type.String(), Type.Unknown()),
  drill: Type.Boolean({ description: 'raised by a fire drill' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  acknowledged_at: When,
  acknowledged_by: Type.Union([Type.String(), Type.Null()]),
  resolved_at: When,
  resolved_by: Type.Union([Type.String(), Type.Null()]),
});
const Query = Type.Object({
  acknowledged: Type.Optional(Type.Boolean()),
  resolved: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});
const Params = Type.Object({ id: IdParam });
const ROLES = { roles: ['pr', 'product'] as const };
const Ok = Type.Object({ ok: Type.Boolean() });

export interface AlertRoutesOptions {
  db: Db;
}

export default async function alertRoutes(app: RouteApp, deps: AlertRoutesOptions): Promise<void> {
  app.get(
    '/api/alerts',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first',
        security: [{ bearer: [] }],
        querystring: Query,
        response: { 200: Type.Object({ items: Type.Array(Alert) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await listAlerts(deps.db, req.query) }),
  );
  app.get(
    '/api/alerts/:id',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its evidence',
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Alert, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      const alert = await getAlert(deps.db, req.params.id);
      if (!alert) throw new AppError('not_found', `no alert ${req.params.id}`);
      return alert;
    },
  );
  app.post(
    '/api/alerts/:id/ack',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (idempotent)',
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Ok, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      if (!(await ackAlert(deps.db, req.params.id, req.principal?.name ?? 'unknown')))
        throw new AppError('not_found', `no alert ${req.params.id}`);
      return { ok: true };
    },
  );
  app.post(
    '/api/alerts/:id/resolve',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'Resolve an alert (acknowledges it too; idempotent)',
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Ok, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      if (!(await resolveAlert(deps.db, req.params.id, req.principal?.name ?? 'unknown')))
        throw new AppError('not_found', `no alert ${req.params.id}`);
      return { ok: true };
    },
  );
  app.delete(
    '/api/drills',
    {
      config: { roles: ['pr'] as const },
      schema: {
        tags: ['alerts'],
        summary: 'Remove every fire-drill row: alerts (and their deliveries), mentions, cases, series',
        security: [{ bearer: [] }],
        response: {
          200: Type.Object({ alerts: Type.Integer(), mentions: Type.Integer(), cases: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async () => removeDrills(deps.db),
  );
}
