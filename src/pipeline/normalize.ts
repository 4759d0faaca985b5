/** Stage 1: a raw inbox payload becomes a clean mention, or a reason why it cannot be one. */
import { createHash } from 'node:crypto';
import { canonicalHandle, type MentionInput } from '../domain/mention.ts';
import { checkIncomingMention } from '../domain/incoming-mention.ts';
import { contentWords, decodeEntities } from '../analysis/text/tokenize.ts';

export interface NormalizedMention {
  inboxId: number;
  source: string;
  externalId: string;
  text: string;
  author: { handle: string; name: string | null; followers: number | null };
  createdAt: Date;
  url: string | null;
  inReplyTo: string | null;
  conversationId: string | null;
  isRetweet: boolean;
  /**
   * Same complaint, same fingerprint: copies, retweets and near-identical re-posts share it. Null for
   * texts too short to tell a copy from two people saying "still waiting" independently.
   */
  fingerprint: string | null;
}

export type NormalizeResult = { ok: NormalizedMention } | { error: string; inboxId: number };

const RETWEET = /^RT\s+@\w+:?\s*/i;
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

export function normalize(inboxId: number, payload: MentionInput, receivedAt: Date): NormalizeResult {
  if (typeof payload?.text !== 'string' || typeof payload.author?.handle !== 'string') {
    return { inboxId, error: 'payload has no text or author handle' };
  }
  // Rows stored before the contract was checked at the door (or written by hand) are checked again here:
  // a row that breaks it is rejected with the reason, never allowed to fail its batch's transaction.
  const checked = checkIncomingMention(payload);
  if (!checked.ok) return { inboxId, error: `breaks the incoming-mention contract: ${checked.reason}` };
  const text = decodeEntities(payload.text).normalize('NFC').replace(INVISIBLE, '').trim();
  const handle = canonicalHandle(payload.author.handle);
  if (text === '' || handle === '') return { inboxId, error: 'empty text or author handle' };
  const created = new Date(payload.created_at);
  const isRetweet = RETWEET.test(text);
  return {
    ok: {
      inboxId,
      source: payload.source,
      externalId: payload.external_id,
      text,
      author: {
        handle,
        name: payload.author.name?.trim() || null,
        followers: Number.isFinite(payload.author.followers)
          ? Math.max(0, Math.round(payload.author.followers as number))
          : null,
      },
      // A post dated in the future or unparseable is dated when we received it.
      createdAt:
        Number.isNaN(created.getTime()) || created.getTime() > receivedAt.getTime() + 60_000 ? receivedAt : created,
      url: payload.url ?? null,
      inReplyTo: payload.in_reply_to ?? null,
      conversationId: payload.conversation_id ?? payload.in_reply_to ?? null,
      isRetweet,
      fingerprint: fingerprint(isRetweet ? text.replace(RETWEET, '') : text),
    },
  };
}

const MIN_FINGERPRINT_WORDS = 5;

/** Order-insensitive hash of the content words: survives changed handles, links, case and punctuation. */
export function fingerprint(text: string): string | null {
  const words = [...new Set(contentWords(text).filter((w) => w !== 'rt'))].sort();
  if (words.length < MIN_FINGERPRINT_WORDS) return null;
  return createHash('sha1').update(words.join(' ')).digest('base64url').slice(0, 22);
}
