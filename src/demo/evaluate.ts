/**
 * Scores an outreach report against a generated world's ground truth: for each planted cause, the
 * reported cluster sharing most complainants with it, the precision of its at-risk list at K (K =
 * affected customers who did not complain), and where the planted pair ranks in its profile.
 */
import type { World } from './world.ts';
import type { OutreachReport } from '../analysis/profile/report.ts';

export interface CauseScore {
  cause: string;
  conjunction: string;
  cluster: string | null;
  k: number;
  precisionAtK: number;
  /** 1-based rank of the planted conjunction in the profile, or null when absent. */
  pairRank: number | null;
  /** Share of the cause's complainants held by that best cluster (1 = one cause, one cluster). */
  bestShare: number;
  topProfile: string | null;
}

export function scoreWorld(world: World, report: OutreachReport): CauseScore[] {
  return world.truth.causes.map((cause) => {
    const complained = new Set(cause.complained);
    let best: OutreachReport['clusters'][number] | undefined;
    let bestOverlap = 0;
    for (const c of report.clusters) {
      const overlap = c.complainants.filter((id) => complained.has(id)).length;
      if (overlap > bestOverlap) {
        best = c;
        bestOverlap = overlap;
      }
    }
    const affected = new Set(cause.affected);
    const linked = new Set(best?.complainants ?? []);
    const targets = cause.affected.filter((id) => !complained.has(id) && !linked.has(id));
    const k = targets.length;
    const top = (best?.at_risk ?? []).slice(0, k);
    const hits = top.filter((a) => affected.has(a.customer_id) && !complained.has(a.customer_id)).length;
    const cols = Object.keys(cause.conjunction);
    const rank = best?.profile.findIndex((p) => {
      const ac = p.attribute.split('+');
      // Values may hold '+' themselves ("tv+broadband"), so compare the joined strings, in the item's column order.
      return (
        ac.length === cols.length &&
        cols.every((c) => ac.includes(c)) &&
        p.value === ac.map((c) => cause.conjunction[c]).join('+')
      );
    });
    return {
      cause: cause.id,
      conjunction: cols.map((c) => `${c}=${cause.conjunction[c] as string}`).join(' & '),
      cluster: best?.cluster ?? null,
      k,
      precisionAtK: k === 0 ? 1 : hits / k,
      pairRank: rank === undefined || rank < 0 ? null : rank + 1,
      bestShare: complained.size === 0 ? 1 : bestOverlap / complained.size,
      topProfile: best?.profile[0] ? `${best.profile[0].attribute}=${best.profile[0].value}` : null,
    };
  });
}

/**
 * Clusters that would start a campaign for nobody: at least `minListed` customers on the at-risk
 * list, and fewer than half of them affected by any planted cause.
 */
export function falseAlarms(world: World, report: OutreachReport, minListed = 50): string[] {
  const affected = new Set(world.truth.causes.flatMap((c) => c.affected));
  return report.clusters
    .filter(
      (c) =>
        c.at_risk.length >= minListed &&
        c.at_risk.filter((a) => affected.has(a.customer_id)).length < c.at_risk.length / 2,
    )
    .map((c) => c.cluster);
}
