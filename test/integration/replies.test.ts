/**
 * Replies out: from a case, through the real adapters (twitter-api-v2 with OAuth 1.0a, our Graph
 * client) to the fakes, via the 'send-reply' job on real BullMQ. Each reply reaches the fake once.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { uniqueName } from '../helpers/db.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import { startFakeGraph, type FakeGraph } from '../fakes/graph.ts';
import { openRuntime, startPipelineWorker, type Runtime } from '../../src/runtime.ts';
import type { LiveModels } from '../../src/pipeline/models.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { startTestWorker, type TestWorker } from '../helpers/worker.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { keyOf } from '../../src/channels/config.ts';
import { sendReply } from '../../src/replies/send.ts';

const PAGE = '444555666';
const QUERY = 'lumio';
let x: FakeX;
let g: FakeGraph;
let rt: TestRuntime;
let models: LiveModels;
let app: FastifyInstance;
let testWorker: TestWorker;
let agent: Record<string, string>;

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const replyStatus = async (id: number) =>
  (await rt.db.query<{ status: string }>('SELECT status FROM replies WHERE id = $1', [id])).rows[0]?.status;
const caseOf = async (externalId: string) =>
  Number(
    (await rt.db.query<{ case_id: string }>('SELECT case_id FROM mentions WHERE external_id = $1', [externalId]))
      .rows[0]?.case_id,
  );

/** A complaint on X, polled and turned into a case by the real pipeline. */
async function xCase(handle: string): Promise<{ caseId: number; tweetId: string }> {
  const t = x.tweet(
    `@lumio my Lumio X200 has been stuck rebooting since the update and nobody answers, ${handle}`,
    handle,
  );
  expect(await rt.channels.poll('twitter', keyOf('search-', QUERY))).toMatchObject({ status: 'ok' });
  await drained(rt);
  const caseId = await caseOf(t.id);
  expect(caseId).toBeGreaterThan(0);
  return { caseId, tweetId: t.id };
}

const reply = (caseId: number, body: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: `/api/cases/${caseId}/replies`, headers: { ...agent, ...headers }, payload: body });

beforeAll(async () => {
  x = await startFakeX({ bearerToken: 'bearer', consumerKey: 'ck-fake' });
  g = await startFakeGraph({ appSecret: 'app-secret', version: 'v26.0' });
  g.page(PAGE, 'EAApage');
  rt = await testRuntime({
    env: {
      X_BEARER_TOKEN: 'bearer',
      X_CONSUMER_KEY: 'ck-fake',
      X_CONSUMER_SECRET: 'cs-fake',
      X_ACCESS_TOKEN: 'at-fake',
      X_ACCESS_SECRET: 'as-fake',
      X_QUERIES: QUERY,
      X_API_BASE: x.url,
      FACEBOOK_APP_SECRET: 'app-secret',
      FACEBOOK_PAGE_TOKENS: `${PAGE}:EAApage`,
      FACEBOOK_GRAPH_BASE: g.url,
    },
  });
  testWorker = await startTestWorker(rt);
  ({ app, models } = testWorker);
  agent = { authorization: `Bearer ${await createToken(rt.db, 'agent', 'agent')}` };
});

afterAll(async () => {
  await testWorker?.stop();
  await rt?.close();
  await x?.close();
  await g?.close();
});

