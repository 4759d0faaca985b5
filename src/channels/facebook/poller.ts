/**
 * Polls a page's (or a still-readable group's) feed and the comments under each post. Graph's `since`
 * filters on updated_time (a new comment bumps its post), so the cursor is the newest updated_time
 * seen, saved only after everything read is in the inbox; a minute of overlap is re-read and absorbed
 * by the inbox's unique key. Meta's usage headers are honoured before Meta blocks us: at 90 % of any
 * counter, or on a throttling error (codes 4/17/32/613/8000x), the poll stops and the source pauses.
 */
import type { MentionInput } from '../../domain/mention.ts';
import { RateLimitedError, type PollDeps, type PollResult } from '../types.ts';
import { GraphApiError, type GraphClient, type Usage } from './graph.ts';
import { isFacebookId } from '../../domain/platform-ids.ts';
import { postToMention, commentToMention, type GraphPost, type GraphComment } from './parse.ts';

export interface FeedTarget {
  key: string;
  /** Page or group id. */
  id: string;
  token: string;
}

const POST_FIELDS = 'id,message,from{id,name},created_time,updated_time,permalink_url';
const COMMENT_FIELDS = 'id,message,from{id,name},created_time,parent{id},permalink_url';
const OVERLAP_S = 60;
export const FIRST_POLL_DAYS = 7;
export const USAGE_LIMIT_PERCENT = 90;
const DEFAULT_PAUSE_MIN = 10;

function checkUsage(usage: Usage, now: number): void {
  if (usage.maxPercent >= USAGE_LIMIT_PERCENT) {
    throw new RateLimitedError(
      new Date(now + (usage.regainAccessMinutes ?? DEFAULT_PAUSE_MIN) * 60_000),
      `Graph usage at ${usage.maxPercent}%: backing off`,
    );
  }
}

export async function pollFeed(graph: GraphClient, t: FeedTarget, deps: PollDeps): Promise<PollResult> {
  const now = deps.now ?? Date.now;
  const cursor = Number((await deps.cursors.get('facebook', t.key)).value ?? NaN);
  // The first poll of a page reads the last week, not the page's whole history (a years-long walk).
  const since = Number.isFinite(cursor) ? cursor - OVERLAP_S : Math.floor(now() / 1000) - FIRST_POLL_DAYS * 86_400;
  const result: PollResult = { accepted: 0, duplicates: 0, read: 0 };
  let newest = Number.isFinite(cursor) ? cursor : 0;
  try {
    for await (const page of graph.pages<GraphPost>(`${t.id}/feed`, t.token, {
      fields: POST_FIELDS,
      limit: 100,
      since,
    })) {
      checkUsage(page.usage, now());
      const mentions: MentionInput[] = [];
      for (const post of page.items) {
        const m = postToMention(post, t.id);
        if (m) mentions.push(m);
        // The id goes into the next Graph path: one that is not a Facebook id is not followed.
        if (!isFacebookId(post.id)) continue;
        for await (const c of graph.pages<GraphComment>(`${post.id}/comments`, t.token, {
          fields: COMMENT_FIELDS,
          filter: 'stream',
          limit: 100,
          since,
        })) {
          checkUsage(c.usage, now());
          result.read += c.items.length;
          await deps.countUsage('facebook', 'comments', c.items.length);
          for (const comment of c.items) {
            const cm = commentToMention(comment, post.id, t.id);
            if (cm) mentions.push(cm);
          }
        }
        const updated = Date.parse(
          (post.updated_time ?? post.created_time ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'),
        );
        if (Number.isFinite(updated)) newest = Math.max(newest, Math.floor(updated / 1000));
      }
      result.read += page.items.length;
      await deps.countUsage('facebook', 'posts', page.items.length);
      if (mentions.length) {
        const r = await deps.ingest(mentions);
        result.accepted += r.accepted;
        result.duplicates += r.duplicates;
      }
    }
  } catch (err) {
    if (err instanceof GraphApiError && err.isRateLimit) {
      throw new RateLimitedError(
        new Date(now() + (err.regainAccessMinutes ?? DEFAULT_PAUSE_MIN) * 60_000),
        err.message,
      );
    }
    throw err;
  }
  if (newest > 0) await deps.cursors.save('facebook', t.key, { value: String(newest) });
  return result;
}
