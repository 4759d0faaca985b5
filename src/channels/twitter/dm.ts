/**
 * Direct messages on X, as the brand account (OAuth 1.0a user context):
 * POST /2/dm_conversations/with/:participant_id/messages {"text"} → {data:{dm_conversation_id, dm_event_id}}
 * (docs.x.com, Direct Messages manage; twitter-api-v2's v2.sendDmToParticipant). The recipient is
 * named by user id, so a handle is resolved once with GET /2/users/by/username/:username and cached.
 */
import { RateLimitedError, ReplyError, type SendDm } from '../types.ts';
import { describeXError, type XWriteClient } from './client.ts';
import { withRateLimit, type RateOptions } from './rate.ts';

interface DmResult {
  dm_conversation_id?: string;
  dm_event_id?: string;
}

export function xDirectMessenger(client: XWriteClient, rate: RateOptions): SendDm {
  // Handles are stable enough for a process's lifetime; a renamed account just fails its lookup.
  const ids = new Map<string, string>();
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      // A short 429 is waited out here; a long one becomes RateLimitedError (retryable, with the reset).
      return await withRateLimit(work, rate);
    } catch (err) {
      if (err instanceof RateLimitedError) throw new ReplyError(err.message, true);
      // 403: X refuses this recipient (DMs closed to us) — final for this customer, not for the adapter.
      // A 5xx or a lost connection may have delivered: not retried blindly (the row keeps the reason).
      throw new ReplyError(err instanceof Error ? err.message : describeXError(err).message, false);
    }
  };
  return async ({ handle, text }) => {
    const username = handle.replace(/^@/, '').trim();
    const key = username.toLowerCase();
    let id = ids.get(key);
    if (!id) {
      const res = await call(() => client.userByUsername(username));
      // X answers an unknown username with 200 and `errors` (no `data`).
      if (!res.data) throw new ReplyError(`no X user @${username}`, false);
      id = res.data.id;
      ids.set(key, id);
    }
    const userId = id;
    const sent: DmResult & { data?: DmResult } = await call(() => client.sendDmToParticipant(userId, { text }));
    // The library types the body as the bare result; X documents it wrapped in `data`. Accept both.
    const r = sent.data ?? sent;
    if (!r.dm_event_id) throw new ReplyError('X accepted the DM but returned no dm_event_id', false);
    return { platformId: r.dm_event_id, conversationId: r.dm_conversation_id ?? null };
  };
}
