/**
 * A fake Google Alerts feed server. The Atom shape is that of real Alerts feeds as quoted in public
 * repositories' fixtures: feed id tag:google.com,2005:reader/user/…,
 * entry id tag:google.com,2013:googlealerts/feed:<number>, title/content type="html" with escaped <b>
 * highlights, links wrapped in https://www.google.com/url?rct=j&sa=t&url=<percent-encoded>&ct=ga&cd=…&usg=…,
 * and an empty <author><name/>. Conditional GET (ETag / Last-Modified → 304) as any HTTP server does.
 */
import { createHash } from 'node:crypto';
import { startServer, send, type FakeServer } from './http.ts';

export interface FakeEntry {
  id: string;
  title: string;
  url: string;
  snippet: string;
  published: string;
}

export interface FakeAlerts extends FakeServer {
  /** Feed path → entries, newest first. */
  feeds: Map<string, FakeEntry[]>;
  feed(alertId: string): string;
  entry(alertId: string, title: string, url: string, snippet?: string): FakeEntry;
  /** Serve this raw body for the feed instead (hostile input). */
  override(alertId: string, body: string | null): void;
  /** Serve an endless body for the feed; counts the bytes actually sent. */
  endless(alertId: string, on: boolean): void;
  bytesSent: number;
  notModified: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const USER = '06807031914929345698';
/** Alerts links go through Google's redirector, the target percent-encoded in `url`. */
const wrapped = (url: string) =>
  `https://www.google.com/url?rct=j&sa=t&url=${encodeURIComponent(url)}&ct=ga&cd=CAIyGjA&usg=AOvVaw0fake`;

export function atom(alertId: string, entries: FakeEntry[]): string {
  const items = entries
    .map(
      (e) =>
        `<entry><id>${e.id}</id><title type="html">${esc(e.title)}</title>` +
        `<link href="${esc(wrapped(e.url))}"/>` +
        `<published>${e.published}</published><updated>${e.published}</updated>` +
        `<content type="html">${esc(e.snippet)}</content><author><name/></author></entry>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">' +
    `<id>tag:google.com,2005:reader/user/${USER}/state/com.google/alerts/${alertId}</id><title>Google Alert - lumio</title>` +
    `<link href="https://www.google.com/alerts/feeds/${USER}/${alertId}" rel="self"/>` +
    `<updated>${entries[0]?.published ?? new Date().toISOString()}</updated>${items}</feed>`
  );
}

export async function startFakeAlerts(): Promise<FakeAlerts> {
  const feeds = new Map<string, FakeEntry[]>();
  const overrides = new Map<string, string>();
  const endlessFeeds = new Set<string>();
  let seq = 1_300_000_000_000_000; // below 2^53, so ++ moves it
  const stats = { bytesSent: 0, notModified: 0 };

  const server = await startServer((req, url, _body, res) => {
    const m = /^\/alerts\/feeds\/\d+\/(\w+)$/.exec(url.pathname);
    if (!m || !feeds.has(m[1]!)) return send(res, 404, 'Not Found');
    const alertId = m[1]!;
    if (endlessFeeds.has(alertId)) {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      const chunk = Buffer.alloc(64 * 1024, ' ');
      res.write('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) stats.bytesSent += chunk.length;
        if (!res.destroyed) res.once('drain', () => ((stats.bytesSent += chunk.length), pump()));
      };
      res.on('close', () => res.destroy());
      pump();
      return 200;
    }
    const body = overrides.get(alertId) ?? atom(alertId, feeds.get(alertId)!);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = new Date(
      Date.parse(feeds.get(alertId)![0]?.published ?? '2026-01-01T00:00:00Z'),
    ).toUTCString();
    if (req.headers['if-none-match'] === etag) {
      stats.notModified++;
      res.writeHead(304, { etag, 'last-modified': lastModified });
      res.end();
      return 304;
    }
    stats.bytesSent += Buffer.byteLength(body);
    return send(res, 200, body, {
      'content-type': 'application/atom+xml; charset=utf-8',
      etag,
      'last-modified': lastModified,
    });
  });

  return {
    ...server,
    feeds,
    get bytesSent() {
      return stats.bytesSent;
    },
    get notModified() {
      return stats.notModified;
    },
    feed(alertId) {
      if (!feeds.has(alertId)) feeds.set(alertId, []);
      return `${server.url}/alerts/feeds/06807031914929345698/${alertId}`;
    },
    entry(alertId, title, url, snippet = `... the <b>Lumio</b> X200 ${title.toLowerCase()} ...`) {
      const e: FakeEntry = {
        id: `tag:google.com,2013:googlealerts/feed:${seq++}`,
        title,
        url,
        snippet,
        published: new Date().toISOString(),
      };
      feeds.get(alertId)!.unshift(e);
      return e;
    },
    override(alertId, body) {
      if (body === null) overrides.delete(alertId);
      else overrides.set(alertId, body);
    },
    endless(alertId, on) {
      if (on) endlessFeeds.add(alertId);
      else endlessFeeds.delete(alertId);
    },
  };
}
