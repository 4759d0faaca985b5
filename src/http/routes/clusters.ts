/** Root-cause clusters: list, detail (profile, at-risk customers), and product's actions on them. */
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PoolClient } from 'pg';
import { withTransaction } from '../../storage/db.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { CLUSTER_STATUSES, clusterDetail, listClusters } from '../../clusters/queries.ts';
import { mergeClusters, renameCluster, setSolution, splitCluster } from '../../clusters/actions.ts';
import { setClusterStatus } from '../../outreach/closed-loop.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Params = Type.Object({ id: IdParam });
const Status = Type.Union(CLUSTER_STATUSES.map((s) => Type.Literal(s)));

export const ClusterSummary = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  label: Type.Array(Type.String(), { description: 'top terms and phrases' }),
  status: Status,
  size: Type.Integer(),
  recent: Type.Integer({ description: 'mentions within the 24 h before last_seen' }),
  growth: Type.Number({ description: 'recent / mentions before that window' }),
  complainants: Type.Integer({ description: 'distinct customers among the authors' }),
  first_seen: Nullable(Type.String({ format: 'date-time' })),
  last_seen: Nullable(Type.String({ format: 'date-time' })),
  profile_headline: Nullable(Type.String({ description: 'the strongest profile item as a sentence' })),
  solution: Nullable(Type.String()),
});

const ProfileLine = Type.Object({
  attribute: Type.String({ description: 'one column, or two or three joined by "+"' }),
  value: Type.String(),
  lift: Type.Number(),
  support: Type.Number({ description: "share of complainants holding it (the rule's recall)" }),
  precision: Type.Number({ description: "share of the customers holding it who complained (the rule's precision)" }),
  count: Type.Integer(),
  base_rate: Type.Number(),
  p_value: Type.Number({ description: 'one-sided Fisher exact test, Bonferroni-adjusted per conjunction length' }),
  text: Type.String(),
});

export const ClusterDetail = Type.Composite([
  ClusterSummary,
  Type.Object({
    trend: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
    channels: Type.Record(Type.String(), Type.Integer()),
    representatives: Type.Array(
      Type.Object({
        id: Type.Integer(),
        text: Type.String(),
        source: Type.String(),
        author: Type.String(),
        created_at: Type.String({ format: 'date-time' }),
      }),
    ),
    cases: Type.Array(
      Type.Object({
        id: Type.Integer(),
        status: Type.String(),
        priority: Type.String(),
        subject: Type.String(),
        opened_at: Type.String({ format: 'date-time' }),
      }),
    ),
    profile: Type.Array(ProfileLine),
    at_risk: Type.Array(Type.Object({ customer_id: Type.String(), score: Type.Number(), reason: Type.String() }), {
      description: 'ranked; complainants excluded',
    }),
    at_risk_total: Type.Integer(),
    campaigns: Type.Integer(),
  }),
]);

