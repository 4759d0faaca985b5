/** What the API shows of clusters (alerts live in src/crisis/alerts.ts). */
import type { Queryable } from '../storage/db.ts';
import { clusterProfile, type AtRisk, type ProfileLine } from './profile.ts';

export const CLUSTER_STATUSES = ['new', 'confirmed', 'fixed', 'dismissed'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

export interface ClusterSummaryView {
  id: number;
  name: string | null;
  label: string[];
  status: ClusterStatus;
  size: number;
  /** Mentions within the 24 h before last_seen. */
  recent: number;
  /** recent / (size - recent): how much the cluster grew in its last day (size when it is all new). */
  growth: number;
  complainants: number;
  first_seen: string | null;
  last_seen: string | null;
  profile_headline: string | null;
  solution: string | null;
}

export interface ClusterDetailView extends ClusterSummaryView {
  trend: Array<{ day: string; count: number }>;
  channels: Record<string, number>;
  representatives: Array<{ id: number; text: string; source: string; author: string; created_at: string }>;
  cases: Array<{ id: number; status: string; priority: string; subject: string; opened_at: string }>;
  profile: ProfileLine[];
  at_risk: AtRisk[];
  at_risk_total: number;
  campaigns: number;
}

const SUMMARY_SQL = `
  SELECT c.id, c.name, c.label, c.status, c.size, c.complainants, c.first_seen, c.last_seen, c.profile_text, c.solution,
         (SELECT count(*) FROM mentions m WHERE m.cluster_id = c.id AND m.created_at > c.last_seen - interval '24 hours') AS recent
    FROM clusters c`;

interface SummaryRow {
  id: number;
  name: string | null;
  label: string[];
  status: ClusterStatus;
  size: number;
  complainants: number;
  first_seen: Date | null;
  last_seen: Date | null;
  profile_text: string | null;
  solution: string | null;
  recent: string;
}

function toSummary(r: SummaryRow): ClusterSummaryView {
  const recent = Number(r.recent);
  const before = r.size - recent;
  return {
    id: r.id,
    name: r.name,
    label: r.label,
    status: r.status,
    size: r.size,
    recent,
    growth: before > 0 ? Math.round((recent / before) * 100) / 100 : recent,
    complainants: r.complainants,
    first_seen: r.first_seen?.toISOString() ?? null,
    last_seen: r.last_seen?.toISOString() ?? null,
    profile_headline: r.profile_text,
    solution: r.solution,
  };
}

export async function listClusters(
  db: Queryable,
  f: { status?: ClusterStatus; sort: 'size' | 'growth' | 'recent'; limit: number; minSize: number },
): Promise<ClusterSummaryView[]> {
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY_SQL} WHERE c.merged_into IS NULL AND c.size >= $1 AND ($2::text IS NULL OR c.status = $2) ORDER BY c.size DESC, c.id LIMIT 1000`,
    [f.minSize, f.status ?? null],
  );
  const items = rows.map(toSummary);
  if (f.sort === 'growth') items.sort((a, b) => b.growth - a.growth || b.size - a.size);
  if (f.sort === 'recent') items.sort((a, b) => (b.last_seen ?? '').localeCompare(a.last_seen ?? ''));
  return items.slice(0, f.limit);
}

interface RepresentativeRow {
  id: number;
  text: string;
  source: string;
  handle: string;
  created_at: Date;
}

const REPRESENTATIVE_SELECT = `SELECT m.id, m.text, m.source, a.handle, m.created_at
  FROM mentions m JOIN authors a ON a.id = m.author_id`;

/**
 * Five mentions that show what a cluster is about: its stored representatives first (oldest first),
 * then its oldest other members. Two short index walks merged here rather than one ORDER BY over
 * every member (a cluster of 37k members took 640 ms to order them all for five).
 */
async function representativeMentions(db: Queryable, id: number, chosen: number[]): Promise<RepresentativeRow[]> {
  const want = 5;
  const first =
    chosen.length === 0
      ? []
      : (
          await db.query<RepresentativeRow>(
            `${REPRESENTATIVE_SELECT} WHERE m.id = ANY($2::bigint[]) AND m.cluster_id = $1
             ORDER BY m.created_at, m.id LIMIT ${want}`,
            [id, chosen],
          )
        ).rows;
  if (first.length >= want) return first;
  const taken = new Set(first.map((m) => Number(m.id)));
  // The oldest members along mentions_cluster (cluster_id, created_at); enough to skip the ones taken.
  const { rows: oldest } = await db.query<RepresentativeRow>(
    `${REPRESENTATIVE_SELECT} WHERE m.cluster_id = $1 ORDER BY m.created_at, m.id LIMIT $2`,
    [id, want + first.length],
  );
  return [...first, ...oldest.filter((m) => !taken.has(Number(m.id)))].slice(0, want);
}

export async function clusterDetail(db: Queryable, id: number, atRiskLimit: number): Promise<ClusterDetailView | null> {
  const { rows } = await db.query<
    SummaryRow & { daily: Record<string, number>; channels: Record<string, number>; representatives: number[] }
  >(`${SUMMARY_SQL.replace('c.solution,', 'c.solution, c.daily, c.channels, c.representatives,')} WHERE c.id = $1`, [
    id,
  ]);
  const r = rows[0];
  if (!r) return null;
  const reps = await representativeMentions(db, id, r.representatives);
  const cases = await db.query<{ id: number; status: string; priority: string; subject: string; opened_at: Date }>(
    'SELECT id, status, priority, subject, opened_at FROM cases WHERE cluster_id = $1 ORDER BY opened_at DESC LIMIT 100',
    [id],
  );
  const campaigns = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM outreach_campaigns WHERE cluster_id = $1',
    [id],
  );
  const p = await clusterProfile(db, id);
  return {
    ...toSummary(r),
    trend: Object.entries(r.daily)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, count]) => ({ day, count })),
    channels: r.channels,
    representatives: reps.map((m) => ({
      id: m.id,
      text: m.text,
      source: m.source,
      author: m.handle,
      created_at: m.created_at.toISOString(),
    })),
    cases: cases.rows.map((c) => ({
      id: c.id,
      status: c.status,
      priority: c.priority,
      subject: c.subject,
      opened_at: c.opened_at.toISOString(),
    })),
    profile: p.profile,
    at_risk: p.at_risk.slice(0, atRiskLimit),
    at_risk_total: p.at_risk.length,
    campaigns: Number(campaigns.rows[0]?.n ?? 0),
  };
}
