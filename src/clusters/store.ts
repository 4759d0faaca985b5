/**
 * Cluster rows and their upkeep: sizes, days and channels recomputed from the mentions (so manual
 * merges and splits stay true), merges by pointer, and the advisory lock every writer takes.
 */
import type { Queryable } from '../storage/db.ts';

const CLUSTERS_LOCK_KEY = "hashtext(current_schema() || '/earshot-clusters')";

/**
 * One writer at a time for everything that moves mentions between clusters: the engine's stage in
 * any worker process and the API's merge/split. Per schema, so tests sharing a server do not collide.
 */
export async function lockClusters(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${CLUSTERS_LOCK_KEY})`);
}

/**
 * The same lock without waiting: false when another run holds it. The pipeline's cluster jobs use it,
 * so with several workers they do not each hold a worker slot and a connection waiting for the one run
 * that is placing everything anyway (4 workers spent 2-7 sessions waiting here).
 */
export async function tryLockClusters(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${CLUSTERS_LOCK_KEY}) AS ok`);
  return rows[0]?.ok === true;
}

/** Follows merged_into pointers to the cluster that now holds the members. */
export async function resolveCluster(tx: Queryable, id: number): Promise<number> {
  let at = id;
  for (let hops = 0; hops < 50; hops++) {
    const { rows } = await tx.query<{ merged_into: number | null }>('SELECT merged_into FROM clusters WHERE id = $1', [
      at,
    ]);
    const next = rows[0]?.merged_into;
    if (!next) return at;
    at = Number(next);
  }
  return at;
}

/** Moves mentions to a cluster; returns the clusters they left. Pinned mentions move only when `pin`. */
export async function moveMentions(
  tx: Queryable,
  mentionIds: readonly number[],
  to: number,
  opts: { pin?: boolean } = {},
): Promise<number[]> {
  if (mentionIds.length === 0) return [];
  const { rows } = await tx.query<{ old: number | null }>(
    `WITH old AS (SELECT id, cluster_id FROM mentions
                   WHERE id = ANY($1::bigint[]) AND cluster_id IS DISTINCT FROM $2 ${opts.pin ? '' : 'AND NOT cluster_pinned'}
                   FOR UPDATE)
     UPDATE mentions m SET cluster_id = $2, cluster_pinned = m.cluster_pinned OR $3
       FROM old WHERE m.id = old.id RETURNING old.cluster_id AS old`,
    [mentionIds, to, opts.pin ?? false],
  );
  await tx.query(
    `UPDATE cases c SET cluster_id = $2, updated_at = now() WHERE c.id IN (SELECT case_id FROM mentions WHERE id = ANY($1::bigint[]) AND case_id IS NOT NULL)
       AND c.cluster_id IS DISTINCT FROM $2`,
    [mentionIds, to],
  );
  return [...new Set(rows.flatMap((r) => (r.old ? [r.old] : [])))];
}

/** Recomputes size, first/last seen, per-day counts and channels from the cluster's mentions. */
export async function refreshCluster(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    `WITH m AS (SELECT created_at, source FROM mentions WHERE cluster_id = $1),
          d AS (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n FROM m GROUP BY 1),
          s AS (SELECT source, count(*) AS n FROM m GROUP BY 1)
     UPDATE clusters SET size = (SELECT count(*) FROM m), first_seen = (SELECT min(created_at) FROM m), last_seen = (SELECT max(created_at) FROM m),
       daily = COALESCE((SELECT jsonb_object_agg(day, n) FROM d), '{}'), channels = COALESCE((SELECT jsonb_object_agg(source, n) FROM s), '{}'),
       updated_at = now()
     WHERE id = $1`,
    [id],
  );
}

/** Merges `from` into `into`: members move, `from` keeps a pointer so the engine's later members follow. */
export async function mergeInto(tx: Queryable, into: number, from: number): Promise<void> {
  const { rows } = await tx.query<{ id: number }>('SELECT id FROM mentions WHERE cluster_id = $1', [from]);
  await moveMentions(
    tx,
    rows.map((r) => r.id),
    into,
    { pin: true },
  );
  await tx.query('UPDATE clusters SET merged_into = $2, size = 0, updated_at = now() WHERE id = $1', [from, into]);
  await refreshCluster(tx, into);
}

/** Mentions the cluster stage has yet to place (the same selection as its run in stage.ts). */
export async function unclusteredCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM mentions WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL`,
  );
  return Number(rows[0]?.n ?? 0);
}
