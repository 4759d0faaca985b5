/** GET /api/sources: every configured source, its health and pause, and what reading cost per day. */
import { Type } from '@sinclair/typebox';
import { describeTargets } from '../../channels/service.ts';
import { listSourceStates } from '../../storage/cursors.ts';
import { listUsage, usageToday } from '../../storage/usage.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { ChannelsConfig } from '../../channels/config.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const Source = Type.Object({
  source: Type.String(),
  key: Type.String(),
  label: Type.String(),
  interval_ms: Type.Integer(),
  healthy: Type.Boolean(),
  consecutive_failures: Type.Integer(),
  last_error: Nullable(Type.String()),
  last_success_at: Nullable(Type.String({ format: 'date-time' })),
  last_failure_at: Nullable(Type.String({ format: 'date-time' })),
  paused_until: Nullable(Type.String({ format: 'date-time' })),
  has_cursor: Type.Boolean({ description: 'whether the source has a saved position (since_id, ETag) to resume from' }),
});

const Usage = Type.Object({ day: Type.String(), source: Type.String(), kind: Type.String(), count: Type.Integer() });

const SourcesReply = Type.Object({
  sources: Type.Array(Source),
  read_today: Type.Record(Type.String(), Type.Integer(), {
    description: 'Posts/comments/entries read today (UTC) per source; X bills per post read',
  }),
  usage: Type.Array(Usage, { description: 'The last 31 days, per source and kind' }),
  x_plan: Type.Object(
    { read_this_month: Type.Integer(), monthly_cap: Type.Integer() },
    { description: 'X posts read this month (UTC) against the plan cap (X_MONTHLY_READ_CAP)' },
  ),
});

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

export interface SourceRoutesOptions {
  db: Db;
  channels: ChannelsConfig;
}

export default async function sourceRoutes(app: RouteApp, deps: SourceRoutesOptions): Promise<void> {
  app.get(
    '/api/sources',
    {
      config: { roles: ['pr'] },
      schema: {
        tags: ['sources'],
        summary: 'Configured sources, their health, and posts read per day',
        security: [{ bearer: [] }],
        response: { 200: SourcesReply, ...errorResponses },
      },
    },
    async () => {
      const states = new Map((await listSourceStates(deps.db)).map((s) => [`${s.source}/${s.key}`, s]));
      const sources = describeTargets(deps.channels).map((t) => {
        const s = states.get(`${t.source}/${t.key}`);
        return {
          source: t.source,
          key: t.key,
          label: t.label,
          interval_ms: t.intervalMs,
          healthy: s?.healthy ?? true,
          consecutive_failures: s?.consecutive_failures ?? 0,
          last_error: s?.last_error ?? null,
          last_success_at: iso(s?.last_success_at),
          last_failure_at: iso(s?.last_failure_at),
          paused_until: iso(s?.paused_until),
          has_cursor: s?.has_cursor ?? false,
        };
      });
      const usage = await listUsage(deps.db);
      const month = new Date().toISOString().slice(0, 7);
      const readThisMonth = usage
        .filter((u) => u.source === 'twitter' && u.day.startsWith(month))
        .reduce((sum, u) => sum + u.count, 0);
      return {
        sources,
        read_today: await usageToday(deps.db),
        usage,
        x_plan: { read_this_month: readThisMonth, monthly_cap: deps.channels.x.monthlyReadCap },
      };
    },
  );
}
