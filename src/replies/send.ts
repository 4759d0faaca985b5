/**
 * The 'send-reply' job. The reply is claimed (pending → sending) before the platform is called, so a
 * job that runs twice — a retry, a stalled job taken over, the retry endpoint racing the original —
 * posts once. A send that dies between the post and the record stays 'sending' for a person to check
 * rather than risk a second post.
 */
import type { Db } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import { ReplyError, type SendReply } from '../channels/types.ts';
import type { ChannelMetrics } from '../metrics.ts';
import { claimReply, finishReply, getReply, releaseReply } from '../storage/replies.ts';

export interface SendDeps {
  db: Db;
  log: Logger;
  dryRun: boolean;
  replier: (source: string) => SendReply | null;
  metrics: Pick<ChannelMetrics, 'replies'>;
}

export type SendOutcome = 'sent' | 'dry_run' | 'failed' | `skipped: ${string}`;

/** `finalAttempt`: a retryable failure on the job's last attempt is recorded as failed instead of thrown. */
export async function sendReply(deps: SendDeps, replyId: number, finalAttempt = true): Promise<SendOutcome> {
  const reply = await claimReply(deps.db, replyId);
  if (!reply) {
    const current = await getReply(deps.db, replyId);
    return `skipped: reply is ${current?.status ?? 'gone'}`;
  }
  if (deps.dryRun) {
    await finishReply(deps.db, reply, { status: 'dry_run', platformId: null });
    deps.metrics.replies.inc({ source: reply.source, outcome: 'dry_run' });
    return 'dry_run';
  }
  const send = deps.replier(reply.source);
  const fail = async (error: string): Promise<SendOutcome> => {
    await finishReply(deps.db, reply, { status: 'failed', error });
    deps.metrics.replies.inc({ source: reply.source, outcome: 'failed' });
    deps.log.warn({ reply: reply.id, case: reply.case_id, error }, 'reply failed');
    return 'failed';
  };
  if (!send) return fail(`no ${reply.source} credentials configured for replies`);
  let platformId: string;
  try {
    ({ platformId } = await send({
      inReplyTo: reply.in_reply_to,
      conversationId: reply.conversation_id,
      text: reply.text,
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ReplyError && err.retryable && !finalAttempt) {
      // Nothing was posted (the platform said "not now"): back to pending for the job's next attempt.
      await releaseReply(deps.db, reply.id, message);
      deps.metrics.replies.inc({ source: reply.source, outcome: 'retry' });
      throw err;
    }
    return fail(message);
  }
  await finishReply(deps.db, reply, { status: 'sent', platformId });
  deps.metrics.replies.inc({ source: reply.source, outcome: 'sent' });
  deps.log.info({ reply: reply.id, case: reply.case_id, source: reply.source, platformId }, 'reply sent');
  return 'sent';
}
