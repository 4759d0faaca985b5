/** Outreach campaigns from a cluster's at-risk list, their per-customer statuses and their exports. */
import { Type } from '@sinclair/typebox';
import type { PoolClient } from 'pg';
import { withTransaction } from '../../storage/db.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import {
  OUTREACH_STATUSES,
  campaignRows,
  createCampaign,
  getCampaign,
  listCampaigns,
  sendCampaign,
  setOutreachStatus,
} from '../../outreach/campaigns.ts';
import { exportLines, toCsv, toJsonl } from '../../outreach/export.ts';
import { enqueueDms } from '../../outreach/send.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { JobQueue } from '../../queue/backend.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Params = Type.Object({ id: IdParam });
const Channel = Type.Union([Type.Literal('email'), Type.Literal('dm'), Type.Literal('csv')], {
  description:
    'email: JSONL/CSV export of to/subject/body; ' +
    'dm: X direct message to customers with an X handle (others in the export) when X user-context credentials ' +
    'are configured, else delivered as export (the campaign note says so); csv: for the CRM',
});

const Campaign = Type.Object({
  id: Type.Integer(),
  cluster_id: Type.Integer(),
  name: Type.String(),
  channel: Channel,
  delivery: Type.Union([Type.Literal('export'), Type.Literal('x_dm')], {
    description: 'x_dm: sent through the X adapter; export: the download is the deliverable',
  }),
  template: Type.String(),
  fixed_template: Nullable(Type.String()),
  status: Type.String({ description: 'queued, sent' }),
  note: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  sent_at: Nullable(Type.String({ format: 'date-time' })),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'customers per status' }),
});
const Row = Type.Object({
  id: Type.Integer(),
  customer_id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  kind: Type.String({ description: 'at_risk or complainant' }),
  status: Type.Union(OUTREACH_STATUSES.map((s) => Type.Literal(s))),
  score: Type.Union([Type.Number(), Type.Null()]),
  reason: Nullable(Type.String()),
  message: Nullable(Type.String()),
  fixed_message: Nullable(Type.String()),
  delivery: Nullable(Type.String({ description: 'dm or export, once sent' })),
  platform_id: Nullable(Type.String({ description: 'X dm_event_id of the first message' })),
  error: Nullable(Type.String({ description: 'why the DM failed, or why the customer is in the export instead' })),
  dry_run: Type.Boolean({ description: 'EARSHOT_DRY_RUN: recorded as contacted, nothing sent' }),
  fixed_state: Nullable(
    Type.String({ description: 'the "fixed" DM: queued, sending, sent, failed, dry_run (null: in the fixed export)' }),
  ),
  fixed_platform_id: Nullable(Type.String()),
  fixed_error: Nullable(Type.String()),
});
const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    channel: Channel,
    template: Type.String({
      minLength: 1,
      maxLength: 10_000,
      description: 'placeholders: {name}, {first_name}, {product}, {customer_id}, {email} and any customer attribute',
    }),
    fixed_template: Type.Optional(
      Type.String({ minLength: 1, maxLength: 10_000, description: 'sent once when the cluster is marked fixed' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'top N of the at-risk list' })),
  },
  { additionalProperties: false },
);
const ExportQuery = Type.Object({
  campaign_id: Type.Optional(IdParam),
  cluster_id: Type.Optional(IdParam),
  phase: Type.Union([Type.Literal('contact'), Type.Literal('fixed')], { default: 'contact' }),
  format: Type.Union([Type.Literal('jsonl'), Type.Literal('csv')], { default: 'jsonl' }),
});
const StatusBody = Type.Object(
  { status: Type.Union([Type.Literal('contacted'), Type.Literal('replied'), Type.Literal('complained')]) },
  { additionalProperties: false },
);

const READ = { roles: ['product', 'agent', 'pr'] as const };
const WRITE = { roles: ['product'] as const };
const doc = <E extends object>(summary: string, extra: E) => ({
  tags: ['outreach'],
  summary,
  security: [{ bearer: [] }],
  ...extra,
});

export interface OutreachRoutesOptions {
  db: Db;
  queue: JobQueue;
  dryRun: boolean;
  /** X user-context credentials are set, so campaigns can go out as DMs. */
  xDm: boolean;
}

