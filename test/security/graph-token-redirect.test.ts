/**
 * Hole #14.2: a Facebook id ends up in a Graph path with `Authorization: Bearer <page token>`. An id that
 * is a URL or holds `..`, `#` or `/` must never make earshot send the page token to another host. A
 * second local HTTP server plays the attacker's host and must receive nothing, whichever way the id
 * came in: the ingest API, a signed webhook, a row already stored, or a direct Graph call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { startFakeGraph, feedDelivery, type FakeGraph } from '../fakes/graph.ts';
import { startServer, send, type FakeServer } from '../fakes/http.ts';
import { createGraphClient } from '../../src/channels/facebook/graph.ts';
import { facebookReplier } from '../../src/channels/facebook/reply.ts';

const APP_SECRET = 'redirect-app-secret-0123456789';
const PAGE_ID = '777';
const PAGE_TOKEN = 'EAApagetokenNEVERELSEWHERE';
const VERSION = 'v26.0';

let live: LiveServer;
let graph: FakeGraph;
let evil: FakeServer;
let hostileIds: string[];

beforeAll(async () => {
  graph = await startFakeGraph({ appSecret: APP_SECRET, version: VERSION });
  graph.page(PAGE_ID, PAGE_TOKEN);
  evil = await startServer((_req, _url, _body, res) => send(res, 200, { id: '1_2' }));
  const evilHost = evil.url.replace('http://', '');
  hostileIds = [
    `${evil.url}/steal`,
    `//${evilHost}/steal`,
    `../../../${evilHost}/x`,
    `${PAGE_ID}_1/../../x`,
    `${PAGE_ID}_1#`,
    `${PAGE_ID}_1?access_token=x`,
    `@${evilHost}`,
    `${PAGE_ID}_1/comments`,
  ];
  live = await startLiveServer({
    env: {
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_PAGE_TOKENS: `${PAGE_ID}:${PAGE_TOKEN}`,
      FACEBOOK_GRAPH_BASE: graph.url,
      FACEBOOK_POLL_INTERVAL_MS: '3600000',
    },
  });
}, 180_000);
afterAll(async () => {
  await live?.stop();
  await graph?.close();
  await evil?.close();
});

const fbMention = (patch: Record<string, unknown>) => ({
  source: 'facebook',
  external_id: `${PAGE_ID}_1001`,
  text: 'my lumio router is broken again and support never answers, I want a refund',
  author: { handle: '5550001', name: 'Sam' },
  created_at: new Date().toISOString(),
  ...patch,
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a Facebook id never sends the page token to another host', () => {
  it('the ingest API refuses every hostile id, in external_id, in_reply_to and conversation_id', async () => {
    for (const id of hostileIds) {
      for (const field of ['external_id', 'in_reply_to', 'conversation_id']) {
        const res = await live.api('/api/mentions', {
          method: 'POST',
          body: JSON.stringify({ mentions: [fbMention({ [field]: id })] }),
        });
        expect(res.status, `${field}=${id}`).toBe(400);
        const body = (await res.json()) as { rejected: { reason: string }[] };
        expect(body.rejected[0]?.reason).toContain(`/${field} is not a facebook id`);
      }
    }
  });

  it('a signed webhook delivery with a hostile id stores nothing', async () => {
    const changes = hostileIds.map((id) => ({
      item: 'comment',
      verb: 'add',
      comment_id: id,
      post_id: `${PAGE_ID}_1`,
      message: 'hello',
      from: { id: '5550002', name: 'Eve' },
      created_time: 1,
    }));
    const { body, signature } = feedDelivery(APP_SECRET, PAGE_ID, changes);
    const res = await fetch(`${live.base}/webhooks/facebook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(0);
    const { rows } = await live.database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM inbox WHERE external_id !~ '^[0-9]+(_[0-9]+)?$'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('a hostile id already stored is refused on the reply path, and the attacker host receives nothing', async () => {
    const accepted = await live.api('/api/mentions', {
      method: 'POST',
      body: JSON.stringify({ mentions: [fbMention({})] }),
    });
    expect(accepted.status).toBe(202);
    const caseId = await until('the case', async () => {
      const { rows } = await live.database.db.query<{ case_id: string | null }>(
        `SELECT case_id FROM mentions WHERE external_id = $1`,
        [`${PAGE_ID}_1001`],
      );
      return rows[0]?.case_id ? Number(rows[0].case_id) : undefined;
    });
    for (const id of hostileIds) {
      // As if the row had been stored before ids were checked at the door.
      await live.database.db.query(
        `UPDATE mentions SET external_id = $1, conversation_id = $1 WHERE case_id = $2 AND source = 'facebook'`,
        [id, caseId],
      );
      const res = await live.api(`/api/cases/${caseId}/replies`, {
        method: 'POST',
        body: JSON.stringify({ text: `Sorry about that (${id.length})` }),
      });
      expect(res.status, id).toBe(422);
      expect(((await res.json()) as { message: string }).message).toContain('is not a facebook id');
    }
    expect(evil.log).toEqual([]);
    expect(graph.posted).toEqual([]);
  });

  it('the adapter and the Graph client refuse a hostile id even when called directly, sending nothing anywhere', async () => {
    const client = createGraphClient({ base: graph.url, version: VERSION, appSecret: APP_SECRET });
    const reply = facebookReplier(client, [{ id: PAGE_ID, token: PAGE_TOKEN }]);
    const before = graph.log.length;
    for (const id of hostileIds) {
      await expect(reply({ inReplyTo: id, conversationId: null, text: 'hi' }), id).rejects.toThrow(/not a Facebook id/);
      await expect(client.post(`${id}/comments`, PAGE_TOKEN, { message: 'hi' }), id).rejects.toThrow();
    }
    // Encoded, a segment stays a segment: the worst a crafted id does is name a Graph object that does not exist.
    await expect(client.post('1_2%2F..%2F..%2Fx/comments', PAGE_TOKEN, { message: 'hi' })).rejects.toThrow();
    expect(evil.log).toEqual([]);
    for (const entry of graph.log.slice(before)) expect(entry.path.startsWith(`/${VERSION}/`)).toBe(true);
  });

  it('a Graph answer whose paging link leads to another host is not followed', async () => {
    const lying = await startServer((_req, _url, _body, res) =>
      send(res, 200, { data: [{ id: '1_1' }], paging: { next: `${evil.url}/${VERSION}/${PAGE_ID}/feed?after=x` } }),
    );
    try {
      const client = createGraphClient({ base: lying.url, version: VERSION, appSecret: APP_SECRET });
      const seen: unknown[] = [];
      for await (const page of client.pages(`${PAGE_ID}/feed`, PAGE_TOKEN)) seen.push(...page.items);
      expect(seen).toHaveLength(1);
      expect(lying.log).toHaveLength(1);
      expect(evil.log).toEqual([]);
    } finally {
      await lying.close();
    }
  });

  it('a normal Facebook reply still goes to Graph with the page token', async () => {
    const post = graph.post(PAGE_ID, 'my lumio router keeps dropping the connection, support please help', {
      id: '5550003',
      name: 'Ann',
    });
    const client = createGraphClient({ base: graph.url, version: VERSION, appSecret: APP_SECRET });
    const sent = await facebookReplier(client, [{ id: PAGE_ID, token: PAGE_TOKEN }])({
      inReplyTo: post.id,
      conversationId: post.id,
      text: 'We are on it',
    });
    expect(sent.platformId).toMatch(/^\d+_\d+$/);
    expect(graph.posted.at(-1)).toMatchObject({ objectId: post.id, token: PAGE_TOKEN });
  });
});
