/**
 * Customers (the CRM side): upsert by customer_id, handles stored canonical, and the links from
 * authors to customers — by handle, by email or by hand — which the author's cases follow.
 */
import { canonicalHandle, sourceKey } from '../domain/mention.ts';
import type { Queryable } from './db.ts';
import type { AuthorRow } from './authors.ts';
import { appendEvents } from './cases.ts';
import { decodeCursor, toPage, Where, type Page } from './page.ts';

export interface CustomerInput {
  customer_id: string;
  name?: string | null;
  email?: string | null;
  /** Plan, tier, spend, region…: merged into what is stored (a re-import updates, never drops). */
  attributes?: Record<string, string>;
  /** source '*' matches every channel. */
  handles?: { source: string; handle: string }[];
  /** When the customer left (ISO date-time); for retention. Absent: unchanged; null: clears it. */
  churned_at?: string | null;
}

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  /** Authors newly linked to these customers, whose cases followed. */
  authorsLinked: number;
}

export async function upsertCustomers(db: Queryable, input: CustomerInput[]): Promise<UpsertOutcome> {
  // Last row wins within one batch: ON CONFLICT may not touch a row twice in one statement.
  const byId = new Map(input.map((c) => [c.customer_id, c]));
  const list = [...byId.values()];
  if (list.length === 0) return { inserted: 0, updated: 0, authorsLinked: 0 };
  const { rows } = await db.query<{ id: number; customer_id: string; inserted: boolean }>(
    `INSERT INTO customers (customer_id, name, email, attributes, churned_at)
     SELECT x.customer_id, x.name, x.email, coalesce(x.attributes, '{}'), x.churned_at
       FROM jsonb_to_recordset($1::jsonb)
         AS x(customer_id text, name text, email text, attributes jsonb, churned_at timestamptz, churn_given boolean)
     ON CONFLICT (customer_id) DO UPDATE SET
       name = coalesce(excluded.name, customers.name),
       email = coalesce(excluded.email, customers.email),
       attributes = customers.attributes || excluded.attributes,
       churned_at = CASE WHEN (SELECT y.churn_given FROM jsonb_to_recordset($1::jsonb) AS y(customer_id text, churn_given boolean)
                                WHERE y.customer_id = excluded.customer_id)
                         THEN excluded.churned_at ELSE customers.churned_at END,
       updated_at = now()
     RETURNING id, customer_id, (xmax = 0) AS inserted`,
    [
      JSON.stringify(
        list.map((c) => ({
          customer_id: c.customer_id,
          name: c.name ?? null,
          email: c.email?.trim() || null,
          attributes: c.attributes ?? {},
          churned_at: c.churned_at ?? null,
          churn_given: c.churned_at !== undefined,
        })),
      ),
    ],
  );
  const refOf = new Map(rows.map((r) => [r.customer_id, r.id]));
  const handles = new Map<string, { customer_ref: number; source: string; handle: string }>();
  for (const c of list) {
    for (const h of c.handles ?? []) {
      const handle = canonicalHandle(h.handle);
      const ref = refOf.get(c.customer_id);
      if (handle && ref) handles.set(sourceKey(h.source, handle), { customer_ref: ref, source: h.source, handle });
    }
  }
  if (handles.size > 0) {
    await db.query(
      `INSERT INTO customer_handles (customer_ref, source, handle)
       SELECT customer_ref, source, handle FROM jsonb_to_recordset($1::jsonb) AS x(customer_ref bigint, source text, handle text)
       ON CONFLICT (source, handle) DO UPDATE SET customer_ref = excluded.customer_ref`,
      [JSON.stringify([...handles.values()])],
    );
  }
  const linked = await linkWaitingAuthors(db, [...refOf.values()]);
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, authorsLinked: linked };
}

/** Links authors nobody has linked yet to these customers, by handle then by email; their cases follow. */
async function linkWaitingAuthors(db: Queryable, customerRefs: number[]): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `WITH candidates AS (
       SELECT DISTINCT ON (a.id) a.id, m.customer_ref, m.origin FROM authors a
       JOIN (
         SELECT ch.customer_ref, ch.source, ch.handle, 'handle' AS origin, 0 AS rank FROM customer_handles ch WHERE ch.customer_ref = ANY($1::bigint[])
         UNION ALL
         SELECT c.id, '*', lower(c.email), 'email', 1 FROM customers c WHERE c.id = ANY($1::bigint[]) AND c.email IS NOT NULL
       ) m ON m.handle = a.handle AND m.source IN (a.source, '*')
       WHERE a.customer_ref IS NULL
       ORDER BY a.id, m.rank, m.source = '*'
     )
     UPDATE authors a SET customer_ref = c.customer_ref, link_origin = c.origin, updated_at = now()
     FROM candidates c WHERE a.id = c.id RETURNING a.id`,
    [customerRefs],
  );
  const ids = rows.map((r) => r.id);
  await casesFollow(db, ids);
  return ids.length;
}

/** Every case of these authors takes the author's customer, past cases included. */
async function casesFollow(db: Queryable, authorIds: number[]): Promise<void> {
  if (authorIds.length === 0) return;
  await db.query(
    `UPDATE cases c SET customer_ref = a.customer_ref, updated_at = now() FROM authors a
     WHERE c.author_id = a.id AND a.id = ANY($1::bigint[]) AND c.customer_ref IS DISTINCT FROM a.customer_ref`,
    [authorIds],
  );
}

/**
 * For the pipeline: authors still unlinked whose handle is an e-mail address a customer has (mail
 * channels use the address as the handle) are linked with origin 'email'. Updates `authors` in place.
 */