export default async function outreachRoutes(app: RouteApp, deps: OutreachRoutesOptions): Promise<void> {
  const inTx = <T>(work: (tx: PoolClient) => Promise<T>): Promise<T> => withTransaction(deps.db, work);

  app.post(
    '/api/clusters/:id/campaigns',
    {
      config: WRITE,
      schema: doc(
        'Create a campaign for the cluster’s at-risk customers (customers already in an earlier campaign of this cluster are skipped)',
        {
          params: Params,
          body: CreateBody,
          response: {
            201: Type.Object({ campaign: Campaign, added: Type.Integer(), skipped: Type.Integer() }),
            ...errorResponses,
            404: ErrorBody,
            409: ErrorBody,
          },
        },
      ),
    },
    async (req, reply) => {
      const r = await inTx((tx) =>
        createCampaign(tx, req.params.id, req.body, req.principal?.name ?? 'unknown', {
          xDm: deps.xDm,
        }),
      );
      return reply.code(201).send(r);
    },
  );

  app.get(
    '/api/outreach/campaigns',
    {
      config: READ,
      schema: doc('Campaigns, newest first', {
        querystring: Type.Object({ cluster_id: Type.Optional(IdParam) }),
        response: { 200: Type.Object({ items: Type.Array(Campaign) }), ...errorResponses },
      }),
    },
    async (req) => ({ items: await listCampaigns(deps.db, req.query.cluster_id) }),
  );

  app.get(
    '/api/outreach/campaigns/:id',
    {
      config: READ,
      schema: doc('A campaign with every customer’s status', {
        params: Params,
        response: {
          200: Type.Composite([Campaign, Type.Object({ customers: Type.Array(Row) })]),
          ...errorResponses,
          404: ErrorBody,
        },
      }),
    },
    async (req) => {
      const c = await getCampaign(deps.db, req.params.id);
      if (!c) throw new AppError('not_found', `no campaign ${req.params.id}`);
      return { ...c, customers: await campaignRows(deps.db, { campaignId: c.id }) };
    },
  );

  app.post(
    '/api/outreach/campaigns/:id/send',
    {
      config: WRITE,
      schema: doc(
        'Deliver the queued messages: export campaigns mark them "contacted" for the export; X DM campaigns queue ' +
          'one DM job per customer with an X handle (sending again never sends twice). EARSHOT_DRY_RUN is noted on the campaign',
        {
          params: Params,
          response: {
            200: Type.Object({
              contacted: Type.Integer({ description: 'marked contacted for the export' }),
              dm_queued: Type.Integer({ description: 'direct messages queued for sending' }),
              campaign: Campaign,
            }),
            ...errorResponses,
            404: ErrorBody,
          },
        },
      ),
    },
    async (req) => {
      const r = await inTx((tx) => sendCampaign(tx, req.params.id, deps.dryRun));
      // After the commit, so a job never sees a row its transaction has not written yet; a lost enqueue
      // is caught up by the 'outreach-dispatch' schedule.
      await enqueueDms(
        deps.queue,
        r.dm.map((id) => ({ id, phase: 'contact' as const })),
      ).catch((err: unknown) =>
        req.log.warn(
          { err, campaign: req.params.id },
          'outreach DM jobs not queued; the dispatch schedule will queue them',
        ),
      );
      return { contacted: r.contacted, dm_queued: r.dm.length, campaign: r.campaign };
    },
  );

  app.get(
    '/api/outreach/export',
    {
      config: WRITE,
      schema: doc(
        'Download messages as JSON Lines or CSV: to, customer_id, name, subject, body (phase contact: contacted at-risk customers; fixed: the closed loop)',
        {
          querystring: ExportQuery,
          response: { 200: Type.String(), ...errorResponses, 404: ErrorBody },
        },
      ),
    },
    async (req, reply) => {
      const { campaign_id: campaignId, phase, format } = req.query;
      let clusterId = req.query.cluster_id;
      let subject = 'An update from us';
      if (campaignId) {
        const c = await getCampaign(deps.db, campaignId);
        if (!c) throw new AppError('not_found', `no campaign ${campaignId}`);
        subject = c.name;
        clusterId ??= c.cluster_id;
      }
      if (!clusterId) throw new AppError('invalid', 'querystring needs campaign_id or cluster_id');
      // The fixed message goes to everyone in the cluster's loop, whichever campaign (if any) reached them.
      const rows = await campaignRows(deps.db, phase === 'fixed' ? { clusterId } : { campaignId, clusterId });
      const lines = exportLines(rows, phase, phase === 'fixed' ? `Fixed: ${subject}` : subject);
      const name = `outreach-${campaignId ?? `cluster-${clusterId}`}-${phase}.${format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      return format === 'csv' ? toCsv(lines) : toJsonl(lines);
    },
  );

  app.post(
    '/api/outreach/:id/status',
    {
      config: WRITE,
      schema: doc('Record what happened with one customer (e.g. replied)', {
        params: Params,
        body: StatusBody,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses, 404: ErrorBody },
      }),
    },
    async (req) => {
      if (!(await inTx((tx) => setOutreachStatus(tx, req.params.id, req.body.status))))
        throw new AppError('not_found', `no outreach row ${req.params.id}`);
      return { ok: true };
    },
  );
}
