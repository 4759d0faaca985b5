import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, mention, type TestRuntime } from '../helpers/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
const admin = { authorization: 'Bearer test-admin-token-0123456789abcdefghij' };
let ingestToken: string;
let agentToken: string;

beforeAll(async () => {
  rt = await testRuntime({ env: { EARSHOT_BODY_LIMIT: '65536' } });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  ingestToken = await createToken(rt.db, 'test bridge', 'ingest');
  agentToken = await createToken(rt.db, 'test agent', 'agent');
});
afterAll(async () => {
  await app.close();
  await service.stop();
  await rt.database.drop();
});

const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${ingestToken}` }) =>
  app.inject({ method: 'POST', url: '/api/mentions', headers, payload: body as object });

describe('ingest API', () => {
  it('refuses callers without a valid token, and roles that may not', async () => {
    expect((await post({ mentions: [mention()] }, {})).statusCode).toBe(401);
    expect((await post({ mentions: [mention()] }, { authorization: 'Bearer nope' })).statusCode).toBe(401);
    const forbidden = await post({ mentions: [mention()] }, { authorization: `Bearer ${agentToken}` });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().message).toContain('role "agent" may not POST /api/mentions');
  });

  it('stores the valid mentions of a batch, lists the others with their reason, and answers 400 only when none is valid', async () => {
    const bad = mention();
    const res = await post({ mentions: [mention(), { ...bad, author: { name: 'no handle' } }] });
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toHaveLength(1);
    expect(res.json().rejected).toEqual([
      {
        index: 1,
        path: '/author/handle',
        reason: expect.stringMatching(/^\/author\/handle /),
        source: bad.source,
        external_id: bad.external_id,
      },
    ]);
    const none = await post({ mentions: [{ ...bad, author: { name: 'no handle' } }] });
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().field).toBe('body.mentions.0.author.handle');
    expect(none.json().rejected).toHaveLength(1);
    const empty = await post({ mentions: [] });
    expect(empty.statusCode, empty.body).toBe(400);
    expect((await post({ other: 1 })).statusCode).toBe(400);
    const date = await post({ mentions: [{ ...mention(), created_at: 'yesterday' }] });
    expect(date.statusCode).toBe(400);
    expect(date.json().field).toBe('body.mentions.0.created_at');
  });

  it('answers 413 over the body limit, saying what to do', async () => {
    const many = Array.from({ length: 400 }, () => mention());
    const res = await post({ mentions: many });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toContain('send fewer mentions per request');
  });

  it('accepts a batch, reports duplicates, and the worker turns complaints into cases', async () => {
    const a = mention({ author: { handle: 'api_alice' } });
    const b = mention({ author: { handle: 'api_bob' }, text: 'Great service today, thanks team!' });
    const res = await post({ mentions: [a, b, a] });
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toHaveLength(2);
    expect(res.json().duplicates).toEqual([{ source: a.source, external_id: a.external_id }]);
    const again = await post({ mentions: [b] });
    expect(again.json()).toEqual({
      accepted: [],
      duplicates: [{ source: b.source, external_id: b.external_id }],
      rejected: [],
    });

    await drained(rt);
    const cases = await app.inject({ url: '/api/cases?limit=50', headers: { authorization: `Bearer ${agentToken}` } });
    expect(cases.statusCode).toBe(200);
    const mine = cases.json().items.filter((c: { author: { handle: string } }) => c.author.handle === 'api_alice');
    expect(mine).toHaveLength(1);
    const detail = await app.inject({ url: `/api/cases/${mine[0].id}`, headers: admin });
    expect(detail.json().mentions.map((m: { external_id: string }) => m.external_id)).toEqual([a.external_id]);
    expect(detail.json().events[0].kind).toBe('opened');
    expect((await app.inject({ url: '/api/cases/999999', headers: admin })).statusCode).toBe(404);
  });

  it('pages through mentions with a cursor and filters them', async () => {
    await post({ mentions: Array.from({ length: 5 }, () => mention({ source: 'forum' })) });
    await drained(rt);
    const seen: number[] = [];
    let next: string | null = null;
    do {
      const q: string = `/api/mentions?source=forum&limit=2${next ? `&cursor=${next}` : ''}`;
      const page = (await app.inject({ url: q, headers: admin })).json();
      seen.push(...page.items.map((m: { id: number }) => m.id));
      next = page.next;
    } while (next);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen);
    expect((await app.inject({ url: '/api/mentions?cursor=garbage', headers: admin })).statusCode).toBe(400);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ database: 'ok', queue: 'ok' });
    const metricsText = (await app.inject({ url: '/metrics' })).body;
    expect(metricsText).toMatch(/earshot_mentions_received_total\{source="api"\} \d+/);
    expect(metricsText).toContain('earshot_inbox_pending 0');
    const spec = (await app.inject({ url: '/docs/json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/mentions', '/api/cases', '/api/cases/{id}', '/ready']),
    );
  });
});