const ListQuery = Type.Object({
  status: Type.Optional(Status),
  sort: Type.Union([Type.Literal('size'), Type.Literal('growth'), Type.Literal('recent')], { default: 'size' }),
  min_size: Type.Integer({ minimum: 1, maximum: 1_000_000_000, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});
const DetailQuery = Type.Object({ at_risk_limit: Type.Integer({ minimum: 0, maximum: 10_000, default: 100 }) });
const MergeBody = Type.Object(
  { from: Type.Array(IdParam, { minItems: 1, maxItems: 50, description: 'clusters merged into this one' }) },
  { additionalProperties: false },
);
const SplitBody = Type.Object(
  {
    mention_ids: Type.Array(IdParam, { minItems: 1, maxItems: 5000 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const RenameBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const StatusBody = Type.Object({ status: Status }, { additionalProperties: false });
const SolutionBody = Type.Object(
  { solution: Nullable(Type.String({ maxLength: 10_000 })) },
  { additionalProperties: false },
);
const Done = Type.Object({
  ok: Type.Boolean(),
  cluster_id: Type.Integer(),
  created: Type.Optional(Type.Integer()),
  fixed_notified: Type.Optional(Type.Integer()),
});

const READ = { roles: ['product', 'pr', 'agent'] as const };
const WRITE = { roles: ['product'] as const };
const doc = <E extends object>(summary: string, extra: E) => ({
  tags: ['clusters'],
  summary,
  security: [{ bearer: [] }],
  ...extra,
});
const action = <B extends TSchema>(summary: string, body: B) =>
  doc(summary, { params: Params, body, response: { 200: Done, ...errorResponses, 404: ErrorBody, 409: ErrorBody } });

export interface ClusterRoutesOptions {
  db: Db;
}

export default async function clusterRoutes(app: RouteApp, deps: ClusterRoutesOptions): Promise<void> {
  const inTx = <T>(work: (tx: PoolClient) => Promise<T>): Promise<T> => withTransaction(deps.db, work);
  const actor = (req: FastifyRequest) => req.principal?.name ?? 'unknown';

  app.get(
    '/api/clusters',
    {
      config: READ,
      schema: doc('Root-cause clusters, biggest or fastest-growing first', {
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(ClusterSummary) }), ...errorResponses },
      }),
    },
    async (req) => ({
      items: await listClusters(deps.db, {
        status: req.query.status,
        sort: req.query.sort,
        limit: req.query.limit,
        minSize: req.query.min_size,
      }),
    }),
  );

  app.get(
    '/api/clusters/:id',
    {
      config: READ,
      schema: doc(
        'A cluster: trend, channels, cases, the complainants’ profile against the customer base, the customers at risk',
        {
          params: Params,
          querystring: DetailQuery,
          response: { 200: ClusterDetail, ...errorResponses, 404: ErrorBody },
        },
      ),
    },
    async (req) => {
      const d = await clusterDetail(deps.db, req.params.id, req.query.at_risk_limit);
      if (!d) throw new AppError('not_found', `no cluster ${req.params.id}`);
      return d;
    },
  );

  app.post(
    '/api/clusters/:id/merge',
    { config: WRITE, schema: action('Merge other clusters into this one', MergeBody) },
    async (req) => {
      await inTx((tx) => mergeClusters(tx, req.params.id, req.body.from));
      return { ok: true, cluster_id: req.params.id };
    },
  );

  app.post(
    '/api/clusters/:id/split',
    { config: WRITE, schema: action('Move some of its mentions to a new cluster (they stay there)', SplitBody) },
    async (req) => {
      const created = await inTx((tx) => splitCluster(tx, req.params.id, req.body.mention_ids, req.body.name ?? null));
      return { ok: true, cluster_id: req.params.id, created };
    },
  );

  app.post(
    '/api/clusters/:id/rename',
    { config: WRITE, schema: action('Give the cluster a name', RenameBody) },
    async (req) => {
      await inTx((tx) => renameCluster(tx, req.params.id, req.body.name));
      return { ok: true, cluster_id: req.params.id };
    },
  );

  app.post(
    '/api/clusters/:id/status',
    {
      config: WRITE,
      schema: action(
        'Confirm, fix or dismiss; "fixed" sends the closed loop’s message once to everyone who complained or was contacted',
        StatusBody,
      ),
    },
    async (req) => {
      const r = await inTx((tx) => setClusterStatus(tx, req.params.id, req.body.status));
      req.log.info(
        { cluster: req.params.id, status: req.body.status, by: actor(req), fixed_notified: r.fixedNotified },
        'cluster status changed',
      );
      return { ok: true, cluster_id: req.params.id, fixed_notified: r.fixedNotified };
    },
  );

  app.post(
    '/api/clusters/:id/solution',
    {
      config: WRITE,
      schema: action('The solution text support’s suggested replies use for the cluster’s cases', SolutionBody),
    },
    async (req) => {
      await inTx((tx) => setSolution(tx, req.params.id, req.body.solution));
      return { ok: true, cluster_id: req.params.id };
    },
  );
}
