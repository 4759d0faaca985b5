/**
 * Ids and cursors out of range against a live server. Every route with an :id in its path (read
 * from the route table of the same app built in-process, hidden routes included, so a new route
 * is covered without editing this test), every integer query parameter (from the OpenAPI document),
 * every integer in a query string and every paging cursor answers 400 to 2^53, 2^64, "1e3" and
 * negative values: never a 500 from a bigint overflow, never a different id than the one sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { testRuntime } from '../helpers/runtime.ts';
import { buildApp } from '../../src/http/app.ts';

let server: LiveServer;

interface Operation {
  method: string;
  path: string;
  query: string[];
}
let operations: Operation[] = [];
/** Every registered METHOD and URL with an :id, as fastify holds them. */
let idRoutes: Array<{ method: string; url: string }> = [];

const BAD = ['9007199254740992', '9007199254740993', '18446744073709551616', '1e3', '0x10', '-1', '1.5', '%201'];

beforeAll(async () => {
  server = await startLiveServer();
  const rt = await testRuntime({ queue: 'postgres' });
  try {
    const app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
    idRoutes = app.routeTable
      .filter((r) => r.url.includes(':id') && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map(({ method, url }) => ({ method, url }));
    await app.close();
  } finally {
    await rt.close();
  }
  const doc = (await (await server.api('/docs/json')).json()) as {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ in: string; name: string; schema?: { type?: string } }> }>
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query' && p.schema?.type === 'integer').map((p) => p.name),
    })),
  );
}, 180_000);
afterAll(async () => server?.stop());

const send = (method: string, url: string) =>
  server.api(url, { method, ...(['POST', 'PUT', 'PATCH'].includes(method) ? { body: '{}' } : {}) });

describe('ids beyond 2^53 and non-digits', () => {
  it('every :id route answers 400 to each bad id', async () => {
    console.log(`${idRoutes.length} :id routes: ${idRoutes.map((o) => `${o.method} ${o.url}`).join(', ')}`);
    expect(idRoutes.length).toBeGreaterThanOrEqual(25);
    const wrong: string[] = [];
    for (const op of idRoutes) {
      for (const bad of BAD) {
        const res = await send(op.method, op.url.replace(':id', bad));
        if (res.status !== 400) wrong.push(`${op.method} ${op.url} id=${bad}: ${res.status}`);
      }
      // The largest exact id is a valid id: whatever the answer, it is not a server error.
      const max = await send(op.method, op.url.replace(':id', String(Number.MAX_SAFE_INTEGER)));
      if (max.status >= 500) wrong.push(`${op.method} ${op.url} id=2^53-1: ${max.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('every integer in a query string answers 400 to each bad value', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const op of operations.filter((o) => !o.path.includes('{') && o.method === 'GET')) {
      for (const name of op.query) {
        checked++;
        for (const bad of BAD) {
          const res = await send('GET', `${op.path}?${name}=${bad}`);
          if (res.status !== 400) wrong.push(`GET ${op.path}?${name}=${bad}: ${res.status}`);
        }
      }
    }
    console.log(`${checked} integer query parameters checked`);
    expect(checked).toBeGreaterThan(3);
    expect(wrong).toEqual([]);
  });

  it('every paged list answers 400 to a cursor naming an id beyond 2^53 or no id', async () => {
    const paged = ['/api/mentions', '/api/cases', '/api/customers'];
    const wrong: string[] = [];
    for (const path of paged) {
      expect((await send('GET', path)).status, path).toBe(200);
      for (const inner of ['id:9007199254740993', 'id:18446744073709551616', 'id:1e3', 'id:-1', 'id:', 'nonsense']) {
        const res = await send('GET', `${path}?cursor=${Buffer.from(inner).toString('base64url')}`);
        if (res.status !== 400) wrong.push(`${path} cursor ${inner}: ${res.status}`);
      }
      const ok = await send(
        'GET',
        `${path}?cursor=${Buffer.from(`id:${Number.MAX_SAFE_INTEGER}`).toString('base64url')}`,
      );
      if (ok.status !== 200) wrong.push(`${path} cursor id:2^53-1: ${ok.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('ids in bodies beyond 2^53 are refused with 400', async () => {
    const big = '18446744073709551616';
    for (const [url, body] of [
      ['/api/cases/1/merge', `{"into": ${big}}`],
      ['/api/cases/1/split', `{"mention_ids": [${big}]}`],
      ['/api/clusters/1/merge', `{"from": [9007199254740993]}`],
    ] as const) {
      expect((await server.api(url, { method: 'POST', body })).status, url).toBe(400);
    }
  });
});
