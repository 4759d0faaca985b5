/**
 * Turning an agent's "reply to this case" into a stored reply and a 'send-reply' job. The idempotency
 * key is the client's (Idempotency-Key header) or derived from case + mention + text, so a double
 * click or a retried request stores one reply. Reusing a key for a different reply is a conflict.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../storage/db.ts';
import type { JobQueue } from '../queue/backend.ts';
import type { Logger } from '../log.ts';
import { createReply, replyTargetOf, type ReplyRow } from '../storage/replies.ts';
import { platformIdProblem } from '../domain/platform-ids.ts';

export const REPLYABLE = ['twitter', 'facebook'] as const;

export interface ReplyRequest {
  caseId: number;
  text: string;
  /** external_id of a mention on the case; default the customer's latest. */
  inReplyTo?: string;
  idempotencyKey?: string;
  actor: string;
}

export type ReplyRequestOutcome =
  | { kind: 'created'; reply: ReplyRow; queued: boolean }
  | { kind: 'existing'; reply: ReplyRow; queued: boolean }
  | { kind: 'not_found' | 'no_target' | 'not_replyable' | 'conflict'; message: string };

export interface ReplyDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
}

export const derivedKey = (caseId: number, mentionId: number, text: string) =>
  `case:${caseId}:${mentionId}:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

export async function requestReply(deps: ReplyDeps, r: ReplyRequest): Promise<ReplyRequestOutcome> {
  const target = await replyTargetOf(deps.db, r.caseId, r.inReplyTo);
  if (!target.found) return { kind: 'not_found', message: `no case ${r.caseId}` };
  const mention = target.mention;
  if (!mention) {
    return {
      kind: 'no_target',
      message: r.inReplyTo
        ? `mention ${r.inReplyTo} is not on case ${r.caseId}`
        : `case ${r.caseId} has no mention from its customer to reply to`,
    };
  }
  if (!(REPLYABLE as readonly string[]).includes(mention.source)) {
    return {
      kind: 'not_replyable',
      message: `earshot cannot reply on ${mention.source}; replies go out on ${REPLYABLE.join(' and ')}`,
    };
  }
  // A row stored before ids were checked at the door must still never reach a platform's API path.
  const idProblem = platformIdProblem(mention.source, mention.external_id);
  if (idProblem) return { kind: 'not_replyable', message: `cannot reply to this mention: its id ${idProblem}` };
  const key = r.idempotencyKey ? `client:${r.idempotencyKey}` : derivedKey(r.caseId, mention.id, r.text);
  const { reply, created } = await createReply(deps.db, {
    caseId: r.caseId,
    mention,
    text: r.text,
    idempotencyKey: key,
    createdBy: r.actor,
  });
  if (!created && (reply.case_id !== r.caseId || reply.text !== r.text || reply.in_reply_to !== mention.external_id)) {
    return { kind: 'conflict', message: 'this Idempotency-Key was already used for a different reply' };
  }
  const queued = reply.status === 'pending' ? await enqueueSend(deps, reply) : true;
  return created ? { kind: 'created', reply, queued } : { kind: 'existing', reply, queued };
}

/** Queues the send; a queue that is away leaves the reply pending (POST /api/replies/:id/retry queues it again). */
export async function enqueueSend(deps: ReplyDeps, reply: Pick<ReplyRow, 'id' | 'attempts'>): Promise<boolean> {
  try {
    await deps.queue.add('send-reply', { replyId: reply.id }, `reply-${reply.id}-${reply.attempts}`);
    return true;
  } catch (err) {
    deps.log.warn({ err, reply: reply.id }, 'queue unreachable: reply stays pending until retried');
    return false;
  }
}