describe('replies on X', () => {
  it('posts one threaded reply as the brand, records it on the case, and a repeated request does not post again', async () => {
    const { caseId, tweetId } = await xCase('replyme1');
    const res = await reply(caseId, { text: 'Sorry about that! A fix ships Friday; DM us your serial.' });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as number;
    await until(async () => (await replyStatus(id)) === 'sent', 'the reply to be sent');
    expect(x.posted).toHaveLength(1);
    expect(x.posted[0]).toMatchObject({
      inReplyTo: tweetId,
      text: 'Sorry about that! A fix ships Friday; DM us your serial.',
    });
    expect(x.posted[0]!.auth).toMatch(/^OAuth .*oauth_token="at-fake"/);

    const again = await reply(caseId, { text: 'Sorry about that! A fix ships Friday; DM us your serial.' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id, status: 'sent', platform_id: x.posted[0]!.id });
    const detail = (await app.inject({ url: `/api/cases/${caseId}`, headers: agent })).json();
    expect(detail.first_response_at).not.toBeNull();
    expect(detail.events.filter((e: { kind: string }) => e.kind === 'replied')).toHaveLength(1);
    expect(x.posted).toHaveLength(1);
  });

  it('posts once however many times the job runs (retried, stalled, raced)', async () => {
    const { caseId } = await xCase('replyme2');
    // Stored, but its job not yet run: claim it from five "workers" at once.
    const pending = await reply(caseId, { text: 'Looking into it now.' }, { 'idempotency-key': 'race-1' });
    const id = pending.json().id as number;
    const deps = {
      db: rt.db,
      log: rt.log,
      dryRun: false,
      replier: (s: string) => rt.channels.replier(s),
      metrics: rt.metrics.channels,
    };
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => sendReply(deps, id)));
    await until(async () => (await replyStatus(id)) === 'sent', 'the reply to be sent');
    await rt.queue.add('send-reply', { replyId: id }, `reply-${id}-again`);
    await until(
      async () => (await rt.queue.counts()).waiting === 0 && (await rt.queue.counts()).active === 0,
      'the extra job to run',
    );
    expect(outcomes.filter((o) => o === 'sent').length).toBeLessThanOrEqual(1);
    expect(x.posted.filter((p) => p.text === 'Looking into it now.')).toHaveLength(1);
  });

  it('retries a rate-limited send by itself, still once', async () => {
    const { caseId } = await xCase('replyme3');
    x.rateLimitStorm(/^\/2\/tweets$/, 1, 1);
    const id = (await reply(caseId, { text: 'We hear you, checking.' })).json().id as number;
    await until(async () => (await replyStatus(id)) === 'sent', 'the retried reply to be sent');
    expect(
      x.log
        .filter((l) => l.path === '/2/tweets')
        .map((l) => l.status)
        .slice(-2),
    ).toEqual([429, 201]);
    expect(x.posted.filter((p) => p.text === 'We hear you, checking.')).toHaveLength(1);
  });

  it('reports a refused reply on the case with the reason, and sends it on retry', async () => {
    const { caseId } = await xCase('replyme4');
    x.faults.push({
      path: /^\/2\/tweets$/,
      status: 403,
      times: 1,
      body: {
        detail: 'You are not allowed to create a Tweet with duplicate content.',
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
      },
    });
    const id = (await reply(caseId, { text: 'Thanks for your patience.' })).json().id as number;
    await until(async () => (await replyStatus(id)) === 'failed', 'the reply to fail');
    const failed = (await app.inject({ url: `/api/replies/${id}`, headers: agent })).json();
    expect(failed.error).toContain('duplicate content');
    const events = (await app.inject({ url: `/api/cases/${caseId}`, headers: agent })).json().events;
    expect(events.find((e: { kind: string }) => e.kind === 'reply_failed').data.error).toContain('duplicate content');

    expect((await app.inject({ method: 'POST', url: `/api/replies/${id}/retry`, headers: agent })).statusCode).toBe(
      202,
    );
    await until(async () => (await replyStatus(id)) === 'sent', 'the retried reply to be sent');
    expect((await app.inject({ method: 'POST', url: `/api/replies/${id}/retry`, headers: agent })).statusCode).toBe(
      409,
    );
    expect(x.posted.filter((p) => p.text === 'Thanks for your patience.')).toHaveLength(1);
  });

  it('refuses a reused Idempotency-Key for a different reply, other roles, and sources it cannot reply on', async () => {
    const { caseId } = await xCase('replyme5');
    expect((await reply(caseId, { text: 'one' }, { 'idempotency-key': 'k-5' })).statusCode).toBe(202);
    expect((await reply(caseId, { text: 'two' }, { 'idempotency-key': 'k-5' })).statusCode).toBe(409);
    const pr = { authorization: `Bearer ${await createToken(rt.db, 'pr', 'pr')}` };
    expect((await reply(caseId, { text: 'three' }, pr)).statusCode).toBe(403);
    expect((await reply(999_999, { text: 'nobody' })).statusCode).toBe(404);
    expect((await reply(caseId, { text: 'x', in_reply_to: 'not-on-this-case' })).statusCode).toBe(422);
  });
});

describe('replies on Facebook', () => {
  it('comments under the customer comment with the page token, once', async () => {
    const post = g.post(PAGE, 'New Lumio app version is out');
    const c = g.comment(post.id, 'The new Lumio app broke my X200, it keeps disconnecting and support never replies');
    expect(await rt.channels.poll('facebook', `page-${PAGE}`)).toMatchObject({ status: 'ok' });
    await drained(rt);
    const caseId = await caseOf(c.id);
    const res = await reply(caseId, { text: 'So sorry! Please try 2.4.1, out today.' });
    expect(res.statusCode).toBe(202);
    await until(async () => (await replyStatus(res.json().id)) === 'sent', 'the comment to be sent');
    expect(g.posted).toEqual([
      expect.objectContaining({ objectId: c.id, message: 'So sorry! Please try 2.4.1, out today.', token: 'EAApage' }),
    ]);
  });
});

describe('dry run', () => {
  it('records the reply as dry_run without sending it', async () => {
    const { caseId } = await xCase('replyme6');
    const other: Runtime = await openRuntime(
      { ...rt.config, dryRun: true, queueName: uniqueName('q') },
      createLogger({ level: 'silent' }),
    );
    const otherWorker = startPipelineWorker(other, models);
    const otherApp = await buildApp({ ...other, sourceHealth: async () => ({}) });
    try {
      const before = x.posted.length;
      const res = await otherApp.inject({
        method: 'POST',
        url: `/api/cases/${caseId}/replies`,
        headers: agent,
        payload: { text: 'dry' },
      });
      expect(res.statusCode).toBe(202);
      await until(async () => (await replyStatus(res.json().id)) === 'dry_run', 'the dry-run record');
      expect(x.posted.length).toBe(before);
    } finally {
      await otherApp.close();
      await otherWorker.close();
      await other.close();
    }
  });
});
