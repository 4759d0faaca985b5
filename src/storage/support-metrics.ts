/** The case rows support metrics are computed from (src/support/metrics.ts does the arithmetic). */
import type { Queryable } from './db.ts';
import type { MetricCase } from '../support/metrics.ts';

/**
 * Cases that touch [from, to): opened before `to` and not resolved before `from`. Merged cases are
 * left out (their mentions count on the case they joined). A case's team is its assignee's team
 * when the assignee is a user, else its queue.
 */
export async function metricCases(db: Queryable, from: Date, to: Date): Promise<MetricCase[]> {
  const { rows } = await db.query<Omit<MetricCase, 'replies'> & { replies: string }>(
    `SELECT c.id::int AS id, c.priority, c.assignee, coalesce(u.team, c.queue) AS team, c.opened_at, c.first_response_at, c.resolved_at, c.reopen_count,
       (SELECT count(*) FROM replies r WHERE r.case_id = c.id AND r.status IN ('sent', 'dry_run')) AS replies,
       c.category, c.cluster_id::int AS cluster_id,
       (SELECT s.rating FROM surveys s WHERE s.case_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1) AS csat
     FROM cases c LEFT JOIN users u ON u.email = lower(c.assignee)
     WHERE c.merged_into IS NULL AND c.opened_at < $2 AND (c.resolved_at IS NULL OR c.resolved_at >= $1)`,
    [from, to],
  );
  return rows.map((r) => ({ ...r, replies: Number(r.replies) }));
}
