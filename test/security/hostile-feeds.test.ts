/**
 * Hostile Atom feeds polled by a live server: entity bombs, deep nesting, huge and truncated
 * documents each fail that feed's poll with a clear reason in /ready (never a crash, a hang or a
 * blown heap), a healthy feed next to them keeps flowing, and the server keeps serving with its
 * memory flat.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { rssTroughs } from '../helpers/attack.ts';
import { startFakeAlerts, type FakeAlerts } from '../fakes/alerts.ts';

const FEED_HEAD =
  '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">' +
  '<id>tag:google.com,2005:reader/user/1/state/com.google/alerts/9</id><title>x</title>';
const entry = (body: string) =>
  `<entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">${body}</title>` +
  '<link href="https://example.com/a"/><published>2026-01-01T00:00:00Z</published></entry>';

/** Entities lol1 … lol9, each ten references to the one before it. */
const LAUGHS = Array.from(
  { length: 9 },
  (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
).join('');

/** Alert id → [hostile body, what /ready must say about it]. */
const HOSTILE: Record<string, [string, RegExp]> = {
  // Billion laughs: ten levels of ten references.
  '3000000000000000001': [
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${LAUGHS}]>${FEED_HEAD}${entry('&lol9;')}</feed>`,
    /DOCTYPE or ENTITY: refused/,
  ],
  // External entity (XXE) reaching for a local file.
  '3000000000000000002': [
    `<?xml version="1.0"?><!DOCTYPE f [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${FEED_HEAD}${entry('&xxe;')}</feed>`,
    /DOCTYPE or ENTITY: refused/,
  ],
  // 100,000 nested elements.
  '3000000000000000003': [
    `${FEED_HEAD}${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</feed>`,
    /nest|deep|depth|not well-formed/i,
  ],
  // 3 MB, over GOOGLE_ALERTS_MAX_BYTES (2 MB).
  '3000000000000000004': [`${FEED_HEAD}${entry('x'.repeat(3 * 1024 * 1024))}</feed>`, /byte|large|limit|MB/i],
  // Cut off mid-document.
  '3000000000000000005': [`${FEED_HEAD}${entry('cut')}`.slice(0, -30), /not well-formed/],
  // A million numeric character references in one title.
  '3000000000000000006': [`${FEED_HEAD}${entry('&#x41;'.repeat(300_000))}</feed>`, /.*/],
};
const GOOD = '3999999999999999999';

let server: LiveServer;
let feeds: FakeAlerts;

beforeAll(async () => {
  feeds = await startFakeAlerts();
  const urls = [...Object.keys(HOSTILE), GOOD].map((id) => feeds.feed(id));
  for (const [id, [body]] of Object.entries(HOSTILE)) feeds.override(id, body);
  feeds.entry(GOOD, 'Lumio X200 recall', 'https://news.example.com/lumio/recall');
  server = await startLiveServer({
    env: { GOOGLE_ALERTS_FEEDS: urls.join(','), GOOGLE_ALERTS_POLL_INTERVAL_MS: '1000', EARSHOT_SOURCE_FAILURES: '1' },
  });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await feeds?.close();
}, 120_000);

describe('hostile feeds', () => {
  it(
    'fails each hostile feed with a clear reason, keeps the healthy one flowing, keeps serving with flat memory',
    { timeout: 300_000 },
    async () => {
      const checksFor = async () =>
        ((await (await server.api('/ready')).json()) as { checks: Record<string, string> }).checks;
      const sourceChecks = (checks: Record<string, string>) =>
        Object.entries(checks).filter(([k]) => k.startsWith('source:google-alerts'));
      let checks: Record<string, string> = {};
      const started = Date.now();
      // First round: every hostile feed has been fetched and refused once. The heap has then grown to
      // what one round of these documents needs; memory is measured from there.
      while (Date.now() - started < 120_000) {
        checks = await checksFor();
        const failing = sourceChecks(checks).filter(([, v]) => v.startsWith('failing'));
        const good = Number(
          (
            await server.database.db.query<{ n: string }>(
              "SELECT count(*) AS n FROM mentions WHERE source = 'google-alerts'",
            )
          ).rows[0]?.n,
        );
        if (failing.length >= 5 && good >= 1) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // Then 60 more rounds, each feed fetched and refused again every second, memory sampled throughout.
      const troughs = await rssTroughs(server.child.proc.pid as number, 60_000);
      console.log(
        `[attack] server RSS low points ${troughs.firstMb} MB (first 30 s), ${troughs.secondMb} MB (last 30 s)`,
      );
      expect(troughs.secondMb).toBeLessThan(troughs.firstMb * 1.5);
      checks = await checksFor();
      const states = sourceChecks(checks);
      console.log(states.map(([k, v]) => `${k} = ${v.slice(0, 120)}`).join('\n'));
      expect(states).toHaveLength(Object.keys(HOSTILE).length + 1);
      const reasons = states.map(([, v]) => v).join('\n');
      for (const [id, [, reason]] of Object.entries(HOSTILE)) {
        if (reason.source === '.*') continue; // harmless text: may be accepted
        expect(reasons, id).toMatch(reason);
      }
      expect(reasons).not.toMatch(/stack size|RangeError|heap/i);
      const stored = (
        await server.database.db.query<{ text: string }>("SELECT text FROM mentions WHERE source = 'google-alerts'")
      ).rows.map((r) => r.text);
      expect(stored.some((t) => t.startsWith('Lumio X200 recall'))).toBe(true);
      expect(stored.join('')).not.toMatch(/lollol|root:x:0/);
      expect((await server.api('/health')).status).toBe(200);
    },
  );
});
