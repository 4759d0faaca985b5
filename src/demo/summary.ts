/** What `earshot demo` prints when the world has gone through the pipeline. */
import type { Db } from '../storage/db.ts';
import { totals } from '../storage/stats.ts';
import { clusterProfile } from '../clusters/profile.ts';
import { listClusters } from '../clusters/queries.ts';
import { listAlerts } from '../crisis/alerts.ts';

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
  const t = await totals(db);
  // Clusters whose complainants share a profile are the story (a root cause with customers at risk): first.
  const listed = await listClusters(db, { sort: 'size', limit: 1000, minSize: 1 });
  const story = listed
    .sort((a, b) => Number(a.profile_headline === null) - Number(b.profile_headline === null))
    .slice(0, maxClusters);
  const clusters: DemoSummary['clusters'] = [];
  for (const c of story) {
    const p = await clusterProfile(db, c.id);
    clusters.push({
      id: c.id,
      label: c.label,
      size: c.size,
      complainants: c.complainants,
      profile: c.profile_headline,
      atRisk: p.at_risk.length,
    });
  }
  const alerts = (await listAlerts(db, { limit: 10_000 })).reverse();
  return {
    mentions: t.mentions,
    negative: t.negative,
    cases: { total: t.cases, byCategory: t.casesByCategory, byPriority: t.casesByPriority },
    clusters,
    alerts: alerts.map((a) => ({ cluster_id: a.cluster_id, message: a.message })),
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
