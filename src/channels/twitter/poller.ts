/**
 * X polling: recent search per query and the mentions timeline per brand account, with since_id.
 * Pages are followed with next_token until X gives none, each page's posts are ingested before the
 * cursor moves, and since_id becomes the FIRST page's newest_id only when the last page is in
 * (docs.x.com …/paginate: "review polling with since_id"). While paging, the next token is saved so
 * a restart or a rate-limit pause resumes where it stopped (next_token does not expire).
 * The library's async paginator is not used: it stops silently when x-rate-limit-remaining hits 0.
 */
import type { TwitterResponse } from 'twitter-api-v2';
import { defaultSleep, RateLimitedError, type PollDeps, type PollResult } from '../types.ts';
import { fromV2, type TweetV2, type UserV2 } from './parse.ts';
import { withRateLimit, respectRemaining, type RateOptions } from './rate.ts';
import type { XReadClient } from './client.ts';

export const TWEET_PARAMS = {
  'tweet.fields': 'created_at,author_id,conversation_id,referenced_tweets,note_tweet',
  expansions: 'author_id',
  'user.fields': 'username,name,public_metrics',
};

interface Page {
  data?: TweetV2[];
  includes?: { users?: UserV2[] };
  meta?: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string };
}

/** Stored in cursors.value as JSON. */
export interface TimelineState {
  sinceId?: string;
  /** Mid-pagination: where to continue, and the newest id of this run's first page. */
  resume?: { nextToken: string; newestId?: string };
  /** Mentions timeline: the account's user id, looked up once. */
  userId?: string;
}

export const parseState = (value: string | null): TimelineState => {
  if (!value) return {};
  try {
    return JSON.parse(value) as TimelineState;
  } catch {
    return /^\d+$/.test(value) ? { sinceId: value } : {};
  }
};

export interface XPollOptions {
  maxWaitMs: number;
}

export interface Timeline {
  key: string;
  kind: 'search' | 'mentions';
  /** Endpoint relative to /2/, e.g. tweets/search/recent or users/123/mentions. */
  endpoint: string;
  params: Record<string, string | number>;
  /** search/recent pages with next_token; the user timelines with pagination_token. */
  tokenParam: 'next_token' | 'pagination_token';
}

export async function pollTimeline(
  client: XReadClient,
  t: Timeline,
  deps: PollDeps,
  opts: XPollOptions,
  initial?: TimelineState,
): Promise<PollResult> {
  const rate: RateOptions = { maxWaitMs: opts.maxWaitMs, sleep: deps.sleep ?? defaultSleep, now: deps.now ?? Date.now };
  const state = initial ?? parseState((await deps.cursors.get('twitter', t.key)).value);
  const result: PollResult = { accepted: 0, duplicates: 0, read: 0 };
  try {
    await readPages(client, t, deps, rate, state, result);
    return result;
  } catch (err) {
    // Stopped by a rate limit: what was read is in the inbox and the cursor holds the next token.
    if (err instanceof RateLimitedError) return { ...result, pausedUntil: err.until };
    throw err;
  }
}

async function readPages(
  client: XReadClient,
  t: Timeline,
  deps: PollDeps,
  rate: RateOptions,
  state: TimelineState,
  result: PollResult,
): Promise<void> {
  let nextToken = state.resume?.nextToken;
  let newestId = state.resume?.newestId;
  const seenTokens = new Set<string>();
  for (;;) {
    const query = {
      ...t.params,
      ...TWEET_PARAMS,
      max_results: 100,
      ...(state.sinceId ? { since_id: state.sinceId } : {}),
      ...(nextToken ? { [t.tokenParam]: nextToken } : {}),
    };
    const page: TwitterResponse<Page> = await withRateLimit(
      () => client.get<Page>(t.endpoint, query, { fullResponse: true }),
      rate,
    );
    const tweets = page.data.data ?? [];
    result.read += tweets.length;
    await deps.countUsage('twitter', t.kind, tweets.length);
    if (tweets.length) {
      const r = await deps.ingest(fromV2(tweets, page.data.includes?.users));
      result.accepted += r.accepted;
      result.duplicates += r.duplicates;
    }
    if (!nextToken) newestId = page.data.meta?.newest_id;
    const next = page.data.meta?.next_token;
    if (next && !seenTokens.has(next)) {
      seenTokens.add(next);
      nextToken = next;
      // Saved only now that this page is in the inbox: a restart re-reads nothing and skips nothing.
      await deps.cursors.save('twitter', t.key, {
        value: JSON.stringify({ ...state, resume: { nextToken, newestId } }),
      });
      await respectRemaining(page.rateLimit, rate);
      continue;
    }
    // The last page (or a repeated next_token, plhery/node-twitter-api-v2#404): since_id moves to the
    // newest post of the run's first page.
    const sinceId = newestId ?? state.sinceId;
    const { resume: _done, ...rest } = state;
    await deps.cursors.save('twitter', t.key, { value: JSON.stringify({ ...rest, ...(sinceId ? { sinceId } : {}) }) });
    return;
  }
}

export function searchTimeline(key: string, query: string): Timeline {
  return { key, kind: 'search', endpoint: 'tweets/search/recent', params: { query }, tokenParam: 'next_token' };
}

/** Looks up the handle's user id once (kept in the cursor), then polls its mentions timeline. */
export async function pollMentions(
  client: XReadClient,
  key: string,
  handle: string,
  deps: PollDeps,
  opts: XPollOptions,
): Promise<PollResult> {
  const state = parseState((await deps.cursors.get('twitter', key)).value);
  if (!state.userId) {
    const rate: RateOptions = {
      maxWaitMs: opts.maxWaitMs,
      sleep: deps.sleep ?? defaultSleep,
      now: deps.now ?? Date.now,
    };
    const user = await withRateLimit(
      () => client.get<{ data?: { id: string } }>(`users/by/username/${encodeURIComponent(handle)}`),
      rate,
    );
    if (!user.data?.id) throw new Error(`X has no user @${handle}`);
    state.userId = user.data.id;
    await deps.cursors.save('twitter', key, { value: JSON.stringify(state) });
  }
  return pollTimeline(
    client,
    { key, kind: 'mentions', endpoint: `users/${state.userId}/mentions`, params: {}, tokenParam: 'pagination_token' },
    deps,
    opts,
    state,
  );
}
