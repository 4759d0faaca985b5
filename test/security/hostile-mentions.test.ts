/**
 * The mention API under hostile input: every field at its limit is stored as sent, every field just
 * beyond it gets 400 naming the field (never a 500), next to good mentions it is listed as rejected
 * while they are stored (never a poisoned batch), and random JSON of any shape never makes the
 * server fail. Limits are the ingest contract: source ≤ 32, external_id ≤ 256,
 * text ≤ 40,000 characters and no NUL, handle and name ≤ 256, followers 0…2³¹−1, url ≤ 2,048,
 * 1 to 1,000 mentions a request. The server keeps serving and its memory stays flat.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { watchMemory, type MemoryWatch } from '../helpers/attack.ts';
import { mention } from '../helpers/runtime.ts';

const MAX_INT4 = 2 ** 31 - 1;
let server: LiveServer;
let memory: MemoryWatch;
let seq = 0;
const post = (body: unknown) =>
  server.api('/api/mentions', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
const one = (over: Record<string, unknown> = {}, author: Record<string, unknown> = {}) => {
  const m = mention();
  return { ...m, external_id: `hostile-${Date.now()}-${seq++}`, author: { ...m.author, ...author }, ...over };
};

beforeAll(async () => {
  server = await startLiveServer();
  for (let i = 0; i < 10; i++) await post({ mentions: Array.from({ length: 50 }, () => one()) });
  memory = watchMemory(server);
}, 180_000);
afterAll(async () => {
  await memory.expectFlat();
  await server.stop();
}, 120_000);

describe('hostile mentions', () => {
  it('stores a mention with every field at its limit, as sent', { timeout: 120_000 }, async () => {
    const atLimits = one(
      {
        source: `s${'x'.repeat(31)}`,
        external_id: `e${'9'.repeat(255)}`,
        text: `é${'😀'.repeat(10_000)}${'a'.repeat(19_999)}`,
        url: `https://example.com/${'p'.repeat(2048 - 20)}`,
        in_reply_to: 'r'.repeat(256),
        conversation_id: 'c'.repeat(256),
      },
      { handle: 'h'.repeat(256), name: 'N'.repeat(256), followers: MAX_INT4 },
    );
    expect([...(atLimits.text as string)].length).toBeLessThanOrEqual(40_000);
    const res = await post({ mentions: [atLimits] });
    expect(res.status, await res.clone().text()).toBe(202);
    let row: { text: string; followers: number | null } | undefined;
    for (let i = 0; i < 150 && !row; i++) {
      row = (
        await server.database.db.query<{ text: string; followers: number | null }>(
          'SELECT m.text, a.followers FROM mentions m JOIN authors a ON a.id = m.author_id WHERE m.external_id = $1',
          [atLimits.external_id],
        )
      ).rows[0];
      if (!row) await new Promise((r) => setTimeout(r, 200));
    }
    expect(row?.text).toBe(atLimits.text);
    expect(Number(row?.followers)).toBe(MAX_INT4);
  });

  it(
    'answers 400 naming the field for each field just beyond its limit; next to a good mention, lists it as rejected and stores only the good one',
    { timeout: 120_000 },
    async () => {
      const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
        ['source', { source: `s${'x'.repeat(32)}` }, {}],
        ['source', { source: 'Twitter' }, {}],
        ['external_id', { external_id: 'e'.repeat(257) }, {}],
        ['external_id', { external_id: '' }, {}],
        ['text', { text: 'a'.repeat(40_001) }, {}],
        ['text', { text: '' }, {}],
        ['text', { text: 'before\u0000after' }, {}],
        ['handle', {}, { handle: 'h'.repeat(257) }],
        ['name', {}, { name: 'N'.repeat(257) }],
        ['followers', {}, { followers: MAX_INT4 + 1 }],
        ['followers', {}, { followers: 2 ** 53 + 2 }],
        ['followers', {}, { followers: -1 }],
        ['followers', {}, { followers: 1.5 }],
        ['url', { url: `https://example.com/${'p'.repeat(2048)}` }, {}],
        ['url', { url: 'not a url' }, {}],
        ['created_at', { created_at: 'yesterday' }, {}],
        ['in_reply_to', { in_reply_to: 'r'.repeat(257) }, {}],
      ];
      const stored = async (ids: string[]) =>
        (await server.database.db.query('SELECT 1 FROM inbox WHERE external_id = ANY($1)', [ids])).rowCount;
      for (const [field, over, author] of cases) {
        const what = `${field}: ${JSON.stringify({ ...over, ...author }).slice(0, 80)}`;
        // Alone: 400, naming the field.
        const bad = one(over, author);
        const alone = await post({ mentions: [bad] });
        const aloneBody = (await alone.json()) as { message?: string };
        expect.soft(alone.status, `${what} → ${aloneBody.message}`).toBe(400);
        expect.soft(aloneBody.message, what).toContain(field);
        // Next to a good one: the good one is stored, the bad one is listed with its field and not stored.
        const good = one();
        const badToo = one(over, author);
        const mixed = await post({ mentions: [good, badToo] });
        const mixedBody = (await mixed.json()) as {
          accepted?: unknown[];
          rejected?: { index: number; path: string }[];
          message?: string;
        };
        expect.soft(mixed.status, `${what} next to a good one → ${mixedBody.message ?? ''}`).toBe(202);
        expect.soft(mixedBody.accepted, what).toHaveLength(1);
        expect.soft(mixedBody.rejected?.[0]?.path, what).toContain(field);
        expect.soft(await stored([good.external_id]), `${what}: the good mention`).toBe(1);
        expect.soft(await stored([bad.external_id, badToo.external_id]), `${what}: the bad mention`).toBe(0);
      }
      expect((await post({ mentions: Array.from({ length: 1001 }, () => one()) })).status).toBe(400);
      expect((await post({ mentions: [] })).status).toBe(400);
      expect((await server.api('/health')).status).toBe(200);
    },
  );

  it('never fails on random JSON of any shape (property)', { timeout: 300_000 }, async () => {
    const mentionish = fc.record(
      {
        source: fc.oneof(fc.string(), fc.constant('api'), fc.integer()),
        external_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        text: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.jsonValue()),
        author: fc.oneof(
          fc.record(
            {
              handle: fc.oneof(fc.string(), fc.jsonValue()),
              followers: fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(String)),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        created_at: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
        __proto__: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), fc.record({ mentions: fc.array(mentionish, { maxLength: 5 }) }), fc.string()),
        async (body) => {
          const res = await post(typeof body === 'string' ? body : JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });
});
