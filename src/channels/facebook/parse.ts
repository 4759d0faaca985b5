/**
 * Facebook payloads → MentionInput. Graph objects come from GET /{page-id}/feed and /{post-id}/comments
 * (developers.facebook.com reference/page/feed, object/comments); webhook changes from the Page `feed`
 * field (their shape: FeedWebhook below). Facebook has no handles: the author's app-scoped id
 * is the handle and the name rides along. Posts by the page itself are the brand talking, not a mention.
 */
import type { MentionInput } from '../../domain/mention.ts';
import type { MentionChange } from '../types.ts';
import { isFacebookId } from '../../domain/platform-ids.ts';

export interface GraphFrom {
  id?: string;
  name?: string;
}

export interface GraphPost {
  id: string;
  message?: string;
  from?: GraphFrom;
  created_time?: string;
  updated_time?: string;
  permalink_url?: string;
}

export interface GraphComment {
  id: string;
  message?: string;
  from?: GraphFrom;
  created_time?: string;
  parent?: { id: string };
  permalink_url?: string;
}

/** Graph dates look like 2024-05-01T10:00:00+0000; unix seconds in webhooks. */
export function graphTime(t: string | number | undefined, fallback = new Date()): string {
  if (typeof t !== 'string' && typeof t !== 'number') return fallback.toISOString();
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? fallback.toISOString() : d.toISOString();
}

/** Webhook fields are whatever the sender wrote: only strings are taken as strings. */
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const author = (from: GraphFrom | undefined) => {
  const name = str(from?.name);
  return { handle: str(from?.id) ?? 'anonymous', ...(name ? { name } : {}) };
};
const isPage = (from: GraphFrom | undefined, pageId: string) => from?.id === pageId;
const hasText = (message: unknown): message is string => typeof message === 'string' && message.trim() !== '';

export function postToMention(p: GraphPost, pageId: string): MentionInput | null {
  if (!hasText(p.message) || !isFacebookId(p.id) || isPage(p.from, pageId)) return null;
  return {
    source: 'facebook',
    external_id: p.id,
    text: p.message,
    author: author(p.from),
    created_at: graphTime(p.created_time),
    url: str(p.permalink_url) ?? `https://www.facebook.com/${encodeURIComponent(p.id)}`,
    conversation_id: p.id,
  };
}

export function commentToMention(c: GraphComment, postId: string, pageId: string): MentionInput | null {
  if (!hasText(c.message) || !isFacebookId(c.id) || !isFacebookId(postId) || isPage(c.from, pageId)) return null;
  return {
    source: 'facebook',
    external_id: c.id,
    text: c.message,
    author: author(c.from),
    created_at: graphTime(c.created_time),
    url: str(c.permalink_url) ?? `https://www.facebook.com/${encodeURIComponent(c.id)}`,
    in_reply_to: isFacebookId(c.parent?.id) ? c.parent.id : postId,
    conversation_id: postId,
  };
}

export interface FeedChangeValue {
  item?: string;
  verb?: string;
  post_id?: string;
  comment_id?: string;
  parent_id?: string;
  from?: GraphFrom;
  message?: string;
  created_time?: number;
  published?: number;
}

export interface FeedWebhook {
  object?: string;
  entry?: { id?: string; time?: number; changes?: { field?: string; value?: FeedChangeValue }[] }[];
}

export interface FeedItems {
  mentions: MentionInput[];
  changes: MentionChange[];
}

const POST_ITEMS = new Set(['status', 'post', 'photo', 'video', 'share']);

/** Splits a (possibly batched) Page webhook into new mentions and edits/removals. Unknown items are skipped. */
export function fromFeedWebhook(body: FeedWebhook, now = new Date()): FeedItems {
  const out: FeedItems = { mentions: [], changes: [] };
  if (body?.object !== 'page' || !Array.isArray(body.entry)) return out;
  for (const entry of body.entry) {
    const pageId = String(entry?.id ?? '');
    for (const change of entry?.changes ?? []) {
      const v = change?.value;
      if (change?.field !== 'feed' || !v) continue;
      const isComment = v.item === 'comment';
      if (!isComment && !POST_ITEMS.has(v.item ?? '')) continue;
      // Ids go into Graph paths when earshot replies: anything not shaped like a Facebook id is skipped.
      const id = isComment ? v.comment_id : v.post_id;
      if (!isFacebookId(id)) continue;
      // Meta does not timestamp the edit itself; the entry's time is when it happened.
      const at = graphTime(entry.time ?? v.created_time, now);
      if (v.verb === 'remove')
        out.changes.push({ source: 'facebook', external_id: id, kind: 'removed', changed_at: at });
      else if (v.verb === 'edited')
        out.changes.push({
          source: 'facebook',
          external_id: id,
          kind: 'edited',
          ...(str(v.message) ? { text: v.message } : {}),
          changed_at: at,
        });
      else if (v.verb === 'add') {
        const created = v.created_time ?? v.published;
        const m = isComment
          ? commentToMention(
              {
                id,
                message: v.message,
                from: v.from,
                created_time: graphTime(created, now),
                ...(isFacebookId(v.parent_id) ? { parent: { id: v.parent_id } } : {}),
              },
              isFacebookId(v.post_id) ? v.post_id : isFacebookId(v.parent_id) ? v.parent_id : id,
              pageId,
            )
          : postToMention({ id, message: v.message, from: v.from, created_time: graphTime(created, now) }, pageId);
        if (m) out.mentions.push(m);
      }
    }
  }
  return out;
}
