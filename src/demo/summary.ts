/** What `earshot demo` prints when the world has gone through the pipeline. */
import type { Db } from '../storage/db.ts';
import { clusterProfile } from '../clusters/profile.ts';

export interface DemoSummary {
  mentions: number;
  negative: number;
  cases: { total: number; byCategory: Record<string, number>; byPriority: Record<string, number> };
  clusters: Array<{
    id: number;
    label: string[];
    size: number;
    complainants: number;
    profile: string | null;
    atRisk: number;
  }>;
  alerts: Array<{ cluster_id: number | null; message: string }>;
}

export async function demoSummary(db: Db, maxClusters = 8): Promise<DemoSummary> {
  const n = async (sql: string): Promise<number> => Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  const groups = async (col: 'category' | 'priority'): Promise<Record<string, number>> =>
    Object.fromEntries(
      (
        await db.query<{ k: string; n: string }>(
          `SELECT ${col} AS k, count(*) AS n FROM cases GROUP BY 1 ORDER BY 2 DESC`,
        )
      ).rows.map((r) => [r.k, Number(r.n)]),
    );
  const rows = await db.query<{
    id: string;
    label: string[];
    size: number;
    complainants: number;
    profile_text: string | null;
  }>(
    // Clusters whose complainants share a profile are the story (a root cause with customers at risk): first.
    `SELECT id, label, size, complainants, profile_text FROM clusters
      WHERE merged_into IS NULL AND size > 0 ORDER BY (profile_text IS NULL), size DESC, id LIMIT $1`,
    [maxClusters],
  );
  const clusters: DemoSummary['clusters'] = [];
  for (const r of rows.rows) {
    const p = await clusterProfile(db, Number(r.id));
    clusters.push({
      id: Number(r.id),
      label: r.label,
      size: r.size,
      complainants: r.complainants,
      profile: r.profile_text,
      atRisk: p.at_risk.length,
    });
  }
  const alerts = await db.query<{ cluster_id: string | null; message: string }>(
    'SELECT cluster_id, message FROM alerts ORDER BY id',
  );
  return {
    mentions: await n('SELECT count(*) AS n FROM mentions'),
    negative: await n(`SELECT count(*) AS n FROM mentions WHERE sentiment = 'negative'`),
    cases: {
      total: await n('SELECT count(*) AS n FROM cases'),
      byCategory: await groups('category'),
      byPriority: await groups('priority'),
    },
    clusters,
    alerts: alerts.rows.map((a) => ({ cluster_id: a.cluster_id ? Number(a.cluster_id) : null, message: a.message })),
  };
}

export function formatSummary(s: DemoSummary): string {
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const lines = [
    `mentions: ${s.mentions} (${s.negative} negative)`,
    `cases: ${s.cases.total} — by category: ${kv(s.cases.byCategory)}; by priority: ${kv(s.cases.byPriority)}`,
    s.clusters.length === 0
      ? 'clusters: none'
      : `clusters (${s.clusters.length} shown; those whose complainants share a profile first):`,
    ...s.clusters.map(
      (c) =>
        `  #${c.id} [${c.label.slice(0, 4).join(', ')}] ${c.size} mentions, ${c.complainants} customers — ` +
        `${c.profile ?? 'no distinctive profile'}; at risk: ${c.atRisk}`,
    ),
    `alerts: ${s.alerts.length}`,
    ...s.alerts.map((a) => `  ${a.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
