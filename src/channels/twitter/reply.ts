/** Replies on X: a post threaded to the customer's (POST /2/tweets with reply.in_reply_to_tweet_id), as the brand account. */
import { ReplyError, type SendReply } from '../types.ts';
import { describeXError, type XWriteClient } from './client.ts';
import { isXId } from '../../domain/platform-ids.ts';

export function xReplier(client: XWriteClient): SendReply {
  return async ({ inReplyTo, text }) => {
    if (!isXId(inReplyTo))
      throw new ReplyError(
        `refusing to reply: ${JSON.stringify(String(inReplyTo).slice(0, 80))} is not an X post id`,
        false,
      );
    try {
      const res = await client.reply(text, inReplyTo);
      return { platformId: res.data.id };
    } catch (err) {
      const f = describeXError(err);
      // Only a 429 is certain to have posted nothing; a 5xx or a lost connection may have, so a
      // person decides (POST /api/replies/:id/retry) rather than a blind automatic retry.
      throw new ReplyError(f.message, f.status === 429);
    }
  };
}
