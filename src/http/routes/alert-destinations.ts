/** Where alerts are delivered (admin only): Slack webhook, signed webhook, e-mail; a test send each. */
import { Type } from '@sinclair/typebox';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import {
  createDestination,
  deleteDestination,
  deliveriesOf,
  getDestination,
  listDestinations,
  updateDestination,
} from '../../alerts/store.ts';
import { checkDestinationUrl } from '../../alerts/guard.ts';
import { sendAlert } from '../../alerts/send.ts';
import type { AlertsConfig } from '../../alerts/config.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const ADMIN = { roles: [] as const };
const Kind = Type.Union([Type.Literal('slack'), Type.Literal('webhook'), Type.Literal('email')]);
const DestinationView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Kind,
  target: Type.String(),
  has_secret: Type.Boolean(),
  min_severity: Type.Integer(),
  drills: Type.Boolean(),
  enabled: Type.Boolean(),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const Create = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Kind,
    target: Type.String({
      minLength: 3,
      maxLength: 2000,
      description: 'https:// URL (slack, webhook) or an e-mail address',
    }),
    min_severity: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    drills: Type.Optional(Type.Boolean({ description: 'deliver drill alerts too (default true)' })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Patch = Type.Partial(Type.Omit(Create, ['kind']), { additionalProperties: false });
const Params = Type.Object({ id: IdParam });
const Delivery = Type.Object({
  id: Type.Integer(),
  alert_id: Type.Integer(),
  destination_id: Type.Integer(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('dead')]),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  sent_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

function checkTarget(kind: 'slack' | 'webhook' | 'email', target: string, cfg: AlertsConfig): void {
  if (kind === 'email') {
    if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(target))
      throw new AppError('invalid', 'body.target must be an e-mail address');
    return;
  }
  try {
    checkDestinationUrl(target, cfg);
  } catch (err) {
    throw new AppError('invalid', `body.target refused: ${(err as Error).message}`);
  }
}

export interface AlertDestinationRoutesOptions {
  db: Db;
  alerts: AlertsConfig;
}

export default async function alertDestinationRoutes(
  app: RouteApp,
  deps: AlertDestinationRoutesOptions,
): Promise<void> {
  const cfg = deps.alerts;
  const tags = ['alerts'];
  const security = [{ bearer: [] }];
  app.get(
    '/api/alert-destinations',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'Alert destinations',
        response: { 200: Type.Object({ items: Type.Array(DestinationView) }), ...errorResponses },
      },
    },
    async () => ({
      items: await listDestinations(deps.db),
    }),
  );
  app.post(
    '/api/alert-destinations',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'Add a destination; a webhook gets its signing secret, shown only in this answer',
        body: Create,
        response: {
          201: Type.Intersect([DestinationView, Type.Object({ secret: Type.Optional(Type.String()) })]),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      checkTarget(req.body.kind, req.body.target, cfg);
      return reply.code(201).send(await createDestination(deps.db, req.body, req.principal?.name ?? 'unknown'));
    },
  );
  app.patch(
    '/api/alert-destinations/:id',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'Change a destination',
        params: Params,
        body: Patch,
        response: { 200: DestinationView, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      const current = await getDestination(deps.db, req.params.id);
      if (!current) throw new AppError('not_found', `no alert destination ${req.params.id}`);
      if (req.body.target) checkTarget(current.kind, req.body.target, cfg);
      return (await updateDestination(deps.db, req.params.id, req.body))!;
    },
  );
  app.delete(
    '/api/alert-destinations/:id',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'Remove a destination (and its deliveries)',
        params: Params,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      if (!(await deleteDestination(deps.db, req.params.id)))
        throw new AppError('not_found', `no alert destination ${req.params.id}`);
      return { ok: true };
    },
  );
  app.post(
    '/api/alert-destinations/:id/test',
    {
      config: ADMIN,
      schema: {
        tags,
        security,
        summary: 'Send a test alert to this destination now',
        params: Params,
        response: {
          200: Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
          ...errorResponses,
          404: ErrorBody,
        },
      },
    },
    async (req) => {
      const d = await getDestination(deps.db, req.params.id);
      if (!d) throw new AppError('not_found', `no alert destination ${req.params.id}`);
      try {
        await sendAlert(
          d,
          {
            id: 0,
            kind: 'test',
            severity: 1,
            message: `Test alert from earshot to "${d.name}": delivery works.`,
            drill: false,
            created_at: new Date().toISOString(),
            scope: {},
            data: {},
            test: true,
          },
          cfg,
        );
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    },
  );
  app.get(
    '/api/alerts/:id/deliveries',
    {
      config: { roles: ['pr', 'product'] as const },
      schema: {
        tags,
        security,
        summary: "An alert's deliveries: sent, pending (with its last error) or dead",
        params: Params,
        response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await deliveriesOf(deps.db, req.params.id) }),
  );
}
