/**
 * Back-pressure (EARSHOT_MAX_BACKLOG): with the worker stopped the inbox fills, POST /api/mentions
 * then answers 429 with Retry-After and stores nothing of the refused batch; once a worker drains
 * the inbox the same batch is accepted, and every accepted mention ends up processed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, mention, type TestRuntime } from '../helpers/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';

let rt: TestRuntime;
let app: FastifyInstance;
let service: Service | undefined;
let ingest: Record<string, string>;

beforeAll(async () => {
  rt = await testRuntime({ env: { EARSHOT_MAX_BACKLOG: '50' } });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  ingest = { authorization: `Bearer ${await createToken(rt.db, 'bridge', 'ingest')}` };
}, 120_000);
afterAll(async () => {
  await app.close();
  await service?.stop();
  await rt.database.drop();
});

const post = (mentions: unknown[]) =>
  app.inject({ method: 'POST', url: '/api/mentions', headers: ingest, payload: { mentions } });
const count = async (sql: string) => Number((await rt.db.query<{ n: string }>(sql)).rows[0]?.n);

describe('ingest back-pressure', () => {
  it('refuses with 429 and Retry-After above the backlog limit, storing nothing of the refused batch, and accepts again once drained', async () => {
    const first = Array.from({ length: 80 }, () => mention());
    expect((await post(first)).statusCode).toBe(202); // 0 waiting when it arrived
    await new Promise((r) => setTimeout(r, 300)); // past the gate's refresh interval
    const refusedBatch = Array.from({ length: 10 }, () => mention());
    const refused = await post(refusedBatch);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json().message).toMatch(/EARSHOT_MAX_BACKLOG/);
    expect(await count('SELECT count(*) AS n FROM inbox')).toBe(80);

    service = await startService(rt, { api: false, worker: true });
    await drained(rt, 120_000);
    await new Promise((r) => setTimeout(r, 300));
    const again = await post(refusedBatch);
    expect(again.statusCode, again.body).toBe(202);
    await drained(rt, 120_000);
    expect(await count('SELECT count(*) AS n FROM mentions')).toBe(90);
  }, 300_000);

  it('documents the 429 in OpenAPI', async () => {
    const spec = (await app.inject({ url: '/docs/json' })).json();
    const responses = spec.paths?.['/api/mentions']?.post?.responses ?? {};
    expect(Object.keys(responses)).toContain('429');
  });
});
