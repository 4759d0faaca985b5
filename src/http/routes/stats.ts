/** GET /api/stats/volume: mention volume and sentiment over time, for the PR view's charts. */
import { Type } from '@sinclair/typebox';
import { mentionVolume } from '../../storage/stats.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const Query = Type.Object({
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'start (inclusive; its bucket is counted whole); default: 24 buckets before `to`',
    }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'end (exclusive); default now' })),
  bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour' })),
});
const Point = Type.Object({
  at: Type.String({ format: 'date-time', description: 'start of the bucket (UTC)' }),
  total: Type.Integer(),
  negative: Type.Integer(),
  neutral: Type.Integer(),
  positive: Type.Integer(),
  mean_score: Type.Union([Type.Number(), Type.Null()]),
});
const VolumeReply = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  bucket: Type.String(),
  points: Type.Array(Point),
});

const SPAN_MS = { hour: 3_600_000, day: 86_400_000 } as const;
/** Enough for a month by the hour or a year and a bit by the day; keeps the answer small. */
const MAX_BUCKETS = 800;

export interface StatsRoutesOptions {
  db: Db;
  now: () => Date;
}

export default async function statsRoutes(app: RouteApp, deps: StatsRoutesOptions): Promise<void> {
  const now = deps.now;
  app.get(
    '/api/stats/volume',
    {
      config: { roles: ['agent', 'pr', 'product'] },
      schema: {
        tags: ['metrics'],
        summary: 'Mention volume and sentiment per hour or day (UTC buckets, empty ones included)',
        security: [{ bearer: [] }],
        querystring: Query,
        response: { 200: VolumeReply, ...errorResponses },
      },
    },
    async (req) => {
      const bucket = req.query.bucket ?? 'hour';
      const to = req.query.to ? new Date(req.query.to) : now();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - 24 * SPAN_MS[bucket]);
      if (!(to > from)) throw new AppError('invalid', '"to" must be after "from"');
      if ((to.getTime() - from.getTime()) / SPAN_MS[bucket] > MAX_BUCKETS)
        throw new AppError(
          'invalid',
          `at most ${MAX_BUCKETS} ${bucket}s per request: narrow the range or use bucket=day`,
        );
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bucket,
        points: await mentionVolume(deps.db, from, to, bucket),
      };
    },
  );
}
