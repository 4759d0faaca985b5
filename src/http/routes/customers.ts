/** Customers (the CRM side): list, view with everything about them, upsert one or many. */
import { Type, type Static } from '@sinclair/typebox';
import { getCustomerView, listCustomers, upsertCustomers } from '../../storage/customers.ts';
import { loadRules } from '../../triage/index.ts';
import { AppError } from '../../domain/errors.ts';
import { PageQuery, pageOf, errorResponses, ErrorBody } from '../schemas.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Handle = Type.Object(
  {
    source: Type.Optional(Type.String({ pattern: '^(\\*|[a-z0-9][a-z0-9_-]{0,31})$' })),
    handle: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
const Fields = {
  name: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2000 }))),
  handles: Type.Optional(Type.Array(Handle, { maxItems: 50 })),
  churned_at: Type.Optional(
    Nullable(
      Type.String({
        format: 'date-time',
        description: 'when the customer left (retention in the support metrics); null clears it',
      }),
    ),
  ),
};
const CustomerBody = Type.Object(Fields, { additionalProperties: false });
const CustomerId = Type.String({ minLength: 1, maxLength: 200 });
const BulkBody = Type.Object(
  {
    customers: Type.Array(Type.Object({ customer_id: CustomerId, ...Fields }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 1000,
    }),
  },
  { additionalProperties: false },
);
const Outcome = Type.Object({ inserted: Type.Integer(), updated: Type.Integer(), authors_linked: Type.Integer() });

const Summary = Type.Object({
  id: Type.Integer(),
  customer_id: Type.String(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  handles: Type.Array(Type.Object({ source: Type.String(), handle: Type.String() })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const View = Type.Composite([
  Summary,
  Type.Object({
    value_attributes: Type.Record(Type.String(), Type.Unknown(), {
      description: 'attributes the triage rules use to raise priority (tier, plan, spend…)',
    }),
    authors: Type.Array(
      Type.Object({
        id: Type.Integer(),
        source: Type.String(),
        handle: Type.String(),
        name: Nullable(Type.String()),
        link_origin: Nullable(Type.String()),
      }),
    ),
    cases: Type.Array(
      Type.Object({
        id: Type.Integer(),
        status: Type.String(),
        priority: Type.String(),
        category: Type.String(),
        source: Type.String(),
        subject: Type.String(),
        opened_at: Type.String({ format: 'date-time' }),
        resolved_at: Nullable(Type.String({ format: 'date-time' })),
      }),
    ),
    mentions: Type.Array(
      Type.Object({
        id: Type.Integer(),
        source: Type.String(),
        external_id: Type.String(),
        text: Type.String(),
        created_at: Type.String({ format: 'date-time' }),
        sentiment: Nullable(Type.String()),
        case_id: Type.Union([Type.Integer(), Type.Null()]),
      }),
    ),
    outreach: Type.Array(
      Type.Object({
        id: Type.Integer(),
        cluster_id: Type.Integer(),
        kind: Type.String(),
        status: Type.String(),
        score: Type.Union([Type.Number(), Type.Null()]),
        reason: Nullable(Type.String()),
        updated_at: Type.String({ format: 'date-time' }),
      }),
    ),
  }),
]);

const READ = { roles: ['agent', 'pr', 'product'] as const };
// CRM bridges sync with an ingest token; admins by hand.
const WRITE = { roles: ['ingest'] as const };
const doc = (summary: string) => ({ tags: ['customers'], summary, security: [{ bearer: [] }] });
const toInput = (customerId: string, b: Static<typeof CustomerBody>) => ({
  customer_id: customerId,
  ...b,
  handles: b.handles?.map((h) => ({ source: h.source ?? '*', handle: h.handle })),
});

/** Customer attributes the triage rules read: the ones that raise priority. */
async function valueKeys(rulesDir: string): Promise<Set<string>> {
  try {
    const { rules } = await loadRules(rulesDir);
    return new Set(
      rules.flatMap((r) => [...Object.keys(r.when.customer ?? {}), ...Object.keys(r.when.customerMin ?? {})]),
    );
  } catch {
    return new Set(['tier', 'plan', 'spend']);
  }
}

export interface CustomerRoutesOptions {
  db: Db;
  /** Where customer-value keys are configured. */
  rulesDir: string;
}

export default async function customerRoutes(app: RouteApp, deps: CustomerRoutesOptions): Promise<void> {
  const Q = Type.Object({
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'customer_id, name or e-mail contains' })),
  });
  app.get(
    '/api/customers',
    {
      config: READ,
      schema: {
        ...doc('List customers, newest first'),
        querystring: Q,
        response: { 200: pageOf(Summary), ...errorResponses },
      },
    },
    async (req) => listCustomers(deps.db, req.query),
  );

  const P = Type.Object({ customer_id: CustomerId });
  app.get(
    '/api/customers/:customer_id',
    {
      config: READ,
      schema: {
        ...doc('A customer with their linked authors (and how each was linked), mentions, cases and outreach'),
        params: P,
        response: { 200: View, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      const view = await getCustomerView(deps.db, req.params.customer_id);
      if (!view) throw new AppError('not_found', `no customer ${req.params.customer_id}`);
      const keys = await valueKeys(deps.rulesDir);
      return {
        ...view,
        value_attributes: Object.fromEntries(Object.entries(view.attributes).filter(([k]) => keys.has(k))),
      };
    },
  );

  app.put(
    '/api/customers/:customer_id',
    {
      config: WRITE,
      schema: {
        ...doc('Create or update one customer (attributes are merged; handles added)'),
        params: P,
        body: CustomerBody,
        response: { 200: Outcome, ...errorResponses },
      },
    },
    async (req) => {
      const o = await upsertCustomers(deps.db, [toInput(req.params.customer_id, req.body)]);
      return { inserted: o.inserted, updated: o.updated, authors_linked: o.authorsLinked };
    },
  );

  app.post(
    '/api/customers/bulk',
    {
      config: WRITE,
      schema: {
        ...doc('Create or update up to 1000 customers; re-sending updates, never duplicates'),
        body: BulkBody,
        response: { 200: Outcome, ...errorResponses, 413: ErrorBody },
      },
    },
    async (req) => {
      const o = await upsertCustomers(
        deps.db,
        req.body.customers.map((c) => toInput(c.customer_id, c)),
      );
      return { inserted: o.inserted, updated: o.updated, authors_linked: o.authorsLinked };
    },
  );
}
