/**
 * GET /api/events over real HTTP, with a running worker (real PostgreSQL LISTEN/NOTIFY, Redis, BullMQ):
 * a mention posted through the API arrives on an open stream within 2 s; each role sees only its
 * events; a reconnect with Last-Event-ID gets what it missed; the ingest role may not listen.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testRuntime, mention, type TestRuntime } from '../helpers/runtime.ts';
import { startTestWorker, type TestWorker } from '../helpers/worker.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { insertAlert } from '../../src/crisis/alerts.ts';

let rt: TestRuntime;
let worker: TestWorker;
let base = '';
const tokens: Record<string, string> = {};

beforeAll(async () => {
  rt = await testRuntime({ env: { EARSHOT_LIVE_POLL_MS: '500' } });
  worker = await startTestWorker(rt);
  base = await worker.app.listen({ port: 0, host: '127.0.0.1' });
  for (const role of ['agent', 'pr', 'ingest'] as const) tokens[role] = await createToken(rt.db, `live-${role}`, role);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await rt?.close();
});

interface Received {
  id: number;
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/** An open event stream: collects events as they arrive. */
async function openStream(role: string, lastEventId?: number) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events`, {
    headers: {
      authorization: `Bearer ${tokens[role]}`,
      ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}),
    },
    signal: controller.signal,
  });
  const events: Received[] = [];
  const reading = (async () => {
    if (!res.ok || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          const data = field('data');
          if (data)
            events.push({
              id: Number(field('id')),
              event: field('event') ?? 'message',
              data: JSON.parse(data) as Record<string, unknown>,
              at: Date.now(),
            });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    res,
    events,
    async until(what: string, match: (e: Received) => boolean, timeoutMs = 30_000): Promise<Received> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const hit = events.find(match);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no ${what} event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`);
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

async function post(m: ReturnType<typeof mention>) {
  const r = await fetch(`${base}/api/mentions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.ingest}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mentions: [m] }),
  });
  expect(r.status).toBe(202);
}

describe('GET /api/events', () => {
  it('is a text/event-stream, and refuses the ingest role', async () => {
    const s = await openStream('agent');
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await s.close();
    const refused = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${tokens.ingest}` } });
    expect(refused.status).toBe(403);
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
  });

  it('delivers a mention posted through the API to an open stream within 2 s, and its case to agents only', async () => {
    const agent = await openStream('agent');
    const pr = await openStream('pr');
    // Let both subscriptions settle before the post.
    await new Promise((r) => setTimeout(r, 300));
    const m = mention();
    const posted = Date.now();
    await post(m);
    const got = await agent.until('mention', (e) => e.event === 'mention');
    expect(got.at - posted).toBeLessThanOrEqual(2000);
    expect(got.data).toMatchObject({ op: 'insert', source: 'api' });
    await agent.until('case', (e) => e.event === 'case');
    await pr.until('mention', (e) => e.event === 'mention');
    // An alert is for PR, not for agents.
    await insertAlert(rt.db, {
      kind: 'volume_spike',
      severity: 2,
      message: 'spike',
      data: {},
      scope: {},
      drill: false,
    });
    await pr.until('alert', (e) => e.event === 'alert');
    await new Promise((r) => setTimeout(r, 1500));
    expect(pr.events.some((e) => e.event === 'case')).toBe(false);
    expect(agent.events.some((e) => e.event === 'alert')).toBe(false);
    await agent.close();
    await pr.close();
  }, 60_000);

  it('replays what a client missed when it reconnects with Last-Event-ID', async () => {
    const first = await openStream('agent');
    await new Promise((r) => setTimeout(r, 300));
    await post(mention({ text: 'My Lumio hub is offline again' }));
    const seen = await first.until('mention', (e) => e.event === 'mention');
    await first.close();
    // While disconnected: another mention.
    await post(mention({ text: 'Lumio app crashes on start' }));
    const deadline = Date.now() + 30_000;
    const stored = async () =>
      (await rt.db.query(`SELECT 1 FROM live_events WHERE id > $1 AND topic = 'mention'`, [seen.id])).rowCount ?? 0;
    while ((await stored()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const again = await openStream('agent', seen.id);
    const missed = await again.until('replayed mention', (e) => e.event === 'mention');
    expect(missed.id).toBeGreaterThan(seen.id);
    expect(again.events.every((e) => e.id > seen.id)).toBe(true);
    await again.close();
  }, 60_000);
});
