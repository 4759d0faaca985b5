/** A mention as any channel or the ingest API hands it to earshot, before the pipeline touches it. */
export interface MentionInput {
  source: string;
  external_id: string;
  text: string;
  author: AuthorInput;
  created_at: string;
  url?: string;
  in_reply_to?: string;
  /** The platform's conversation or thread id, when it has one (X conversation_id, Facebook post id). */
  conversation_id?: string;
}

export interface AuthorInput {
  handle: string;
  name?: string;
  followers?: number;
}

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface Sentiment {
  label: SentimentLabel;
  /** In [-1, 1]: negative below zero. */
  score: number;
  /** Why: the words, negations, emoji and patterns that decided it. */
  reasons: string[];
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Triage {
  actionable: boolean;
  category: string;
  priority: Priority;
  /** The team queue a case goes to, from the routing rules. */
  queue: string | null;
  /** Spam, bots, the brand's own posts, retweets: stored, never turned into a case. */
  ignored: boolean;
  reasons: string[];
  /** Ids of the rules that fired. */
  rules: string[];
}

/** Strips a leading '@' and lower-cases: handles match case-insensitively on every platform we read. */
export function canonicalHandle(handle: string): string {
  return handle.trim().replace(/^@+/, '').toLowerCase();
}
