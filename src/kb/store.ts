/** What the knowledge base reads and product changes: published clusters, their complaints, what must stay hidden. */
import type { Queryable } from '../storage/db.ts';
import type { ClusterStatus } from '../clusters/queries.ts';
import type { Redactions } from './anonymise.ts';
import { AppError } from '../domain/errors.ts';

export interface PublishedCluster {
  id: number;
  name: string | null;
  label: string[];
  status: ClusterStatus;
  solution: string;
  size: number;
  first_seen: Date | null;
  last_seen: Date | null;
  published_at: Date;
  updated_at: Date;
  representatives: number[];
}

const COLUMNS = `id, name, label, status, solution, size, first_seen, last_seen, published_at,
  greatest(published_at, coalesce(solution_updated_at, published_at)) AS updated_at, representatives`;

export async function publishedClusters(db: Queryable): Promise<PublishedCluster[]> {
  const { rows } = await db.query<PublishedCluster>(
    `SELECT ${COLUMNS} FROM clusters WHERE published_at IS NOT NULL AND merged_into IS NULL AND solution IS NOT NULL ORDER BY published_at DESC, id`,
  );
  return rows;
}

export type PublishedLookup = { kind: 'published'; cluster: PublishedCluster } | { kind: 'gone' } | { kind: 'none' };

export async function publishedCluster(db: Queryable, id: number): Promise<PublishedLookup> {
  const { rows } = await db.query<PublishedCluster & { live: boolean; was: boolean }>(
    `SELECT ${COLUMNS},
            (published_at IS NOT NULL AND merged_into IS NULL AND solution IS NOT NULL) AS live,
            (unpublished_at IS NOT NULL OR merged_into IS NOT NULL OR published_at IS NOT NULL) AS was
       FROM clusters WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return { kind: 'none' };
  if (r.live) return { kind: 'published', cluster: r };
  return r.was ? { kind: 'gone' } : { kind: 'none' };
}

/** The complaints behind a page: its representatives first, then the earliest. */
export async function complaintTexts(
  db: Queryable,
  clusterId: number,
  representatives: number[],
  limit = 20,
): Promise<string[]> {
  const { rows } = await db.query<{ text: string }>(
    `SELECT text FROM mentions WHERE cluster_id = $1 AND duplicate_of IS NULL AND removed_at IS NULL
      ORDER BY (id = ANY($2::bigint[])) DESC, created_at, id LIMIT $3`,
    [clusterId, representatives, limit],
  );
  return rows.map((r) => r.text);
}

/**
 * What must never appear on the cluster's page: the names of everyone who wrote in it (as authors
 * and as customers) and every attribute value that fewer than k customers hold.
 */
export async function redactionsFor(db: Queryable, clusterId: number, k: number): Promise<Redactions> {
  const names = await db.query<{ name: string }>(
    `SELECT DISTINCT n AS name FROM (
       SELECT a.name AS n FROM mentions m JOIN authors a ON a.id = m.author_id WHERE m.cluster_id = $1
       UNION ALL
       SELECT c.name FROM mentions m JOIN authors a ON a.id = m.author_id JOIN customers c ON c.id = a.customer_ref WHERE m.cluster_id = $1
     ) x WHERE n IS NOT NULL AND n <> ''`,
    [clusterId],
  );
  return { names: names.rows.map((r) => r.name), rareValues: await rareValues(db, k) };
}

/** Attribute values (any column) held by fewer than k customers, unless the same text is common elsewhere. */
export async function rareValues(db: Queryable, k: number): Promise<string[]> {
  const { rows } = await db.query<{ value: string }>(
    `WITH v AS (SELECT lower(e.value) AS value, count(*) AS n FROM customers c, jsonb_each_text(c.attributes) e GROUP BY e.key, lower(e.value))
     SELECT value FROM v GROUP BY value HAVING max(n) < $1`,
    [k],
  );
  return rows.map((r) => r.value);
}

/** Publishing needs a solution text; a merged-away cluster cannot be published (its target can). */
export async function publishCluster(db: Queryable, id: number): Promise<Date> {
  const { rows } = await db.query<{ solution: string | null; merged_into: number | null; published_at: Date | null }>(
    'SELECT solution, merged_into, published_at FROM clusters WHERE id = $1 FOR UPDATE',
    [id],
  );
  const r = rows[0];
  if (!r) throw new AppError('not_found', `no cluster ${id}`);
  if (r.merged_into)
    throw new AppError('conflict', `cluster ${id} was merged into cluster ${r.merged_into}: publish that one`);
  if (!r.solution?.trim())
    throw new AppError(
      'conflict',
      `cluster ${id} has no solution text: set one with POST /api/clusters/${id}/solution first`,
    );
  if (r.published_at) return r.published_at;
  const done = await db.query<{ published_at: Date }>(
    'UPDATE clusters SET published_at = now(), unpublished_at = NULL, updated_at = now() WHERE id = $1 RETURNING published_at',
    [id],
  );
  return done.rows[0]!.published_at;
}

export async function unpublishCluster(db: Queryable, id: number): Promise<void> {
  const r = await db.query(
    `UPDATE clusters SET unpublished_at = CASE WHEN published_at IS NULL THEN unpublished_at ELSE now() END,
                         published_at = NULL, updated_at = now()
      WHERE id = $1`,
    [id],
  );
  if ((r.rowCount ?? 0) === 0) throw new AppError('not_found', `no cluster ${id}`);
}

/** Is the case's cluster published? Its page id, for suggested replies. */
export async function publishedClusterOfCase(db: Queryable, caseId: number): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT cl.id FROM cases c JOIN clusters cl ON cl.id = c.cluster_id
      WHERE c.id = $1 AND cl.published_at IS NOT NULL AND cl.merged_into IS NULL AND cl.solution IS NOT NULL`,
    [caseId],
  );
  return rows[0]?.id ?? null;
}
