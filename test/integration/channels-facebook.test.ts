/**
 * Facebook in: our Graph client against the fake Graph over HTTP (appsecret_proof checked), real
 * PostgreSQL and BullMQ; webhooks batched, replayed, edited and removed as Meta sends them.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { startFakeGraph, feedDelivery, type FakeGraph } from '../fakes/graph.ts';
import { openRuntime } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { startTestWorker, type TestWorker } from '../helpers/worker.ts';
import { getCursor } from '../../src/storage/cursors.ts';

const APP_SECRET = 'fake-app-secret-CCCC';
const VERIFY = 'fake-verify-token-DDDD';
const PAGE = '111222333';
const PAGE_TOKEN = 'EAAfakepagetoken';
const KEY = `page-${PAGE}`;

let g: FakeGraph;
let rt: TestRuntime;
let app: FastifyInstance;
let testWorker: TestWorker;

const count = async (sql: string, params: unknown[] = []) =>
  Number((await rt.db.query<{ n: string }>(sql, params)).rows[0]?.n);
const fbMentions = () => count(`SELECT count(*) AS n FROM mentions WHERE source = 'facebook'`);
/** Customer posts and comments on the fake (the page's own posts are not mentions). */
const onFake = () =>
  [...g.posts.values()]
    .flat()
    .reduce((n, p) => n + (p.from.id === PAGE ? 0 : 1) + p.comments.filter((c) => c.from.id !== PAGE).length, 0);

beforeAll(async () => {
  g = await startFakeGraph({ appSecret: APP_SECRET, version: 'v26.0' });
  g.page(PAGE, PAGE_TOKEN);
  rt = await testRuntime({
    env: {
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: VERIFY,
      FACEBOOK_PAGE_TOKENS: `${PAGE}:${PAGE_TOKEN}`,
      FACEBOOK_GRAPH_BASE: g.url,
    },
  });
  testWorker = await startTestWorker(rt);
  ({ app } = testWorker);
});

afterAll(async () => {
  await testWorker?.stop();
  await rt?.close();
  await g?.close();
});

