/**
 * X in: the real adapters (twitter-api-v2, fetch) against the fake X over HTTP, real PostgreSQL, real
 * BullMQ. N posts on the fake → exactly N mentions, through paging, restarts, rate limits and 429 storms.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import { openRuntime } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { keyOf } from '../../src/channels/config.ts';
import { startTestWorker, type TestWorker } from '../helpers/worker.ts';
import { getCursor } from '../../src/storage/cursors.ts';

const BEARER = 'fake-bearer-AAAA';
const CONSUMER_SECRET = 'fake-consumer-secret-BBBB';
const QUERY = 'lumio -is:retweet';
const SEARCH_KEY = keyOf('search-', QUERY);

let x: FakeX;
let rt: TestRuntime;
let app: FastifyInstance;
let testWorker: TestWorker;

const count = async (sql: string, params: unknown[] = []) =>
  Number((await rt.db.query<{ n: string }>(sql, params)).rows[0]?.n);
const mentionsOnX = () => count(`SELECT count(*) AS n FROM mentions WHERE source = 'twitter'`);
const searchCalls = () => x.log.filter((l) => l.path === '/2/tweets/search/recent');

beforeAll(async () => {
  x = await startFakeX({ bearerToken: BEARER, consumerKey: 'fake-consumer-key', heartbeatMs: 100 });
  x.user('lumio_support');
  rt = await testRuntime({
    env: {
      X_BEARER_TOKEN: BEARER,
      X_CONSUMER_KEY: 'fake-consumer-key',
      X_CONSUMER_SECRET: CONSUMER_SECRET,
      X_QUERIES: QUERY,
      X_ACCOUNTS: 'lumio_support',
      X_API_BASE: x.url,
      X_MAX_RATE_WAIT_MS: '5000',
    },
  });
  testWorker = await startTestWorker(rt);
  ({ app } = testWorker);
});

afterAll(async () => {
  await testWorker?.stop();
  await rt?.close();
  await x?.close();
});

describe('X recent search', () => {
  it('reads N posts over several pages into exactly N mentions, and the next poll reads nothing again', async () => {
    for (let i = 0; i < 250; i++) x.tweet(`my lumio X200 keeps rebooting, attempt ${i}`, `customer${i % 40}`);
    const first = await rt.channels.poll('twitter', SEARCH_KEY);
    expect(first).toMatchObject({ status: 'ok', read: 250, accepted: 250 });
    expect(searchCalls()).toHaveLength(3); // 100 + 100 + 50
    await drained(rt);
    expect(await mentionsOnX()).toBe(250);

    const cursor = JSON.parse((await getCursor(rt.db, 'twitter', SEARCH_KEY)).value!);
    expect(cursor).toEqual({ sinceId: x.tweets[x.tweets.length - 1]!.id }); // the first page's newest_id

    const again = await rt.channels.poll('twitter', SEARCH_KEY);
    expect(again).toMatchObject({ status: 'ok', read: 0 });
    expect(searchCalls().at(-1)!.query.get('since_id')).toBe(cursor.sinceId);
  });

  it('waits out a 429 storm until x-rate-limit-reset and loses nothing', async () => {
    for (let i = 0; i < 120; i++) x.tweet(`lumio battery drains overnight ${i}`, `storm${i % 10}`);
    const before = searchCalls().length;
    const reset = x.rateLimitStorm(/^\/2\/tweets\/search\/recent$/, 3, 1);
    const r = await rt.channels.poll('twitter', SEARCH_KEY);
    expect(r).toMatchObject({ status: 'ok', read: 120, accepted: 120 });
    const calls = searchCalls().slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 429, 429, 200, 200]);
    // No call was made again before the announced reset (x-rate-limit-reset, unix seconds).
    expect(calls[1]!.at).toBeGreaterThanOrEqual(reset * 1000);
    await drained(rt);
    expect(await mentionsOnX()).toBe(370);
  });

  it('stops at an exhausted window mid-pagination without advancing since_id, and a restarted process resumes', async () => {
    const sinceBefore = JSON.parse((await getCursor(rt.db, 'twitter', SEARCH_KEY)).value!).sinceId;
    for (let i = 0; i < 230; i++) x.tweet(`lumio app crashes on login ${i}`, `late${i % 7}`);
    // One call left in a window that resets in an hour: page 1 is read, the rest must wait.
    x.window(/^\/2\/tweets\/search\/recent$/, 1, 3600);
    const r = await rt.channels.poll('twitter', SEARCH_KEY);
    expect(r).toMatchObject({ status: 'rate_limited', read: 100 });
    const paused = await getCursor(rt.db, 'twitter', SEARCH_KEY);
    const state = JSON.parse(paused.value!);
    expect(state.sinceId).toBe(sinceBefore); // not advanced past the 130 unread posts
    expect(state.resume.nextToken).toBeTruthy();
    expect(paused.pausedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await rt.channels.poll('twitter', SEARCH_KEY)).toMatchObject({ status: 'skipped' });

    // "Restart": a new process on the same database, after the window reset.
    x.window(/^\/2\/tweets\/search\/recent$/, 450, 900);
    await rt.db.query(`UPDATE cursors SET paused_until = now() WHERE source = 'twitter'`);
    const other = await openRuntime(rt.config, createLogger({ level: 'silent' }));
    try {
      const resumed = await other.channels.poll('twitter', SEARCH_KEY);
      expect(resumed).toMatchObject({ status: 'ok', read: 130, accepted: 130 });
      expect(searchCalls().at(-2)!.query.get('next_token')).toBe(state.resume.nextToken);
    } finally {
      await other.close();
    }
    await drained(rt);
    expect(await mentionsOnX()).toBe(600);
    const done = JSON.parse((await getCursor(rt.db, 'twitter', SEARCH_KEY)).value!);
    expect(done).toEqual({ sinceId: x.tweets[x.tweets.length - 1]!.id });
  });

  it('counts the posts it read today and shows them in the API and metrics', async () => {
    const res = await app.inject({
      url: '/api/sources',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().read_today.twitter).toBe(600);
    expect(res.json().sources.map((s: { key: string }) => s.key)).toEqual(
      expect.arrayContaining([SEARCH_KEY, 'mentions-lumio_support']),
    );
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('earshot_source_posts_read_today{source="twitter"} 600');
  });
});

describe('X mentions timeline', () => {
  it('looks the brand account up once and reads its mentions with since_id', async () => {
    for (let i = 0; i < 12; i++) x.tweet(`@lumio_support where is my refund ${i}`, `refund${i}`, { stream: false });
    const r = await rt.channels.poll('twitter', 'mentions-lumio_support');
    expect(r).toMatchObject({ status: 'ok', read: 12, accepted: 12 });
    const again = await rt.channels.poll('twitter', 'mentions-lumio_support');
    expect(again).toMatchObject({ status: 'ok', read: 0 });
    expect(x.log.filter((l) => l.path.startsWith('/2/users/by/username/'))).toHaveLength(1);
  });
});

describe('X failures', () => {
  it('marks a source that keeps failing unhealthy in /ready, the API and /metrics, and recovers', async () => {
    x.faults.push({
      path: /^\/2\/users\/\d+\/mentions$/,
      status: 503,
      times: 3,
      body: { title: 'Service Unavailable', type: 'about:blank', status: 503 },
    });
    for (let i = 0; i < 3; i++)
      expect(await rt.channels.poll('twitter', 'mentions-lumio_support')).toMatchObject({ status: 'failed' });
    const ready = (await app.inject({ url: '/ready' })).json();
    expect(ready.checks['source:twitter/mentions-lumio_support']).toMatch(/^failing: X answered 503/);
    expect(ready.checks[`source:twitter/${SEARCH_KEY}`]).toMatch(/^ok/);
    expect((await app.inject({ url: '/metrics' })).body).toContain(
      'earshot_source_healthy{source="twitter",key="mentions-lumio_support"} 0',
    );
    // The other source still polls.
    expect(await rt.channels.poll('twitter', SEARCH_KEY)).toMatchObject({ status: 'ok' });
    expect(await rt.channels.poll('twitter', 'mentions-lumio_support')).toMatchObject({ status: 'ok' });
    expect((await app.inject({ url: '/ready' })).json().checks['source:twitter/mentions-lumio_support']).toMatch(/^ok/);
  });
});

describe('X webhooks', () => {
  const sign = (body: string) => `sha256=${createHmac('sha256', CONSUMER_SECRET).update(body).digest('base64')}`;
  const event = (id: string, text: string) =>
    JSON.stringify({
      for_user_id: '1000',
      tweet_create_events: [
        {
          id_str: id,
          text,
          created_at: 'Wed Oct 10 20:19:24 +0000 2018',
          user: { id_str: '77', screen_name: 'hooked', name: 'Hooked', followers_count: 3 },
        },
      ],
    });

  it('answers the CRC with the HMAC of the consumer secret', async () => {
    const res = await app.inject({ url: '/webhooks/twitter?crc_token=challenge123' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      response_token: `sha256=${createHmac('sha256', CONSUMER_SECRET).update('challenge123').digest('base64')}`,
    });
  });

  it('stores a replayed delivery once and refuses bad signatures with nothing stored', async () => {
    const body = event('1999000000000000001', 'lumio X200 screen flickers after the update');
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({
          method: 'POST',
          url: '/webhooks/twitter',
          headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(body) },
          payload: body,
        }),
      ),
    );
    expect(statuses.map((s) => s.statusCode)).toEqual(Array(10).fill(200));
    expect(statuses.reduce((n, s) => n + s.json().accepted, 0)).toBe(1);

    const forged = event('1999000000000000002', 'forged');
    for (const signature of [sign(body), 'sha256=AAAA', undefined]) {
      const res = await app.inject({
        method: 'POST',
        url: '/webhooks/twitter',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-twitter-webhooks-signature': signature } : {}),
        },
        payload: forged,
      });
      expect(res.statusCode).toBe(401);
    }
    expect(
      await count(`SELECT count(*) AS n FROM inbox WHERE source = 'twitter' AND external_id LIKE '19990000000000000%'`),
    ).toBe(1);
    const proto = '{"__proto__":{"polluted":true},"tweet_create_events":[]}';
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/webhooks/twitter',
          headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sign(proto) },
          payload: proto,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('answers 404 when the consumer secret is not configured', async () => {
    const bare = await buildApp({
      ...rt,
      config: {
        ...rt.config,
        channels: { ...rt.config.channels, x: { ...rt.config.channels.x, consumerSecret: null } },
      },
      sourceHealth: async () => ({}),
    });
    expect((await bare.inject({ url: '/webhooks/twitter?crc_token=x' })).statusCode).toBe(404);
    expect(
      (
        await bare.inject({
          method: 'POST',
          url: '/webhooks/twitter',
          headers: { 'content-type': 'application/json' },
          payload: '{}',
        })
      ).statusCode,
    ).toBe(404);
    await bare.close();
  });
});

/** Waits for a condition (no timing assertion: it only bounds how long the test may hang). */
async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('X filtered stream', () => {
  it('syncs rules, takes posts, reconnects after silence and after a drop, and stores each post once', async () => {
    const config = {
      ...rt.config,
      channels: { ...rt.config.channels, x: { ...rt.config.channels.x, stream: true, streamHeartbeatMs: 400 } },
    };
    const other = await openRuntime(config, createLogger({ level: 'silent' }));
    const stream = await other.channels.startStream();
    try {
      expect(x.rules.map((r) => r.value)).toEqual([QUERY]);
      await until(() => x.streamConnections === 1, 'the stream to connect');
      const streamed = () =>
        count(`SELECT count(*) AS n FROM inbox WHERE source = 'twitter' AND payload->>'text' LIKE 'streamed lumio%'`);
      for (let i = 0; i < 5; i++) x.tweet(`streamed lumio post ${i}`, `streamer${i}`);
      await until(async () => (await streamed()) === 5, '5 streamed posts');

      x.silence(true); // connection stays open, heartbeats stop: earshot must notice and reconnect
      await until(() => x.streamConnections === 2, 'a reconnect after the heartbeat timeout');
      x.silence(false);
      x.dropStreams();
      await until(() => x.streamConnections === 3, 'a reconnect after a dropped connection');
      for (let i = 5; i < 10; i++) x.tweet(`streamed lumio post ${i}`, `streamer${i}`);
      await until(async () => (await streamed()) === 10, '10 streamed posts');
      expect(await streamed()).toBe(10);
    } finally {
      await stream?.stop();
      await other.close();
    }
  });
});

describe('X polling on a schedule', () => {
  it('polls through BullMQ job schedulers started by the service', async () => {
    const { startService } = await import('../../src/runtime.ts');
    const config = {
      ...rt.config,
      channels: { ...rt.config.channels, x: { ...rt.config.channels.x, pollIntervalMs: 1000 } },
    };
    const other = await openRuntime(config, createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
    const service = await startService(other, { api: false, worker: true });
    try {
      await drained(rt); // the stream test's posts are through the pipeline before counting
      const before = await mentionsOnX();
      for (let i = 0; i < 7; i++) x.tweet(`scheduled lumio complaint ${i}`, `sched${i}`, { stream: false });
      await until(async () => (await mentionsOnX()) === before + 7, 'the scheduled poll to bring 7 posts in');
      // Every post on the fake, however it came (search, mentions, stream, restarts, storms), once; plus the webhook's.
      expect(await mentionsOnX()).toBe(x.tweets.length + 1);
    } finally {
      await service.stop();
    }
  });
});
