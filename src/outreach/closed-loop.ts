/**
 * A cluster's status change as product makes it. It lives in outreach/, above clusters/, because
 * "fixed" closes the outreach loop in the same transaction (notifyFixed writes the outreach rows).
 */
import type { Queryable } from '../storage/db.ts';
import { updateClusterStatus } from '../clusters/actions.ts';
import type { ClusterStatus } from '../clusters/queries.ts';
import { notifyFixed } from './campaigns.ts';

/** Returns how many customers got the closed loop's "fixed" message (0 when it was already sent). */
export async function setClusterStatus(
  tx: Queryable,
  id: number,
  status: ClusterStatus,
): Promise<{ fixedNotified: number }> {
  await updateClusterStatus(tx, id, status);
  return { fixedNotified: status === 'fixed' ? await notifyFixed(tx, id) : 0 };
}