export async function linkAuthorsByEmail(db: Queryable, authors: Map<string, AuthorRow>): Promise<void> {
  const waiting = [...authors.values()].filter((a) => a.customer_ref === null && a.handle.includes('@'));
  if (waiting.length === 0) return;
  const { rows } = await db.query<{ id: number; customer_ref: number }>(
    `UPDATE authors a SET customer_ref = c.id, link_origin = 'email', updated_at = now()
     FROM (SELECT DISTINCT ON (lower(email)) id, lower(email) AS email FROM customers WHERE email IS NOT NULL ORDER BY lower(email), id) c
     WHERE a.id = ANY($1::bigint[]) AND a.customer_ref IS NULL AND c.email = lower(a.handle)
     RETURNING a.id, a.customer_ref`,
    [waiting.map((a) => a.id)],
  );
  const refOf = new Map(rows.map((r) => [r.id, r.customer_ref]));
  for (const a of authors.values()) {
    const ref = refOf.get(a.id);
    if (ref !== undefined) a.customer_ref = ref;
  }
  await casesFollow(db, [...refOf.keys()]);
}

export async function customerRefOf(db: Queryable, customerId: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM customers WHERE customer_id = $1', [customerId]);
  return rows[0]?.id ?? null;
}

/** Links a case's author to a customer by hand; every case of the author follows. */
export async function linkCaseAuthor(
  db: Queryable,
  caseId: number,
  customerRef: number,
  actor: string,
): Promise<{ authorId: number } | null> {
  const { rows } = await db.query<{ author_id: number; previous: number | null }>(
    'SELECT a.id AS author_id, a.customer_ref AS previous FROM cases c JOIN authors a ON a.id = c.author_id WHERE c.id = $1 FOR UPDATE OF a',
    [caseId],
  );
  const row = rows[0];
  if (!row) return null;
  await db.query("UPDATE authors SET customer_ref = $2, link_origin = 'manual', updated_at = now() WHERE id = $1", [
    row.author_id,
    customerRef,
  ]);
  await casesFollow(db, [row.author_id]);
  await appendEvents(db, [
    {
      caseId,
      actor,
      kind: 'customer_linked',
      data: {
        customer_ref: customerRef,
        previous: row.previous,
        origin: 'manual',
      },
    },
  ]);
  return { authorId: row.author_id };
}

export interface CustomerSummary {
  id: number;
  customer_id: string;
  name: string | null;
  email: string | null;
  attributes: Record<string, string>;
  handles: { source: string; handle: string }[];
  created_at: string;
  updated_at: string;
}

const CUSTOMER_SELECT = `
  SELECT c.id, c.customer_id, c.name, c.email, c.attributes, c.created_at, c.updated_at,
    coalesce((SELECT json_agg(json_build_object('source', h.source, 'handle', h.handle) ORDER BY h.source, h.handle)
              FROM customer_handles h WHERE h.customer_ref = c.id), '[]') AS handles
  FROM customers c`;

export async function listCustomers(
  db: Queryable,
  f: { q?: string; cursor?: string; limit: number },
): Promise<Page<CustomerSummary>> {
  const where = new Where()
    .add('c.id < ?', decodeCursor(f.cursor))
    .add("concat_ws(' ', c.customer_id, c.name, c.email) ILIKE '%' || ? || '%'", f.q);
  const { rows } = await db.query<CustomerSummary>(
    `${CUSTOMER_SELECT} ${where} ORDER BY c.id DESC LIMIT ${where.param(f.limit + 1)}`,
    where.params,
  );
  return toPage(rows, f.limit);
}

export interface CustomerView extends CustomerSummary {
  authors: { id: number; source: string; handle: string; name: string | null; link_origin: string | null }[];
  cases: {
    id: number;
    status: string;
    priority: string;
    category: string;
    source: string;
    subject: string;
    opened_at: string;
    resolved_at: string | null;
  }[];
  mentions: {
    id: number;
    source: string;
    external_id: string;
    text: string;
    created_at: string;
    sentiment: string | null;
    case_id: number | null;
  }[];
  outreach: {
    id: number;
    cluster_id: number;
    kind: string;
    status: string;
    score: number | null;
    reason: string | null;
    updated_at: string;
  }[];
}

export async function getCustomerView(db: Queryable, customerId: string): Promise<CustomerView | null> {
  const { rows } = await db.query<CustomerSummary>(`${CUSTOMER_SELECT} WHERE c.customer_id = $1`, [customerId]);
  const customer = rows[0];
  if (!customer) return null;
  const [authors, cases, mentions, outreach] = await Promise.all([
    db.query<CustomerView['authors'][number]>(
      'SELECT id, source, handle, name, link_origin FROM authors WHERE customer_ref = $1 ORDER BY id',
      [customer.id],
    ),
    db.query<CustomerView['cases'][number]>(
      'SELECT id, status, priority, category, source, subject, opened_at, resolved_at FROM cases WHERE customer_ref = $1 ORDER BY id DESC LIMIT 500',
      [customer.id],
    ),
    db.query<CustomerView['mentions'][number]>(
      `SELECT m.id, m.source, m.external_id, m.text, m.created_at, m.sentiment, m.case_id
       FROM mentions m JOIN authors a ON a.id = m.author_id WHERE a.customer_ref = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 500`,
      [customer.id],
    ),
    db.query<CustomerView['outreach'][number]>(
      'SELECT id, cluster_id, kind, status, score, reason, updated_at FROM outreach WHERE customer_ref = $1 ORDER BY id DESC',
      [customer.id],
    ),
  ]);
  return { ...customer, authors: authors.rows, cases: cases.rows, mentions: mentions.rows, outreach: outreach.rows };
}
