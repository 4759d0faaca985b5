/**
 * Product's hand on clusters: merge, split, rename, status, solution. Marking a cluster fixed also closes
 * the outreach loop: that is src/outreach/closed-loop.ts, which calls updateClusterStatus here.
 */
import type { Queryable } from '../storage/db.ts';
import { lockClusters, mergeInto, moveMentions, refreshCluster } from './store.ts';
import { refreshProfile } from './upkeep.ts';
import type { ClusterStatus } from './queries.ts';
import { AppError } from '../domain/errors.ts';

async function live(tx: Queryable, id: number): Promise<void> {
  const { rows } = await tx.query<{ merged_into: number | null }>(
    'SELECT merged_into FROM clusters WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!rows[0]) throw new AppError('not_found', `no cluster ${id}`);
  if (rows[0].merged_into)
    throw new AppError('conflict', `cluster ${id} was merged into cluster ${rows[0].merged_into}`);
}

export async function mergeClusters(tx: Queryable, into: number, from: readonly number[]): Promise<void> {
  await lockClusters(tx);
  await live(tx, into);
  for (const f of from) {
    if (f === into) throw new AppError('invalid', 'body.from cannot contain the cluster itself');
    await live(tx, f);
    await mergeInto(tx, into, f);
  }
  await refreshProfile(tx, into, { autoMerge: false });
}

/** Moves the given mentions of cluster `id` into a new cluster; they stay there (pinned). */
export async function splitCluster(
  tx: Queryable,
  id: number,
  mentionIds: readonly number[],
  name: string | null,
): Promise<number> {
  await lockClusters(tx);
  await live(tx, id);
  const own = await tx.query<{ id: number }>(
    'SELECT id FROM mentions WHERE cluster_id = $1 AND id = ANY($2::bigint[])',
    [id, mentionIds],
  );
  if (own.rows.length !== new Set(mentionIds).size)
    throw new AppError('invalid', `body.mention_ids must all be mentions of cluster ${id}`);
  const { rows } = await tx.query<{ id: number; label: string[] }>(
    `INSERT INTO clusters (name, label, status) SELECT $2, label, 'new' FROM clusters WHERE id = $1 RETURNING id`,
    [id, name],
  );
  const created = rows[0]!.id;
  await moveMentions(tx, mentionIds, created, { pin: true });
  for (const c of [id, created]) {
    await refreshCluster(tx, c);
    await refreshProfile(tx, c, { autoMerge: false });
  }
  return created;
}

export async function renameCluster(tx: Queryable, id: number, name: string): Promise<void> {
  await live(tx, id);
  await tx.query('UPDATE clusters SET name = $2, updated_at = now() WHERE id = $1', [id, name]);
}

export async function setSolution(tx: Queryable, id: number, solution: string | null): Promise<void> {
  await live(tx, id);
  await tx.query('UPDATE clusters SET solution = $2, solution_updated_at = now(), updated_at = now() WHERE id = $1', [
    id,
    solution,
  ]);
}

/** The status alone; routes go through setClusterStatus (src/outreach/closed-loop.ts) so "fixed" notifies. */
export async function updateClusterStatus(tx: Queryable, id: number, status: ClusterStatus): Promise<void> {
  await live(tx, id);
  await tx.query('UPDATE clusters SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}