describe('Facebook page polling', () => {
  it('reads the feed and the comments under each post over several pages: N on the fake → N mentions', async () => {
    g.post(PAGE, 'Our new firmware is out!', { id: PAGE, name: 'Lumio' }); // the brand's own post: not a mention
    for (let i = 0; i < 130; i++) {
      const p = g.post(PAGE, `Lumio X200 will not pair with my phone (${i})`);
      if (i % 10 === 0) for (let c = 0; c < 120; c++) g.comment(p.id, `same here, comment ${c} on ${i}`);
    }
    const r = await rt.channels.poll('facebook', KEY);
    expect(r).toMatchObject({ status: 'ok', accepted: 130 + 13 * 120 });
    expect(g.log.filter((l) => l.path.endsWith(`/${PAGE}/feed`))).toHaveLength(2); // 131 posts, 100 a page
    expect(g.log.every((l) => l.query.get('appsecret_proof') && !l.query.get('access_token'))).toBe(true);
    await drained(rt);
    expect(await fbMentions()).toBe(onFake());
  });

  it('polls again from its cursor, picks up a new comment under an old post, and keeps the first text of an edited post', async () => {
    const cursor = Number((await getCursor(rt.db, 'facebook', KEY)).value);
    expect(cursor).toBeGreaterThan(0);
    const quiet = await rt.channels.poll('facebook', KEY);
    expect(quiet).toMatchObject({ status: 'ok', accepted: 0 });
    expect(
      Number(
        g.log
          .filter((l) => l.path.endsWith('/feed'))
          .at(-1)!
          .query.get('since'),
      ),
    ).toBe(cursor - 60);

    const old = [...g.posts.get(PAGE)!][5]!;
    g.comment(old.id, 'still broken for me too');
    g.edit(old.id, 'EDITED: Lumio X200 pairs now');
    const r = await rt.channels.poll('facebook', KEY);
    expect(r).toMatchObject({ status: 'ok', accepted: 1 });
    await drained(rt);
    expect(await fbMentions()).toBe(onFake());
    const text = (await rt.db.query<{ text: string }>('SELECT text FROM mentions WHERE external_id = $1', [old.id]))
      .rows[0]?.text;
    expect(text).not.toContain('EDITED');
  });

  it('backs off on a throttling error (code 32) without moving its cursor, and a restarted process finishes the job', async () => {
    const cursorBefore = (await getCursor(rt.db, 'facebook', KEY)).value;
    for (let i = 0; i < 40; i++) g.post(PAGE, `Lumio app logs me out every hour (${i})`);
    g.fail(/\/comments$/, 1, 400, 32, '(#32) Page request limit reached');
    const r = await rt.channels.poll('facebook', KEY);
    expect(r).toMatchObject({ status: 'rate_limited' });
    expect((await getCursor(rt.db, 'facebook', KEY)).value).toBe(cursorBefore);
    expect(await rt.channels.poll('facebook', KEY)).toMatchObject({ status: 'skipped' });

    await rt.db.query(`UPDATE cursors SET paused_until = now() WHERE source = 'facebook'`);
    const other = await openRuntime(rt.config, createLogger({ level: 'silent' }));
    try {
      expect(await other.channels.poll('facebook', KEY)).toMatchObject({ status: 'ok', accepted: 40 });
    } finally {
      await other.close();
    }
    await drained(rt);
    expect(await fbMentions()).toBe(onFake());
  });

  it('stops before Meta blocks it when X-App-Usage / X-Business-Use-Case-Usage pass 90%', async () => {
    g.post(PAGE, 'Lumio charger got hot');
    g.usage(95, 7);
    const started = Date.now();
    const r = await rt.channels.poll('facebook', KEY);
    expect(r).toMatchObject({ status: 'rate_limited' });
    const paused = (await getCursor(rt.db, 'facebook', KEY)).pausedUntil!.getTime();
    expect(paused).toBeGreaterThanOrEqual(started + 7 * 60_000); // estimated_time_to_regain_access, minutes
    g.usage(1);
    await rt.db.query(`UPDATE cursors SET paused_until = now() WHERE source = 'facebook'`);
    expect(await rt.channels.poll('facebook', KEY)).toMatchObject({ status: 'ok', accepted: 1 });
  });

  it('marks the page unhealthy after repeated 5xx, in /ready and the API, and recovers', async () => {
    g.fail(/\/feed$/, 3, 500, 1, 'An unknown error has occurred.');
    for (let i = 0; i < 3; i++) expect(await rt.channels.poll('facebook', KEY)).toMatchObject({ status: 'failed' });
    expect((await app.inject({ url: '/ready' })).json().checks[`source:facebook/${KEY}`]).toMatch(
      /^failing: Graph answered 500/,
    );
    const api = (
      await app.inject({
        url: '/api/sources',
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
      })
    ).json();
    expect(api.sources.find((s: { key: string }) => s.key === KEY)).toMatchObject({
      healthy: false,
      consecutive_failures: 3,
    });
    expect(await rt.channels.poll('facebook', KEY)).toMatchObject({ status: 'ok' });
    expect((await app.inject({ url: '/ready' })).json().checks[`source:facebook/${KEY}`]).toBe('ok');
  });

  it('sends appsecret_proof: a wrong app secret is refused by Graph and reported, not retried in a loop', async () => {
    const config = {
      ...rt.config,
      channels: { ...rt.config.channels, facebook: { ...rt.config.channels.facebook, appSecret: 'wrong-secret' } },
    };
    const other = await openRuntime(config, createLogger({ level: 'silent' }));
    try {
      const r = await other.channels.poll('facebook', KEY);
      expect(r).toMatchObject({ status: 'failed' });
      expect((r as { reason: string }).reason).toContain('Invalid appsecret_proof');
    } finally {
      await other.close();
    }
  });
});

describe('Facebook groups a token can still read', () => {
  it('polls /{group-id}/feed like a page, starting a week back', async () => {
    const GROUP = '999000111';
    g.page(GROUP, 'EAAgrouptoken');
    for (let i = 0; i < 3; i++) g.post(GROUP, `group member: Lumio hub offline again (${i})`);
    g.backdate(g.post(GROUP, 'a month-old post the first poll should not walk back to').id, 30);
    const fb = { ...rt.config.channels.facebook, groupTokens: [{ id: GROUP, token: 'EAAgrouptoken' }] };
    const other = await openRuntime(
      { ...rt.config, channels: { ...rt.config.channels, facebook: fb } },
      createLogger({ level: 'silent' }),
    );
    try {
      expect(other.channels.targets.map((t) => t.key)).toContain(`group-${GROUP}`);
      expect(await other.channels.poll('facebook', `group-${GROUP}`)).toMatchObject({ status: 'ok', accepted: 3 });
    } finally {
      await other.close();
    }
    await drained(rt);
  });
});

