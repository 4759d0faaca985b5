/**
 * X payloads → MentionInput. Two shapes: API v2 (search, mentions, stream: `data` + `includes.users`)
 * and the v1.1 tweet objects of Account Activity webhooks (`tweet_create_events`).
 */
import type { MentionInput } from '../../domain/mention.ts';
import { MAX_FOLLOWERS } from '../../domain/incoming-mention.ts';
import { isXId } from '../../domain/platform-ids.ts';

/** Fields are copied only when they have the contract's type; a wrong-typed extra is dropped, not trusted. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const followers = (v: unknown): number | undefined =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_FOLLOWERS ? (v as number) : undefined;
const authorOf = (handle: string, name: unknown, count: unknown) => {
  const n = str(name);
  const f = followers(count);
  return { handle, ...(n ? { name: n } : {}), ...(f !== undefined ? { followers: f } : {}) };
};

export interface TweetV2 {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  conversation_id?: string;
  referenced_tweets?: { type: string; id: string }[];
  note_tweet?: { text?: string };
}

export interface UserV2 {
  id: string;
  username: string;
  name?: string;
  public_metrics?: { followers_count?: number };
}

export function fromV2(tweets: TweetV2[], users: UserV2[] = [], now = new Date()): MentionInput[] {
  const byId = new Map(users.map((u) => [u.id, u]));
  return tweets
    .filter((t) => isXId(t.id))
    .map((t) => {
      const user = t.author_id ? byId.get(t.author_id) : undefined;
      const handle = str(user?.username) ?? str(t.author_id) ?? 'unknown';
      const replyTo = t.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
      return {
        source: 'twitter',
        external_id: t.id,
        text: str(t.note_tweet?.text) ?? t.text,
        author: authorOf(handle, user?.name, user?.public_metrics?.followers_count),
        created_at: t.created_at ?? now.toISOString(),
        url: `https://x.com/${encodeURIComponent(handle)}/status/${t.id}`,
        ...(isXId(replyTo) ? { in_reply_to: replyTo } : {}),
        ...(isXId(t.conversation_id) ? { conversation_id: t.conversation_id } : {}),
      };
    });
}

/** v1.1 tweet object, as in Account Activity `tweet_create_events` (developer.x.com account-activity-data-objects). */
export interface TweetV1 {
  id_str: string;
  text?: string;
  full_text?: string;
  extended_tweet?: { full_text?: string };
  created_at?: string;
  in_reply_to_status_id_str?: string | null;
  user?: { id_str?: string; screen_name?: string; name?: string; followers_count?: number };
}

export function fromV1(t: TweetV1, now = new Date()): MentionInput | null {
  const text = str(t.extended_tweet?.full_text) ?? str(t.full_text) ?? t.text;
  if (!isXId(t.id_str) || typeof text !== 'string') return null;
  const handle = str(t.user?.screen_name) ?? str(t.user?.id_str) ?? 'unknown';
  // v1.1 dates look like "Wed Oct 10 20:19:24 +0000 2018"; Date parses them.
  const created = typeof t.created_at === 'string' ? new Date(t.created_at) : now;
  return {
    source: 'twitter',
    external_id: t.id_str,
    text,
    author: authorOf(handle, t.user?.name, t.user?.followers_count),
    created_at: (Number.isNaN(created.getTime()) ? now : created).toISOString(),
    url: `https://x.com/${encodeURIComponent(handle)}/status/${t.id_str}`,
    ...(isXId(t.in_reply_to_status_id_str) ? { in_reply_to: t.in_reply_to_status_id_str } : {}),
  };
}
