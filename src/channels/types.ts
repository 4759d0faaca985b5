/**
 * What a channel may ask of the rest of earshot. Channels know nothing of storage: a poller gets these
 * small interfaces, and src/runtime.ts hands it implementations backed by PostgreSQL and the inbox.
 */
import type { MentionInput } from '../domain/mention.ts';

export const SOURCES = ['twitter', 'facebook', 'google-alerts'] as const;
export type SourceName = (typeof SOURCES)[number];

export interface Cursor {
  /** The source's own position (since_id, a timestamp, JSON state). */
  value: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Not to be polled before this (rate limit). */
  pausedUntil: Date | null;
}

export interface CursorStore {
  get(source: SourceName, key: string): Promise<Cursor>;
  /** Only the fields given change. Called only after the mentions it covers are in the inbox. */
  save(source: SourceName, key: string, patch: Partial<Pick<Cursor, 'value' | 'etag' | 'lastModified'>>): Promise<void>;
  pause(source: SourceName, key: string, until: Date, reason: string): Promise<void>;
}

/** The one way mentions enter earshot (src/ingest/ingest.ts behind it). */
export type Ingest = (mentions: MentionInput[]) => Promise<{ accepted: number; duplicates: number }>;

/** Reading costs money on X: every post read is counted per UTC day. */
export type CountUsage = (source: SourceName, kind: string, posts: number) => Promise<void>;

export interface PollDeps {
  cursors: CursorStore;
  ingest: Ingest;
  countUsage: CountUsage;
  /** Injected so tests need not wait on real clocks. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface PollResult {
  accepted: number;
  duplicates: number;
  /** Posts (or entries) read from the platform. */
  read: number;
  /** Set when the poll stopped early (rate limit); the cursor was not advanced past unread posts. */
  pausedUntil?: Date;
}

/** An edit or removal reported by the platform after we stored the mention. */
export interface MentionChange {
  source: SourceName;
  external_id: string;
  kind: 'edited' | 'removed';
  text?: string;
  changed_at: string;
}

/** A reply going out where the customer spoke. */
export interface ReplyTarget {
  /** The platform id to reply to: a post id on X, a post or comment id on Facebook. */
  inReplyTo: string;
  /** The thread it belongs to (Facebook post id `PAGE_POST`), used to pick the page token. */
  conversationId: string | null;
  text: string;
}

export type SendReply = (target: ReplyTarget) => Promise<{ platformId: string }>;

/** A direct message to a person on the platform, named by handle; the adapter resolves it to the platform's id. */
export interface DmTarget {
  handle: string;
  text: string;
}

/** `platformId`: the platform's id of the message event (X: dm_event_id). */
export type SendDm = (target: DmTarget) => Promise<{ platformId: string; conversationId: string | null }>;

/** A send that failed for good (the platform refused) versus one worth retrying (rate limit, outage). */
export class ReplyError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ReplyError';
  }
}

/** The platform asked us to wait: not a failure of the source. */
export class RateLimitedError extends Error {
  constructor(
    readonly until: Date,
    message = `rate limited until ${until.toISOString()}`,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
