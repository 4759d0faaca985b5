/** GET /api/metrics/support: the support lead's numbers over a date range, as JSON or CSV. */
import { Type } from '@sinclair/typebox';
import { complainantRows, handledCases, metricCases } from '../../support/metric-rows.ts';
import { retention, timeToProductivity, type HandledCase } from '../../support/retention.ts';
import { businessMsBetween } from '../../support/business-hours.ts';
import { summarize } from '../../support/metrics.ts';
import { supportMetrics, metricsCsv } from '../../support/metrics.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { SupportContext } from '../../support/context.ts';

/** What a support lead expects to see first: the last 30 days. */
const DEFAULT_RANGE_DAYS = 30;

const Query = Type.Object({
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'start of the range (inclusive); default 30 days before "to"' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'end of the range (exclusive); default now' })),
  group_by: Type.Optional(
    Type.Union([Type.Literal('agent'), Type.Literal('team'), Type.Literal('category'), Type.Literal('cluster')]),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'or send Accept: text/csv' }),
  ),
  agent_hours: Type.Optional(
    Type.Number({
      minimum: 0,
      description: 'staffed agent hours over the range; estimated from the SLA calendar when absent',
    }),
  ),
});

export interface SupportMetricsRoutesOptions {
  db: Db;
  support: SupportContext;
  agentCostPerHour: number;
}

export default async function supportMetricsRoutes(app: RouteApp, deps: SupportMetricsRoutesOptions): Promise<void> {
  const support = deps.support;
  app.get(
    '/api/metrics/support',
    {
      config: { roles: ['agent', 'pr'] },
      schema: {
        tags: ['metrics'],
        summary:
          'First response, resolution, SLA breaches, opened/resolved per day, FCR, reopen rate, backlog, ' +
          'cost per case, CSAT, retention of complainants, time to productivity',
        description:
          'Clocks count business minutes of the SLA calendar. ' +
          "Per agent (assignee), per team (the assignee's team, else the case queue), per category or per cluster. " +
          '`csat` gives satisfaction per agent, team, category and cluster whatever the grouping.',
        security: [{ bearer: [] }],
        querystring: Query,
        response: { 200: Type.Any(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const to = req.query.to ? new Date(req.query.to) : support.now();
      const from = req.query.from ? new Date(req.query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000);
      if (!(to > from)) throw new AppError('invalid', '"to" must be after "from"');
      if (to.getTime() - from.getTime() > 400 * 86_400_000)
        throw new AppError('invalid', 'the range may span at most 400 days');
      const cases = await metricCases(deps.db, from, to);
      const m = supportMetrics(cases, {
        from,
        to,
        groupBy: req.query.group_by ?? null,
        policy: support.policy,
        costPerHour: deps.agentCostPerHour,
        ...(req.query.agent_hours === undefined ? {} : { agentHours: req.query.agent_hours }),
      });
      // Retention of complainants and new agents' ramp: whole-range figures, in the JSON only.
      const handled: HandledCase[] = (await handledCases(deps.db, to)).map((c) => ({
        assignee: c.assignee,
        team: c.team,
        resolved_at: c.resolved_at,
        minutes: businessMsBetween(support.policy.calendar, c.opened_at, c.resolved_at) / 60_000,
      }));
      const teamMinutes = new Map<string, number[]>();
      for (const c of handled)
        if (c.resolved_at >= from)
          teamMinutes.set(c.team ?? '(unassigned)', [...(teamMinutes.get(c.team ?? '(unassigned)') ?? []), c.minutes]);
      const teamMedian = new Map([...teamMinutes].map(([team, mins]) => [team, summarize(mins).median ?? 0]));
      const full = {
        ...m,
        retention: retention(await complainantRows(deps.db, from, to), to),
        time_to_productivity: timeToProductivity(handled, teamMedian),
      };
      const csv =
        req.query.format === 'csv' ||
        (req.query.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
      if (!csv) return full;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="support-metrics-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv"`,
        )
        .send(metricsCsv(m));
    },
  );
}
