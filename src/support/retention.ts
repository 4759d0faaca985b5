/**
 * Retention of customers who complained, and time to productivity of new agents. Pure.
 * - A complainant is a customer with a case opened in [from, to). Retained: not churned by `to`.
 *   Split by what support did: answered (a first response on one of those cases), answered within
 *   the SLA (no first-response breach), contacted proactively before complaining (an outreach message
 *   reached them before their first case in the range), and none of these.
 * - Time to productivity: from an agent's first resolved case, the days until the median handling
 *   time (business minutes, opened → resolved) of their last `window` resolved cases first reaches the
 *   median of their team over the range.
 */
import { summarize } from './metrics.ts';

export interface ComplainantRow {
  customer_ref: number;
  churned_at: Date | null;
  answered: boolean;
  answered_within_sla: boolean;
  proactive_before: boolean;
}

export interface RetentionGroup {
  customers: number;
  retained: number;
  retained_pct: number | null;
}

export interface Retention {
  complainants: RetentionGroup;
  answered: RetentionGroup;
  answered_within_sla: RetentionGroup;
  contacted_proactively_before: RetentionGroup;
  not_answered: RetentionGroup;
}

const group = (rows: readonly ComplainantRow[], to: Date): RetentionGroup => {
  const retained = rows.filter((r) => r.churned_at === null || r.churned_at >= to).length;
  return {
    customers: rows.length,
    retained,
    retained_pct: rows.length ? Math.round((1000 * retained) / rows.length) / 10 : null,
  };
};

export function retention(rows: readonly ComplainantRow[], to: Date): Retention {
  return {
    complainants: group(rows, to),
    answered: group(
      rows.filter((r) => r.answered),
      to,
    ),
    answered_within_sla: group(
      rows.filter((r) => r.answered_within_sla),
      to,
    ),
    contacted_proactively_before: group(
      rows.filter((r) => r.proactive_before),
      to,
    ),
    not_answered: group(
      rows.filter((r) => !r.answered),
      to,
    ),
  };
}

export interface HandledCase {
  assignee: string;
  team: string | null;
  resolved_at: Date;
  /** Business minutes from opened to resolved. */
  minutes: number;
}

export interface Ramp {
  agent: string;
  team: string | null;
  first_resolved_at: string;
  team_median_minutes: number | null;
  /** When their rolling median first reached the team's; null: not yet. */
  reached_at: string | null;
  days: number | null;
  cases_to_reach: number | null;
}

export function timeToProductivity(
  cases: readonly HandledCase[],
  teamMedian: ReadonlyMap<string, number>,
  window = 10,
): Ramp[] {
  const byAgent = new Map<string, HandledCase[]>();
  for (const c of cases) byAgent.set(c.assignee, [...(byAgent.get(c.assignee) ?? []), c]);
  const out: Ramp[] = [];
  for (const [agent, list] of byAgent) {
    const sorted = [...list].sort((a, b) => a.resolved_at.getTime() - b.resolved_at.getTime());
    const first = sorted[0]!;
    const team = sorted.at(-1)?.team ?? null;
    const target = teamMedian.get(team ?? '(unassigned)') ?? null;
    let reached: HandledCase | null = null;
    let count: number | null = null;
    if (target !== null) {
      const need = Math.min(window, 3);
      for (let i = need - 1; i < sorted.length; i++) {
        const median =
          summarize(sorted.slice(Math.max(0, i + 1 - window), i + 1).map((c) => c.minutes)).median ?? Infinity;
        if (median <= target) {
          reached = sorted[i]!;
          count = i + 1;
          break;
        }
      }
    }
    out.push({
      agent,
      team,
      first_resolved_at: first.resolved_at.toISOString(),
      team_median_minutes: target,
      reached_at: reached?.resolved_at.toISOString() ?? null,
      days: reached
        ? Math.round(((reached.resolved_at.getTime() - first.resolved_at.getTime()) / 86_400_000) * 10) / 10
        : null,
      cases_to_reach: count,
    });
  }
  return out.sort((a, b) => a.agent.localeCompare(b.agent));
}