describe('Facebook webhooks', () => {
  const post = (body: string, signature?: string) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/facebook',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      payload: body,
    });

  it('echoes hub.challenge for the right verify token only', async () => {
    const ok = await app.inject({
      url: `/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(
      (await app.inject({ url: '/webhooks/facebook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ url: `/webhooks/facebook?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1` }))
        .statusCode,
    ).toBe(403);
  });

  it('takes a batched delivery replayed many times as one set of mentions', async () => {
    const { body, signature } = feedDelivery(APP_SECRET, PAGE, [
      {
        item: 'status',
        verb: 'add',
        post_id: `${PAGE}_7000001`,
        from: { id: 'u900', name: 'Hook One' },
        message: 'Lumio X200 died after the update',
        created_time: 1_763_900_000,
      },
      {
        item: 'comment',
        verb: 'add',
        post_id: `${PAGE}_7000001`,
        comment_id: '7000001_8000001',
        parent_id: `${PAGE}_7000001`,
        from: { id: 'u901', name: 'Hook Two' },
        message: 'mine too',
        created_time: 1_763_900_100,
      },
      {
        item: 'comment',
        verb: 'add',
        post_id: `${PAGE}_7000001`,
        comment_id: '7000001_8000002',
        parent_id: '7000001_8000001',
        from: { id: 'u902', name: 'Hook Three' },
        message: 'same, support is silent',
        created_time: 1_763_900_200,
      },
      { item: 'reaction', verb: 'add', post_id: `${PAGE}_7000001`, reaction_type: 'like', from: { id: 'u903' } },
    ]);
    const replies = await Promise.all(Array.from({ length: 20 }, () => post(body, signature)));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(replies.reduce((n, r) => n + r.json().accepted, 0)).toBe(3);
    await drained(rt);
    expect(
      await count(`SELECT count(*) AS n FROM mentions WHERE source = 'facebook' AND external_id IN ($1, $2, $3)`, [
        `${PAGE}_7000001`,
        '7000001_8000001',
        '7000001_8000002',
      ]),
    ).toBe(3);
    const reply = (
      await rt.db.query<{ in_reply_to: string; conversation_id: string }>(
        `SELECT in_reply_to, conversation_id FROM mentions WHERE external_id = '7000001_8000002'`,
      )
    ).rows[0];
    expect(reply).toEqual({ in_reply_to: '7000001_8000001', conversation_id: `${PAGE}_7000001` });
  });

  it('records edits (keeping the first text) and removals, once each however often Meta repeats them', async () => {
    const edit = feedDelivery(APP_SECRET, PAGE, [
      {
        item: 'comment',
        verb: 'edited',
        post_id: `${PAGE}_7000001`,
        comment_id: '7000001_8000001',
        message: 'mine too, and now it will not charge',
      },
    ]);
    const removal = feedDelivery(APP_SECRET, PAGE, [
      { item: 'comment', verb: 'remove', post_id: `${PAGE}_7000001`, comment_id: '7000001_8000002' },
    ]);
    for (let i = 0; i < 3; i++) {
      expect((await post(edit.body, edit.signature)).statusCode).toBe(200);
      expect((await post(removal.body, removal.signature)).statusCode).toBe(200);
    }
    expect(await count(`SELECT count(*) AS n FROM mention_changes WHERE source = 'facebook'`)).toBe(2);
    const rows = (
      await rt.db.query<{ external_id: string; text: string; edited: boolean; removed: boolean }>(
        `SELECT external_id, text, edited_at IS NOT NULL AS edited, removed_at IS NOT NULL AS removed FROM mentions
          WHERE external_id IN ('7000001_8000001', '7000001_8000002') ORDER BY external_id`,
      )
    ).rows;
    expect(rows).toEqual([
      { external_id: '7000001_8000001', text: 'mine too', edited: true, removed: false },
      { external_id: '7000001_8000002', text: 'same, support is silent', edited: false, removed: true },
    ]);
  });

  it('refuses bad or missing signatures with 401 and stores nothing', async () => {
    const { body, signature } = feedDelivery(APP_SECRET, PAGE, [
      { item: 'status', verb: 'add', post_id: `${PAGE}_7000099`, from: { id: 'u999' }, message: 'forged' },
    ]);
    const forged = feedDelivery('not-the-secret', PAGE, [
      { item: 'status', verb: 'add', post_id: `${PAGE}_7000099`, from: { id: 'u999' }, message: 'forged' },
    ]);
    for (const s of [
      forged.signature,
      signature.toUpperCase().replace('SHA256=', 'sha256=').slice(0, -2),
      'sha1=abc',
      undefined,
    ])
      expect((await post(body, s)).statusCode).toBe(401);
    expect(await count(`SELECT count(*) AS n FROM inbox WHERE external_id = $1`, [`${PAGE}_7000099`])).toBe(0);
  });

  it('answers 404 when not configured', async () => {
    const fb = { ...rt.config.channels.facebook, appSecret: null, verifyToken: null };
    const bare = await buildApp({
      ...rt,
      config: { ...rt.config, channels: { ...rt.config.channels, facebook: fb } },
      sourceHealth: async () => ({}),
    });
    expect(
      (await bare.inject({ url: '/webhooks/facebook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1' }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await bare.inject({
          method: 'POST',
          url: '/webhooks/facebook',
          headers: { 'content-type': 'application/json' },
          payload: '{}',
        })
      ).statusCode,
    ).toBe(404);
    await bare.close();
  });

  it('ends with exactly the polled and delivered mentions, each once', async () => {
    await drained(rt);
    expect(await fbMentions()).toBe(onFake() + 3 - 1); // + the webhook's 3, − the month-old group post never read
  });
});
