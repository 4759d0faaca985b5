/** The PR view's numbers: the mention series (for the chart) and PR reporting. */
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import { errorResponses } from '../schemas.ts';
import { seriesBetween } from '../../crisis/series.ts';
import { prMetrics } from '../../crisis/alerts.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const ROLES = { roles: ['pr', 'product'] as const };
const SeriesQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 24 hours before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
  step: Type.Integer({ minimum: 1, maximum: 1440, default: 15, description: 'minutes per point' }),
  channel: Type.Optional(Type.String({ maxLength: 32 })),
});
const Point = Type.Object({
  t: Type.String({ format: 'date-time' }),
  total: Type.Integer(),
  negative: Type.Integer(),
  positive: Type.Integer(),
  drill: Type.Integer(),
});
const MetricsQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});
const Minutes = Type.Union([Type.Number(), Type.Null()]);

export interface CrisisRoutesOptions {
  db: Db;
  now: () => Date;
}

export default async function crisisRoutes(app: RouteApp, deps: CrisisRoutesOptions): Promise<void> {
  app.get(
    '/api/series',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'Mentions per time step (total, negative, positive, of which drill)',
        security: [{ bearer: [] }],
        querystring: SeriesQuery,
        response: { 200: Type.Object({ step: Type.Integer(), points: Type.Array(Point) }), ...errorResponses },
      },
    },
    async (req) => {
      const to = req.query.to ? new Date(req.query.to) : deps.now();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 24 * 3_600_000);
      if (to.getTime() - from.getTime() > 31 * 24 * 3_600_000 || from >= to)
        throw new AppError('invalid', 'from must be before to, at most 31 days apart');
      return {
        step: req.query.step,
        points: await seriesBetween(deps.db, from, to, req.query.step, req.query.channel ?? null),
      };
    },
  );
  app.get(
    '/api/metrics/pr',
    {
      config: ROLES,
      schema: {
        tags: ['alerts'],
        summary: 'PR reporting: crises detected, acknowledged, resolved, and how fast (drills counted apart)',
        security: [{ bearer: [] }],
        querystring: MetricsQuery,
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            crises: Type.Integer(),
            drills: Type.Integer(),
            acknowledged: Type.Integer(),
            resolved: Type.Integer(),
            median_minutes_to_acknowledge: Minutes,
            median_minutes_to_resolve: Minutes,
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const to = req.query.to ? new Date(req.query.to) : deps.now();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 30 * 24 * 3_600_000);
      return prMetrics(deps.db, from, to);
    },
  );
}
