/**
 * The outreach report: negative, actionable mentions → root-cause clusters → each cluster's
 * complainants linked to customers by handle → profile → ranked at-risk customers. Pure: the
 * caller supplies the customer base and the actionability test (the sentiment model in the CLI).
 */
import { createClusterer, type ClustererOptions } from '../cluster/index.ts';
import { customerByHandle, type CustomerBase } from './base.ts';
import { profileComplainants, rankAtRisk, type ProfileItem, type ProfileOptions } from './profile.ts';
import { consolidateByProfile, type ConsolidateOptions } from './consolidate.ts';

export interface OutreachMention {
  id: string;
  text: string;
  author?: { handle?: string };
  source?: string;
  created_at?: string;
}

export interface ReportProfileItem {
  attribute: string;
  value: string;
  lift: number;
  support: number;
  precision: number;
  count: number;
  base_rate: number;
  p_value: number;
  text: string;
}

export interface ReportCluster {
  cluster: string;
  label: string[];
  size: number;
  mentions: string[];
  complainants: string[];
  /** False when no profile item is significant: "no shared profile", so no at-risk list either. */
  shared_profile: boolean;
  profile: ReportProfileItem[];
  at_risk: ReportAtRisk[];
}

export interface ReportAtRisk {
  customer_id: string;
  score: number;
  reason: string;
}

export interface OutreachReport {
  clusters: ReportCluster[];
  stats: { mentions: number; actionable: number; clustered: number; linked_authors: number };
}

export interface OutreachOptions {
  /** True for the mentions worth clustering (negative and actionable). */
  isActionable: (m: OutreachMention) => boolean;
  clusterer?: Partial<ClustererOptions>;
  profile?: Partial<ProfileOptions>;
  consolidate?: Partial<ConsolidateOptions>;
  /** Mentions not read as negative join an established cluster at this cosine or above (default 0.4, chosen on the tuning worlds; Infinity: never). */
  closeMatch?: number;
  /** Seeds below the cluster size join the nearest cluster at this centroid cosine (see adoptStragglers); undefined, the default, leaves them out. */
  stragglerFloor?: number;
  atRiskLimit?: number;
}

export function buildOutreachReport(
  base: CustomerBase,
  mentions: readonly OutreachMention[],
  opts: OutreachOptions,
): OutreachReport {
  const clusterer = createClusterer(opts.clusterer);
  const authorOf = new Map<string, number | undefined>();
  let actionable = 0;
  const linked = new Set<number>();
  for (const m of mentions) {
    if (!opts.isActionable(m)) continue;
    actionable++;
    const who = m.author?.handle ? customerByHandle(base, m.author.handle) : undefined;
    authorOf.set(m.id, who);
    if (who !== undefined) linked.add(who);
    clusterer.add({ id: m.id, text: m.text, createdAt: m.created_at });
  }
  clusterer.consolidate();
  // Complaints the sentiment model misses ("my data stopped working, shows 5G but nothing loads" read
  // as neutral) still belong to the problem they describe: a mention not read as negative joins an
  // established cluster when its words match that cluster closely. Chatter matches none.
  const closeMatch = opts.closeMatch ?? 0.4;
  if (Number.isFinite(closeMatch)) {
    for (const m of mentions) {
      if (authorOf.has(m.id) || (clusterer.match(m.text)?.similarity ?? 0) < closeMatch) continue;
      const who = m.author?.handle ? customerByHandle(base, m.author.handle) : undefined;
      authorOf.set(m.id, who);
      if (who !== undefined) linked.add(who);
      clusterer.add({ id: m.id, text: m.text, createdAt: m.created_at });
    }
  }
  const complainantsOf = (memberIds: string[]): number[] => [
    ...new Set(memberIds.map((id) => authorOf.get(id)).filter((x): x is number => x !== undefined)),
  ];
  // Off by default here: on the tuning worlds adopting stragglers (at 0.1) pulled confusers into cause
  // clusters and cost precision@K (0.920 → 0.897).
  if (opts.stragglerFloor !== undefined) clusterer.adoptStragglers(opts.stragglerFloor);
  // Text clusters that are one root cause by who complains (see consolidate.ts) become one, so that
  // neither lists the other's complainants as at risk and the profile is learnt from all of them.
  consolidateByProfile(
    base,
    {
      ids: () => clusterer.clusters().map((c) => c.id),
      complainantsOf: (id) => complainantsOf(clusterer.cluster(id)?.memberIds ?? []),
      similarity: (a, b) => clusterer.similarity(a, b),
      merge: (into, from) => void clusterer.merge(into, from),
    },
    { ...opts.consolidate, profile: opts.profile },
  );
  let clustered = 0;
  const clusters: ReportCluster[] = clusterer.clusters().map((c) => {
    clustered += c.size;
    const complainants = complainantsOf(c.memberIds);
    const profile = profileComplainants(base, complainants, opts.profile);
    return {
      cluster: c.id,
      label: c.label,
      size: c.size,
      mentions: c.memberIds,
      complainants: complainants.map((i) => base.ids[i] as string),
      shared_profile: profile.length > 0,
      profile: profile.map(toReportItem),
      at_risk: rankAtRisk(base, profile, complainants, { limit: opts.atRiskLimit }),
    };
  });
  return { clusters, stats: { mentions: mentions.length, actionable, clustered, linked_authors: linked.size } };
}

/** A profile item as reports and the API show it: rounded, snake_case. */
export function toReportItem(p: ProfileItem): ReportProfileItem {
  return {
    attribute: p.attribute,
    value: p.value,
    lift: round(p.lift, 2),
    support: round(p.support, 4),
    precision: round(p.precision, 4),
    count: p.count,
    base_rate: round(p.baseRate, 6),
    p_value: Number(p.adjustedP.toPrecision(3)),
    text: p.text,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
