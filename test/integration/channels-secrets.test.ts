/**
 * Credentials never reach the log or job data: a whole run — polls that succeed and fail, webhooks with
 * signatures, a reply — is logged at trace level into memory, then searched for every secret.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { Writable } from 'node:stream';
import { createHmac } from 'node:crypto';
import { inject } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { testConfig } from '../helpers/runtime.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import { startFakeGraph, feedDelivery, type FakeGraph } from '../fakes/graph.ts';
import { openRuntime, startService, type Runtime, type Service } from '../../src/runtime.ts';
import { createLogger } from '../../src/log.ts';
import { keyOf } from '../../src/channels/config.ts';

const SECRETS = {
  X_BEARER_TOKEN: 'SECRETbearer0001',
  X_CONSUMER_KEY: 'SECRETckey0002',
  X_CONSUMER_SECRET: 'SECRETcsecret0003',
  X_ACCESS_TOKEN: 'SECRETatoken0004',
  X_ACCESS_SECRET: 'SECRETasecret0005',
  FACEBOOK_APP_SECRET: 'SECRETappsecret0006',
  FACEBOOK_VERIFY_TOKEN: 'SECRETverify0007',
};
const PAGE_TOKEN = 'SECRETpagetoken0008';

let x: FakeX;
let g: FakeGraph;
let database: TestDatabase;
let rt: Runtime;
let service: Service | undefined;

/** Polls now; the service's schedulers may be polling the same source this instant (then it says 'skipped'). */
async function pollNow(source: string, key: string) {
  for (;;) {
    const r = await rt.channels.poll(source, key);
    if (r.status !== 'skipped') return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

afterAll(async () => {
  await service?.stop();
  await database?.drop();
  await x?.close();
  await g?.close();
});

describe('secrets', () => {
  it('appear in no log line and no job, whatever happens', async () => {
    x = await startFakeX({ bearerToken: SECRETS.X_BEARER_TOKEN, consumerKey: SECRETS.X_CONSUMER_KEY });
    g = await startFakeGraph({ appSecret: SECRETS.FACEBOOK_APP_SECRET, version: 'v26.0' });
    g.page('777', PAGE_TOKEN);
    for (let i = 0; i < 30; i++) x.tweet(`lumio is broken ${i}`, `u${i}`);
    for (let i = 0; i < 5; i++) g.post('777', `lumio complaint ${i}`);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    database = await testDatabase();
    const config = testConfig(database, inject('redisUrl'), {
      ...SECRETS,
      FACEBOOK_PAGE_TOKENS: `777:${PAGE_TOKEN}`,
      X_QUERIES: 'lumio',
      X_API_BASE: x.url,
      FACEBOOK_GRAPH_BASE: g.url,
      X_POLL_INTERVAL_MS: '600000',
      FACEBOOK_POLL_INTERVAL_MS: '600000',
      PORT: '0', // any free port: a running earshot on 3000 must not fail the test
    });
    rt = await openRuntime(config, createLogger({ level: 'trace', destination: sink }));
    rt.log.info({ config }, 'starting with this configuration');
    service = await startService(rt, { api: true, worker: true });
    const base = service.url!;

    // Polls that work, and polls that fail with the platform echoing the request.
    expect(await pollNow('twitter', keyOf('search-', 'lumio'))).toMatchObject({ status: 'ok' });
    x.faults.push({
      path: /search/,
      status: 401,
      times: 1,
      body: { title: 'Unauthorized', detail: 'Unauthorized', status: 401 },
    });
    expect(await pollNow('twitter', keyOf('search-', 'lumio'))).toMatchObject({ status: 'failed' });
    expect(await pollNow('facebook', 'page-777')).toMatchObject({ status: 'ok' });
    g.fail(/feed/, 1, 500, 1, 'An unknown error has occurred.');
    expect(await pollNow('facebook', 'page-777')).toMatchObject({ status: 'failed' });

    // Webhooks with their secrets in query strings and headers.
    await fetch(
      `${base}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${SECRETS.FACEBOOK_VERIFY_TOKEN}&hub.challenge=5`,
    );
    await fetch(`${base}/webhooks/twitter?crc_token=abc`);
    const d = feedDelivery(SECRETS.FACEBOOK_APP_SECRET, '777', [
      { item: 'status', verb: 'add', post_id: '777_1', from: { id: '5' }, message: 'hi lumio' },
    ]);
    expect(
      (
        await fetch(`${base}/webhooks/facebook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature },
          body: d.body,
        })
      ).status,
    ).toBe(200);
    const xBody = JSON.stringify({ tweet_create_events: [] });
    const xSig = `sha256=${createHmac('sha256', SECRETS.X_CONSUMER_SECRET).update(xBody).digest('base64')}`;
    expect(
      (
        await fetch(`${base}/webhooks/twitter`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSig },
          body: xBody,
        })
      ).status,
    ).toBe(200);

    // The poll jobs the schedulers created carry only source and key.
    const { Queue } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const redisUrl = inject('redisUrl');
    if (redisUrl) {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const q = new Queue(config.queueName, { connection });
      const jobs = await q.getJobs(['waiting', 'delayed', 'completed', 'active', 'failed']);
      const data = JSON.stringify(jobs.filter((j) => j.name === 'poll-source').map((j) => j.data));
      expect(data).toContain('"source"');
      for (const s of [...Object.values(SECRETS), PAGE_TOKEN]) expect(data).not.toContain(s);
      await q.close();
      connection.disconnect();
    }

    const out = lines.join('');
    expect(out).toContain('starting with this configuration');
    expect(out).toContain('source poll failed');
    expect(out).toContain('[redacted]');
    for (const s of [...Object.values(SECRETS), PAGE_TOKEN]) expect(out, `secret ${s} leaked`).not.toContain(s);
  });
});
