/** The case rows support metrics are computed from (src/support/metrics.ts does the arithmetic). */
import type { Queryable } from '../storage/db.ts';
import type { MetricCase } from './metrics.ts';
import type { ComplainantRow } from './retention.ts';

/**
 * Cases that touch [from, to): opened before `to` and not resolved before `from`. Merged cases are
 * left out (their mentions count on the case they joined). A case's team is its assignee's team
 * when the assignee is a user, else its queue.
 */
export async function metricCases(db: Queryable, from: Date, to: Date): Promise<MetricCase[]> {
  const { rows } = await db.query<Omit<MetricCase, 'replies'> & { replies: string }>(
    `SELECT c.id, c.priority, c.assignee, coalesce(u.team, c.queue) AS team, c.opened_at, c.first_response_at, c.resolved_at, c.reopen_count,
       (SELECT count(*) FROM replies r WHERE r.case_id = c.id AND r.status IN ('sent', 'dry_run')) AS replies,
       c.category, c.cluster_id,
       (SELECT s.rating FROM surveys s WHERE s.case_id = c.id AND s.answered_at IS NOT NULL ORDER BY s.answered_at DESC LIMIT 1) AS csat
     FROM cases c LEFT JOIN users u ON u.email = lower(c.assignee)
     WHERE c.merged_into IS NULL AND c.opened_at < $2 AND (c.resolved_at IS NULL OR c.resolved_at >= $1)`,
    [from, to],
  );
  return rows.map((r) => ({ ...r, replies: Number(r.replies) }));
}

/**
 * Customers with a case opened in [from, to): whether they were answered (within the SLA) and whether
 * an outreach message reached them before their first case in the range.
 */
export async function complainantRows(db: Queryable, from: Date, to: Date): Promise<ComplainantRow[]> {
  const { rows } = await db.query<ComplainantRow>(
    `WITH c AS (
       SELECT customer_ref, min(opened_at) AS first_opened, bool_or(first_response_at IS NOT NULL AND first_response_at < $2) AS answered,
              bool_or(first_response_at IS NOT NULL AND first_response_at < $2 AND first_response_breached_at IS NULL) AS within_sla
         FROM cases WHERE customer_ref IS NOT NULL AND merged_into IS NULL AND opened_at >= $1 AND opened_at < $2 GROUP BY customer_ref)
     SELECT c.customer_ref, cu.churned_at, c.answered, c.within_sla AS answered_within_sla,
            EXISTS (SELECT 1 FROM outreach o WHERE o.customer_ref = c.customer_ref AND o.status IN ('contacted', 'replied', 'complained', 'fixed_notified')
                      AND coalesce(o.sent_at, o.updated_at) < c.first_opened) AS proactive_before
       FROM c JOIN customers cu ON cu.id = c.customer_ref`,
    [from, to],
  );
  return rows;
}

/** Resolved cases of every agent who resolved one in the year before `to`, for time to productivity. */
export async function handledCases(
  db: Queryable,
  to: Date,
): Promise<{ assignee: string; team: string | null; opened_at: Date; resolved_at: Date }[]> {
  const { rows } = await db.query<{ assignee: string; team: string | null; opened_at: Date; resolved_at: Date }>(
    `SELECT c.assignee, coalesce(u.team, c.queue) AS team, c.opened_at, c.resolved_at
       FROM cases c LEFT JOIN users u ON u.email = lower(c.assignee)
      WHERE c.assignee IS NOT NULL AND c.merged_into IS NULL AND c.resolved_at IS NOT NULL
        AND c.resolved_at < $1 AND c.resolved_at >= $1::timestamptz - interval '400 days'`,
    [to],
  );
  return rows;
}
