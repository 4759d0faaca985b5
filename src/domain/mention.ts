import type { IncomingMention, IncomingAuthor } from './incoming-mention.ts';

/** A mention as any channel or the ingest API hands it to earshot: the contract of ./incoming-mention.ts. */
export type MentionInput = IncomingMention;
export type AuthorInput = IncomingAuthor;

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

/** One map key for a value unique within a source: a handle, an external id, an author id, a thread. */
export const sourceKey = (source: string, value: string | number): string => `${source}\u0000${value}`;
/** The key of an author (the authors row id) on a source: open and resolved cases are looked up by it. */
export const authorKey = (source: string, authorId: number): string => sourceKey(source, authorId);
/** The key of a thread on a source: a case's conversation key or the external id of a mention in it. */
export const threadKey = (source: string, conversation: string): string => sourceKey(source, conversation);

/** Strips a leading '@' and lower-cases: handles match case-insensitively on every platform we read. */
export function canonicalHandle(handle: string): string {
  return handle.trim().replace(/^@+/, '').toLowerCase();
}
