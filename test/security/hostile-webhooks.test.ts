/**
 * Hostile webhook deliveries against a live server: forged, truncated and missing signatures are
 * refused (401) before the body is parsed, replays store one mention, oversized bodies get 413, other
 * content types 415, and a signed `__proto__` body is refused without touching anything. The server
 * keeps serving and its memory stays flat.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { watchMemory, postStatus, type MemoryWatch } from '../helpers/attack.ts';

const X_SECRET = 'hostile-x-consumer-secret-0123456789';
const FB_SECRET = 'hostile-fb-app-secret-0123456789';
const xSign = (body: string | Buffer) => `sha256=${createHmac('sha256', X_SECRET).update(body).digest('base64')}`;
const fbSign = (body: string | Buffer) => `sha256=${createHmac('sha256', FB_SECRET).update(body).digest('hex')}`;
let seq = 0;
const tweet = (id = `1888${Date.now()}${seq++}`) =>
  JSON.stringify({
    for_user_id: '1000',
    tweet_create_events: [
      {
        id_str: id,
        text: 'my lumio x200 keeps rebooting',
        created_at: 'Wed Oct 10 20:19:24 +0000 2018',
        user: { id_str: '77', screen_name: 'hostile', followers_count: 3 },
      },
    ],
  });

let server: LiveServer;
let memory: MemoryWatch;
const count = async (sql: string) => Number((await server.database.db.query<{ n: string }>(sql)).rows[0]?.n);
const postX = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${server.base}/webhooks/twitter`, { method: 'POST', headers, body });

beforeAll(async () => {
  server = await startLiveServer({
    env: { X_CONSUMER_SECRET: X_SECRET, FACEBOOK_APP_SECRET: FB_SECRET, FACEBOOK_VERIFY_TOKEN: 'hostile-verify-token' },
  });
  // Warm up (JIT, pools, first parses) before the memory baseline.
  for (let i = 0; i < 20; i++)
    await postX(tweet(), { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(tweet()) });
  memory = watchMemory(server);
}, 180_000);
afterAll(async () => {
  await memory.expectFlat();
  await server.stop();
}, 120_000);

describe('hostile webhook deliveries', () => {
  it(
    'refuses any forged, truncated or missing signature with 401 and stores nothing (property)',
    { timeout: 300_000 },
    async () => {
      const before = await count('SELECT count(*) AS n FROM inbox');
      const body = tweet();
      const good = xSign(body);
      const header = fc
        .oneof(
          fc.string({ maxLength: 100 }),
          fc.nat({ max: good.length - 1 }).map((n) => good.slice(0, n)), // truncated
          fc
            .tuple(
              fc.nat({ max: good.length - 1 }),
              fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='),
            )
            .map(([i, ch]) => good.slice(0, i) + ch + good.slice(i + 1)),
          fc.constant(`sha256=${createHmac('sha256', 'another-secret').update(body).digest('base64')}`),
          fc.constant(good.replace('sha256=', 'sha1=')),
        )
        .filter((h) => h !== good && /^[\t\x20-\x7e]*$/.test(h));
      await fc.assert(
        fc.asyncProperty(header, fc.boolean(), async (sig, truncateBody) => {
          const sent = truncateBody ? body.slice(0, body.length - 5) : body;
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (sig !== '') headers['x-twitter-webhooks-signature'] = sig;
          const res = await postX(sent, headers);
          expect(res.status).toBe(401);
        }),
        { numRuns: 150 },
      );
      // A valid signature over a body cut short in transit fails too.
      expect(
        (await postX(body.slice(0, 40), { 'content-type': 'application/json', 'x-twitter-webhooks-signature': good }))
          .status,
      ).toBe(401);
      expect(await count('SELECT count(*) AS n FROM inbox')).toBe(before);
    },
  );

  it('refuses a Facebook delivery with a bad signature with 401 before parsing (even when the body is not JSON)', async () => {
    const junk = '{"object":"page","entry":[{{{';
    expect(
      (
        await fetch(`${server.base}/webhooks/facebook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
          body: junk,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${server.base}/webhooks/facebook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: junk,
        })
      ).status,
    ).toBe(401);
    // Signed but not JSON: 400 only once the signature checked out.
    expect(
      (
        await fetch(`${server.base}/webhooks/facebook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': fbSign(junk) },
          body: junk,
        })
      ).status,
    ).toBe(400);
  });

  it('stores one mention for 100 replays of one delivery, sent at once', async () => {
    const id = `1777${Date.now()}`;
    const body = tweet(id);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        postX(body, { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(body) }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(100).fill(200));
    const accepted = (await Promise.all(replies.map((r) => r.json() as Promise<{ accepted: number }>))).reduce(
      (n, r) => n + r.accepted,
      0,
    );
    expect(accepted).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM inbox WHERE source = 'twitter' AND external_id = '${id}'`)).toBe(1);
    for (
      let i = 0;
      i < 100 &&
      (await count(`SELECT count(*) AS n FROM mentions WHERE source = 'twitter' AND external_id = '${id}'`)) === 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 200));
    expect(await count(`SELECT count(*) AS n FROM mentions WHERE source = 'twitter' AND external_id = '${id}'`)).toBe(
      1,
    );
  });

  it('answers 413 to a 10 MB body, signed or not', async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 0x20);
    expect(
      await postStatus(
        `${server.base}/webhooks/twitter`,
        { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(huge) },
        huge,
      ),
    ).toBe(413);
    expect(
      await postStatus(
        `${server.base}/webhooks/facebook`,
        { 'content-type': 'application/json', 'x-hub-signature-256': fbSign(huge) },
        huge,
      ),
    ).toBe(413);
    expect(await postStatus(`${server.base}/webhooks/twitter`, { 'content-type': 'application/json' }, huge)).toBe(413);
  });

  it('answers 415 to any content type other than JSON, signed or not', async () => {
    const body = tweet();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ]) {
      expect(
        (await postX(body, { 'content-type': type, 'x-twitter-webhooks-signature': xSign(body) })).status,
        type,
      ).toBe(415);
      expect(
        (
          await fetch(`${server.base}/webhooks/facebook`, {
            method: 'POST',
            headers: { 'content-type': type, 'x-hub-signature-256': fbSign(body) },
            body,
          })
        ).status,
        type,
      ).toBe(415);
    }
    expect(
      (
        await postX(body, {
          'content-type': 'application/json; charset=utf-8',
          'x-twitter-webhooks-signature': xSign(body),
        })
      ).status,
    ).toBe(200);
  });

  it('refuses a signed __proto__ or constructor body with 400 and stays unpolluted', async () => {
    for (const body of [
      '{"__proto__":{"polluted":true},"tweet_create_events":[]}',
      '{"tweet_create_events":[{"__proto__":{"id_str":"1"},"text":"x"}]}',
      '{"constructor":{"prototype":{"polluted":true}},"tweet_create_events":[]}',
    ]) {
      expect(
        (await postX(body, { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(body) })).status,
        body,
      ).toBe(400);
    }
    // Had anything been polluted, objects built afterwards would carry it; a fresh delivery still works normally.
    const body = tweet();
    const res = await postX(body, { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSign(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
  });
});
