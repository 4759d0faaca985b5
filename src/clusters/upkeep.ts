/**
 * What follows a cluster's growth, in the stage's transaction: its profile headline, the merge of text
 * clusters that turn out to be one root cause, outreach rows of at-risk customers who complained
 * anyway, and the fast-growth alert.
 */
import type { Queryable } from '../storage/db.ts';
import { clusterProfile, complainantsOf, customerBase, profileOf, type ClusterProfile } from './profile.ts';
import { mergeInto, refreshCluster } from './store.ts';

export interface GrowthOptions {
  /** No alert below this many mentions. */
  minSize: number;
  /** Alert when the cluster at least doubled within this window (by the mentions' own time). */
  windowHours: number;
  /** At most one growth alert per cluster within this time. */
  cooldownHours: number;
}

/**
 * Returns how many alerts were raised. A run touches many clusters: their complainants, outreach rows
 * and growth figures are read in one query each instead of one per cluster (the per-cluster loop cost
 * more than placing the mentions did); the outcome is the one-cluster-at-a-time outcome.
 */
export async function afterGrowth(tx: Queryable, touched: readonly number[], growth: GrowthOptions): Promise<number> {
  const live = await refreshProfiles(tx, touched);
  await markComplainedAnyway(tx, live);
  return growthAlerts(tx, live, growth);
}

/**
 * refreshProfile over several clusters, in order; returns the clusters that live on. When no cluster
 * has a profile headline (no linked customers complained), there is nothing to merge by and one
 * statement writes them all; otherwise each goes in turn, since a merge changes what the next one sees.
 */
async function refreshProfiles(tx: Queryable, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const base = await customerBase(tx);
  const complainants = base.ids.length > 0 ? await complainantsOf(tx, ids) : new Map<number, string[]>();
  const profiles = ids.map((id) => profileOf(base, complainants.get(id) ?? [], 0));
  if (profiles.some((p) => p.profile[0])) {
    const live = new Set<number>();
    let merged = false;
    for (const [i, id] of ids.entries()) {
      // Until a merge moves members, the complainants read above are still true.
      const into = await refreshProfile(tx, id, { autoMerge: true }, merged ? undefined : profiles[i]);
      if (into !== id) merged = true;
      live.add(into);
    }
    return [...live];
  }
  await tx.query(
    `UPDATE clusters k SET profile_key = NULL, profile_text = NULL, complainants = v.n
       FROM unnest($1::bigint[], $2::int[]) AS v(id, n) WHERE k.id = v.id`,
    [ids, profiles.map((p) => p.complainants.length)],
  );
  return [...new Set(ids)];
}

/**
 * Updates the headline; when another new cluster already has the same strongest profile item, the two
 * are one cause told in different words (as `earshot outreach` does): the smaller goes into the larger,
 * so neither lists the other's complainants as at risk. Returns the cluster that lives on.
 */
export async function refreshProfile(
  tx: Queryable,
  id: number,
  opts: { autoMerge: boolean } = { autoMerge: true },
  known?: ClusterProfile,
): Promise<number> {
  const p = known ?? (await clusterProfile(tx, id, 0));
  const top = p.profile[0];
  const key = top ? `${top.attribute}=${top.value}` : null;
  await tx.query('UPDATE clusters SET profile_key = $2, profile_text = $3, complainants = $4 WHERE id = $1', [
    id,
    key,
    top?.text ?? null,
    p.complainants.length,
  ]);
  if (!key || !opts.autoMerge) return id;
  const { rows } = await tx.query<{ id: number; size: number; status: string }>(
    // Only the engine's own clusters: a cluster product split off by hand stays apart.
    `SELECT id, size, status FROM clusters WHERE profile_key = $1 AND engine_key IS NOT NULL AND merged_into IS NULL AND size > 0 ORDER BY size DESC, id`,
    [key],
  );
  const fresh = rows.filter((r) => r.status === 'new');
  if (fresh.length < 2 || !fresh.some((r) => r.id === id)) return id;
  const [into, ...rest] = fresh.map((r) => r.id) as [number, ...number[]];
  for (const from of rest) await mergeInto(tx, into, from);
  await refreshCluster(tx, into);
  return into;
}

/** An at-risk customer we reached out to who then complained in one of these clusters: 'complained'. */
async function markComplainedAnyway(tx: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE outreach o SET status = 'complained', updated_at = now()
      WHERE o.cluster_id = ANY($1::bigint[]) AND o.kind = 'at_risk' AND o.status IN ('queued', 'contacted', 'replied')
        AND EXISTS (SELECT 1 FROM mentions m JOIN authors a ON a.id = m.author_id
                     WHERE m.cluster_id = o.cluster_id AND a.customer_ref = o.customer_ref)`,
    [ids],
  );
}

/**
 * Raises 'cluster_growth' for each cluster that at least doubled within the window and is big enough.
 * The figures of all the clusters come in one query; the recent count only where it can matter.
 */
async function growthAlerts(tx: Queryable, ids: readonly number[], g: GrowthOptions): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await tx.query<{
    id: number;
    size: number;
    recent: string;
    label: string[];
    name: string | null;
  }>(
    `SELECT c.id, c.size, c.label, c.name,
            (SELECT count(*) FROM mentions m WHERE m.cluster_id = c.id AND m.created_at > c.last_seen - make_interval(hours => $2)) AS recent
       FROM clusters c WHERE c.id = ANY($1::bigint[]) AND c.merged_into IS NULL AND c.status <> 'dismissed' AND c.size >= $3`,
    [ids, g.windowHours, g.minSize],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let alerts = 0;
  for (const id of ids) {
    const c = byId.get(id);
    if (c && (await growthAlert(tx, id, c, g))) alerts++;
  }
  return alerts;
}

async function growthAlert(
  tx: Queryable,
  id: number,
  c: { size: number; recent: string; label: string[]; name: string | null },
  g: GrowthOptions,
): Promise<boolean> {
  const recent = Number(c.recent);
  // Doubled: at most half of today's size existed before the window.
  if (c.size - recent > c.size / 2) return false;
  const cooling = await tx.query(
    `SELECT 1 FROM alerts WHERE cluster_id = $1 AND kind = 'cluster_growth' AND created_at > now() - make_interval(hours => $2) LIMIT 1`,
    [id, g.cooldownHours],
  );
  if (cooling.rows.length > 0) return false;
  const name = c.name ?? c.label.slice(0, 3).join(', ');
  // A cluster grown from fire-drill mentions only raises a drill alert (removed with the drill).
  await tx.query(
    `INSERT INTO alerts (kind, cluster_id, severity, message, data, drill)
     VALUES ('cluster_growth', $1, $2, $3, $4, NOT EXISTS (SELECT 1 FROM mentions WHERE cluster_id = $1 AND NOT drill))`,
    [
      id,
      c.size >= g.minSize * 5 ? 3 : 2,
      `cluster "${name}" grew to ${c.size} mentions, ${recent} of them within ${g.windowHours} h`,
      JSON.stringify({ size: c.size, recent, window_hours: g.windowHours }),
    ],
  );
  return true;
}
