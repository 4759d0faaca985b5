/**
 * Replies going out where the customer spoke. A reply is claimed for sending by one atomic update
 * (pending → sending), so two runs of the same job can never both post it.
 */
import type { Queryable } from './db.ts';
import { withTransaction, type Db } from './db.ts';
import { appendEvents } from './cases.ts';

export type ReplyStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dry_run';

export interface ReplyRow {
  id: number;
  case_id: number;
  mention_id: number | null;
  source: string;
  in_reply_to: string;
  conversation_id: string | null;
  text: string;
  idempotency_key: string;
  status: ReplyStatus;
  platform_id: string | null;
  error: string | null;
  attempts: number;
  created_by: string;
  created_at: string;
  sent_at: string | null;
}

const SELECT = `SELECT r.id, r.case_id, r.mention_id, r.source, r.in_reply_to,
  m.conversation_id, r.text, r.idempotency_key, r.status, r.platform_id, r.error, r.attempts, r.created_by, r.created_at, r.sent_at
  FROM replies r LEFT JOIN mentions m ON m.id = r.mention_id`;

export interface ReplyMention {
  id: number;
  source: string;
  external_id: string;
}

/** The case's latest mention from its customer (the author the case belongs to), or the one named. */
export async function replyTargetOf(
  db: Queryable,
  caseId: number,
  externalId?: string,
): Promise<{ found: boolean; mention: ReplyMention | null }> {
  const c = await db.query<{ author_id: number }>('SELECT author_id FROM cases WHERE id = $1', [caseId]);
  const kase = c.rows[0];
  if (!kase) return { found: false, mention: null };
  const { rows } = await db.query<{ id: number; source: string; external_id: string }>(
    externalId
      ? 'SELECT id, source, external_id FROM mentions WHERE case_id = $1 AND external_id = $2 LIMIT 1'
      : 'SELECT id, source, external_id FROM mentions WHERE case_id = $1 AND author_id = $2 AND removed_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1',
    [caseId, externalId ?? kase.author_id],
  );
  const r = rows[0];
  return { found: true, mention: r ? { id: r.id, source: r.source, external_id: r.external_id } : null };
}

export interface NewReply {
  caseId: number;
  mention: ReplyMention;
  text: string;
  idempotencyKey: string;
  createdBy: string;
}

/** Inserts, or returns the reply that already holds this idempotency key (`created: false`). */
export async function createReply(db: Queryable, r: NewReply): Promise<{ reply: ReplyRow; created: boolean }> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO replies (case_id, mention_id, source, in_reply_to, text, idempotency_key, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [r.caseId, r.mention.id, r.mention.source, r.mention.external_id, r.text, r.idempotencyKey, r.createdBy],
  );
  const created = rows.length === 1;
  const existing = created ? await getReply(db, rows[0]!.id) : await getReplyByKey(db, r.idempotencyKey);
  if (!existing) throw new Error('reply vanished after insert');
  return { reply: existing, created };
}

export async function getReply(db: Queryable, id: number): Promise<ReplyRow | null> {
  const { rows } = await db.query<ReplyRow>(`${SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}

async function getReplyByKey(db: Queryable, key: string): Promise<ReplyRow | null> {
  const { rows } = await db.query<ReplyRow>(`${SELECT} WHERE r.idempotency_key = $1`, [key]);
  return rows[0] ?? null;
}

export async function listReplies(db: Queryable, caseId: number): Promise<ReplyRow[]> {
  const { rows } = await db.query<ReplyRow>(`${SELECT} WHERE r.case_id = $1 ORDER BY r.id`, [caseId]);
  return rows;
}

/** pending → sending, atomically; null when another run already claimed (or finished) it. */
export async function claimReply(db: Queryable, id: number): Promise<ReplyRow | null> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE replies SET status = 'sending', attempts = attempts + 1 WHERE id = $1 AND status = 'pending' RETURNING id`,
    [id],
  );
  return rows[0] ? getReply(db, id) : null;
}

/** sending → pending: the platform said "not now" (nothing was posted), so a later run may send it. */
export async function releaseReply(db: Queryable, id: number, reason: string): Promise<void> {
  await db.query(`UPDATE replies SET status = 'pending', error = $2 WHERE id = $1 AND status = 'sending'`, [
    id,
    reason.slice(0, 1000),
  ]);
}

/** Records the outcome, the case event and (when it is the first) the case's first response, together. */
export async function finishReply(
  db: Db,
  reply: ReplyRow,
  outcome: { status: 'sent' | 'dry_run'; platformId: string | null } | { status: 'failed'; error: string },
): Promise<void> {
  await withTransaction(db, async (tx) => {
    if (outcome.status === 'failed') {
      await tx.query(`UPDATE replies SET status = 'failed', error = $2 WHERE id = $1`, [
        reply.id,
        outcome.error.slice(0, 1000),
      ]);
      await appendEvents(tx, [
        {
          caseId: reply.case_id,
          actor: reply.created_by,
          kind: 'reply_failed',
          data: { reply_id: reply.id, error: outcome.error.slice(0, 1000) },
        },
      ]);
      return;
    }
    await tx.query(`UPDATE replies SET status = $2, platform_id = $3, error = NULL, sent_at = now() WHERE id = $1`, [
      reply.id,
      outcome.status,
      outcome.platformId,
    ]);
    await tx.query(
      `UPDATE cases SET first_response_at = coalesce(first_response_at, now()), updated_at = now() WHERE id = $1`,
      [reply.case_id],
    );
    await appendEvents(tx, [
      {
        caseId: reply.case_id,
        actor: reply.created_by,
        kind: 'replied',
        data: {
          reply_id: reply.id,
          source: reply.source,
          in_reply_to: reply.in_reply_to,
          platform_id: outcome.platformId,
          dry_run: outcome.status === 'dry_run',
        },
      },
    ]);
  });
}

/** failed → pending for a retry by hand; null when the reply is not in a retryable state. */
export async function resetForRetry(db: Queryable, id: number): Promise<ReplyRow | null> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE replies SET status = 'pending' WHERE id = $1 AND status = 'failed' RETURNING id`,
    [id],
  );
  return rows[0] ? getReply(db, id) : null;
}
