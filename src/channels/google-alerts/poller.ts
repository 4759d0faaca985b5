/**
 * Polls one Alerts feed with a conditional GET (If-None-Match / If-Modified-Since); a 304 costs
 * nothing. The body is read up to a cap and the download cancelled past it. The ETag/Last-Modified
 * are stored only after the entries are in the inbox. Links in entries are never fetched.
 */
import { ChannelHttpError, readCapped } from '../http.ts';
import type { PollDeps, PollResult } from '../types.ts';
import { parseAlertsFeed } from './parse.ts';

export interface AlertsFeed {
  key: string;
  url: string;
}

export async function pollAlertsFeed(
  feed: AlertsFeed,
  maxBytes: number,
  deps: PollDeps,
  timeoutMs = 30_000,
): Promise<PollResult & { notModified: boolean }> {
  const cursor = await deps.cursors.get('google-alerts', feed.key);
  const headers: Record<string, string> = { accept: 'application/atom+xml, application/xml;q=0.9' };
  if (cursor.etag) headers['if-none-match'] = cursor.etag;
  if (cursor.lastModified) headers['if-modified-since'] = cursor.lastModified;
  let res: Response;
  try {
    // redirect: 'manual' — a feed that moves is a configuration change, not something to follow blindly.
    res = await fetch(feed.url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ChannelHttpError(`feed unreachable: ${(err as Error).message}`, null);
  }
  if (res.status === 304) {
    await res.body?.cancel().catch(() => {});
    return { accepted: 0, duplicates: 0, read: 0, notModified: true };
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new ChannelHttpError(`feed answered ${res.status}`, res.status);
  }
  const mentions = parseAlertsFeed(await readCapped(res, maxBytes));
  await deps.countUsage('google-alerts', 'entries', mentions.length);
  const r = mentions.length ? await deps.ingest(mentions) : { accepted: 0, duplicates: 0 };
  await deps.cursors.save('google-alerts', feed.key, {
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
  });
  return { ...r, read: mentions.length, notModified: false };
}
