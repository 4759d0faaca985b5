/**
 * A cluster's profile and at-risk list over the database: the customer base is read from `customers`
 * (attributes jsonb) and indexed once per change of the table, complainants are the customers linked
 * to the authors of the cluster's mentions. The analysis itself is src/analysis/profile/.
 */
import type { Queryable } from '../storage/db.ts';
import {
  buildCustomerBase,
  profileComplainants,
  rankAtRisk,
  toReportItem,
  type CustomerBase,
  type ProfileItem,
  type ReportAtRisk,
  type ReportProfileItem,
} from '../analysis/profile/index.ts';

/** The same lines and at-risk entries as `earshot outreach` reports, so the API and the CLI agree. */
export type ProfileLine = ReportProfileItem;
export type AtRisk = ReportAtRisk;

export interface ClusterProfile {
  complainants: string[];
  profile: ProfileLine[];
  at_risk: AtRisk[];
}

let cached: { key: string; base: CustomerBase } | null = null;

/** The indexed base; rebuilt only when customers were added or changed since the last call. */
export async function customerBase(db: Queryable): Promise<CustomerBase> {
  const { rows } = await db.query<{ n: string; at: Date | null }>(
    'SELECT count(*) AS n, max(updated_at) AS at FROM customers',
  );
  const key = `${rows[0]?.n}/${rows[0]?.at?.toISOString() ?? ''}`;
  if (cached?.key === key) return cached.base;
  const all = await db.query<{ customer_id: string; attributes: Record<string, unknown> }>(
    'SELECT customer_id, attributes FROM customers ORDER BY id',
  );
  const records = all.rows.map((r) => {
    const rec: Record<string, string> = { customer_id: r.customer_id };
    for (const [k, v] of Object.entries(r.attributes ?? {}))
      if (v !== null && typeof v !== 'object') rec[k] = String(v);
    return rec;
  });
  const base = buildCustomerBase(records);
  cached = { key, base };
  return base;
}

/** customer_id of every customer who posted a mention now in the cluster. */
export async function complainantIds(db: Queryable, clusterId: number): Promise<string[]> {
  const { rows } = await db.query<{ customer_id: string }>(
    `SELECT DISTINCT c.customer_id FROM mentions m JOIN authors a ON a.id = m.author_id JOIN customers c ON c.id = a.customer_ref
      WHERE m.cluster_id = $1`,
    [clusterId],
  );
  return rows.map((r) => r.customer_id);
}

/** complainantIds of several clusters in one query (clusters without any are absent). */
export async function complainantsOf(db: Queryable, clusterIds: readonly number[]): Promise<Map<number, string[]>> {
  if (clusterIds.length === 0) return new Map();
  const { rows } = await db.query<{ cluster_id: number; ids: string[] }>(
    `SELECT m.cluster_id, array_agg(DISTINCT c.customer_id) AS ids
       FROM mentions m JOIN authors a ON a.id = m.author_id JOIN customers c ON c.id = a.customer_ref
      WHERE m.cluster_id = ANY($1::bigint[]) GROUP BY m.cluster_id`,
    [clusterIds],
  );
  return new Map(rows.map((r) => [r.cluster_id, r.ids]));
}

/** The profile of a cluster whose complainants are known (see clusterProfile). */
export function profileOf(
  base: CustomerBase,
  complainants: string[],
  atRiskLimit = Infinity,
): ClusterProfile & { items: ProfileItem[] } {
  const idx = complainants.map((id) => base.indexOfId.get(id)).filter((i): i is number => i !== undefined);
  const items = profileComplainants(base, idx);
  return {
    complainants,
    items,
    profile: items.map(toReportItem),
    at_risk: rankAtRisk(base, items, idx, { limit: atRiskLimit }),
  };
}

export async function clusterProfile(
  db: Queryable,
  clusterId: number,
  atRiskLimit = Infinity,
): Promise<ClusterProfile & { items: ProfileItem[] }> {
  const base = await customerBase(db);
  return profileOf(base, await complainantIds(db, clusterId), atRiskLimit);
}
