/**
 * Outreach by X direct message: the 'outreach-send' job (one outreach row, first message or the closed
 * loop's "fixed" message) and the 'outreach-dispatch' catch-up that queues whatever is due. Like
 * replies, a row is claimed (queued → sending) before X is called, so a job that runs twice — a retry,
 * a stalled job taken over, a second send of the campaign — sends once; a send that dies between X's
 * answer and the record stays 'sending' for a person to check rather than risk a second message.
 */
import type { Db, Queryable } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import type { JobQueue } from '../queue/backend.ts';
import { ReplyError, type SendDm } from '../channels/types.ts';

export interface OutreachSendDeps {
  db: Db;
  log: Logger;
  dryRun: boolean;
  messenger: (source: string) => SendDm | null;
}

export type OutreachSendOutcome = 'sent' | 'dry_run' | 'failed' | `skipped: ${string}`;
type Phase = 'contact' | 'fixed';

/** SQL for the X handle of outreach row `o`'s customer: an X-specific one first, else one valid on every channel ('*'). */
export const X_HANDLE_SQL = `(SELECT h.handle FROM customer_handles h WHERE h.customer_ref = o.customer_ref AND h.source IN ('twitter', '*')
                  ORDER BY (h.source = 'twitter') DESC, h.handle LIMIT 1)`;

interface Claimed {
  id: number;
  text: string | null;
  handle: string | null;
}

async function claim(db: Queryable, id: number): Promise<{ phase: Phase; row: Claimed } | null> {
  const first = await db.query<Claimed>(
    `UPDATE outreach o SET status = 'sending', updated_at = now() WHERE o.id = $1 AND o.status = 'queued' AND o.delivery = 'dm'
     RETURNING o.id, o.message AS text, ${X_HANDLE_SQL} AS handle`,
    [id],
  );
  if (first.rows[0]) return { phase: 'contact', row: first.rows[0] };
  const fixed = await db.query<Claimed>(
    `UPDATE outreach o SET fixed_state = 'sending', updated_at = now() WHERE o.id = $1 AND o.fixed_state = 'queued'
     RETURNING o.id, o.fixed_message AS text, ${X_HANDLE_SQL} AS handle`,
    [id],
  );
  return fixed.rows[0] ? { phase: 'fixed', row: fixed.rows[0] } : null;
}

type Finish =
  | { state: 'sent'; platformId: string }
  | { state: 'dry_run' }
  | { state: 'failed'; error: string }
  | { state: 'release'; error: string };

async function finish(db: Queryable, id: number, phase: Phase, f: Finish): Promise<void> {
  if (phase === 'contact') {
    const set = {
      sent: `status = 'contacted', platform_id = $2, sent_at = now(), error = NULL`,
      dry_run: `status = 'contacted', dry_run = true, error = NULL`,
      failed: `status = 'failed', error = $2`,
      release: `status = 'queued', error = $2`,
    }[f.state];
    await db.query(
      `UPDATE outreach SET ${set}, updated_at = now() WHERE id = $1 AND status = 'sending'`,
      f.state === 'dry_run' ? [id] : [id, f.state === 'sent' ? f.platformId : f.error],
    );
    return;
  }
  const set = {
    sent: `fixed_state = 'sent', fixed_platform_id = $2, fixed_error = NULL`,
    dry_run: `fixed_state = 'dry_run', fixed_error = NULL`,
    failed: `fixed_state = 'failed', fixed_error = $2`,
    release: `fixed_state = 'queued', fixed_error = $2`,
  }[f.state];
  await db.query(
    `UPDATE outreach SET ${set}, updated_at = now() WHERE id = $1 AND fixed_state = 'sending'`,
    f.state === 'dry_run' ? [id] : [id, f.state === 'sent' ? f.platformId : f.error],
  );
}

/** `finalAttempt`: a rate-limited send on the job's last attempt is recorded as failed instead of thrown. */
export async function sendOutreach(
  deps: OutreachSendDeps,
  outreachId: number,
  finalAttempt = true,
): Promise<OutreachSendOutcome> {
  const claimed = await claim(deps.db, outreachId);
  if (!claimed) return 'skipped: nothing due by DM (already sent, failed, in the export, or gone)';
  const { phase, row } = claimed;
  if (deps.dryRun) {
    await finish(deps.db, outreachId, phase, { state: 'dry_run' });
    return 'dry_run';
  }
  const fail = async (error: string): Promise<OutreachSendOutcome> => {
    await finish(deps.db, outreachId, phase, { state: 'failed', error });
    deps.log.warn({ outreach: outreachId, phase, error }, 'outreach DM failed');
    return 'failed';
  };
  const send = deps.messenger('twitter');
  if (!send) return fail('no X user-context credentials configured for direct messages');
  if (!row.handle) return fail('the customer has no X handle (any more)');
  if (!row.text) return fail('no message text');
  try {
    const { platformId } = await send({ handle: row.handle, text: row.text });
    await finish(deps.db, outreachId, phase, { state: 'sent', platformId });
    deps.log.info({ outreach: outreachId, phase, platformId }, 'outreach DM sent');
    return 'sent';
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ReplyError && err.retryable && !finalAttempt) {
      // X said "not now" and nothing was sent: back to queued for the job's next attempt.
      await finish(deps.db, outreachId, phase, { state: 'release', error: message });
      throw err;
    }
    return fail(message);
  }
}

/** Ids whose DM is waiting for a job: first messages of a sent campaign, and closed-loop messages. */
export async function dueDms(db: Queryable, limit = 1000): Promise<Array<{ id: number; phase: Phase }>> {
  const { rows } = await db.query<{ id: number; phase: Phase }>(
    `SELECT id, CASE WHEN status = 'queued' THEN 'contact' ELSE 'fixed' END AS phase FROM outreach
      WHERE (status = 'queued' AND delivery = 'dm') OR fixed_state = 'queued' ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, phase: r.phase }));
}

/**
 * One job per row and phase: the job id makes a second enqueue of the same message a no-op while the
 * job is known to the queue, and the claim makes it harmless after that.
 */
export async function enqueueDms(
  queue: Pick<JobQueue, 'addBulk'>,
  due: ReadonlyArray<{ id: number; phase: Phase }>,
): Promise<number> {
  if (due.length === 0) return 0;
  await queue.addBulk(
    'outreach-send',
    due.map((d) => ({ payload: { outreachId: d.id }, jobId: `outreach-${d.id}-${d.phase}` })),
  );
  return due.length;
}

/** The 'outreach-dispatch' job: queues every due DM (the closed loop's, and any whose enqueue was lost). */
export async function dispatchDms(db: Queryable, queue: Pick<JobQueue, 'addBulk'>): Promise<{ queued: number }> {
  return { queued: await enqueueDms(queue, await dueDms(db)) };
}
