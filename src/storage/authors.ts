import type { Queryable } from './db.ts';
import { sourceKey } from '../domain/mention.ts';

export interface AuthorRow {
  id: number;
  source: string;
  handle: string;
  customer_ref: number | null;
}

/**
 * Upserts the authors of a batch; a new author whose handle a customer has is linked to that
 * customer on the way in (link_origin 'handle').
 */
export async function upsertAuthors(
  db: Queryable,
  authors: { source: string; handle: string; name: string | null; followers: number | null }[],
): Promise<Map<string, AuthorRow>> {
  // One row per author: a batch may hold several posts of one author, not all carrying name or followers.
  const unique = new Map<string, (typeof authors)[number]>();
  for (const a of authors) {
    const key = sourceKey(a.source, a.handle);
    const seen = unique.get(key);
    unique.set(key, seen ? { ...a, name: a.name ?? seen.name, followers: a.followers ?? seen.followers } : a);
  }
  const list = [...unique.values()];
  const { rows } = await db.query<AuthorRow & { id: number; customer_ref: number | null }>(
    `INSERT INTO authors (source, handle, name, followers, customer_ref, link_origin)
     SELECT a.source, a.handle, a.name, a.followers, h.customer_ref, CASE WHEN h.customer_ref IS NULL THEN NULL ELSE 'handle' END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS a(source, handle, name, followers)
     LEFT JOIN LATERAL (
       SELECT customer_ref FROM customer_handles ch
       WHERE ch.handle = a.handle AND ch.source IN (a.source, '*') ORDER BY ch.source = '*' LIMIT 1
     ) h ON true
     ON CONFLICT (source, handle) DO UPDATE SET
       name = coalesce(excluded.name, authors.name),
       followers = coalesce(excluded.followers, authors.followers),
       customer_ref = coalesce(authors.customer_ref, excluded.customer_ref),
       link_origin = coalesce(authors.link_origin, excluded.link_origin),
       updated_at = now()
     RETURNING id, source, handle, customer_ref`,
    [list.map((a) => a.source), list.map((a) => a.handle), list.map((a) => a.name), list.map((a) => a.followers)],
  );
  return new Map(rows.map((r) => [sourceKey(r.source, r.handle), { ...r, id: r.id, customer_ref: r.customer_ref }]));
}

/** Attribute maps of the given customers, for triage (customer value raises priority). */
export async function customerAttributes(db: Queryable, refs: number[]): Promise<Map<number, Record<string, string>>> {
  if (refs.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; attributes: Record<string, string> }>(
    'SELECT id, attributes FROM customers WHERE id = ANY($1::bigint[])',
    [refs],
  );
  return new Map(rows.map((r) => [r.id, r.attributes]));
}
