/**
 * Google Alerts in: the real poller against the fake feed server over HTTP, real PostgreSQL and BullMQ.
 * Conditional GET, stable entry ids, unwrapped links, hostile feeds refused, the size cap enforced.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Worker } from 'bullmq';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { startFakeAlerts, atom, type FakeAlerts } from '../fakes/alerts.ts';
import { openRuntime, startPipelineWorker } from '../../src/runtime.ts';
import { createModels, type LiveModels } from '../../src/pipeline/models.ts';
import { createLogger } from '../../src/log.ts';
import { startSweeper } from '../../src/ingest/sweeper.ts';
import { keyOf } from '../../src/channels/config.ts';

let feeds: FakeAlerts;
let rt: TestRuntime;
let models: LiveModels;
let worker: Worker;
let stopSweeper: () => void;
let urlA: string;
let urlB: string;
const MAX_BYTES = 256 * 1024;

const count = async (sql: string, params: unknown[] = []) =>
  Number((await rt.db.query<{ n: string }>(sql, params)).rows[0]?.n);
const alertMentions = () => count(`SELECT count(*) AS n FROM mentions WHERE source = 'google-alerts'`);
const keyA = () => keyOf('feed-', urlA);
const keyB = () => keyOf('feed-', urlB);

beforeAll(async () => {
  feeds = await startFakeAlerts();
  urlA = feeds.feed('1111111111111111111');
  urlB = feeds.feed('2222222222222222222');
  rt = await testRuntime({
    env: { GOOGLE_ALERTS_FEEDS: `${urlA},${urlB}`, GOOGLE_ALERTS_MAX_BYTES: String(MAX_BYTES) },
  });
  models = await createModels(rt.config, rt.log);
  worker = startPipelineWorker(rt, models);
  stopSweeper = startSweeper(rt, 250, { olderThanMs: 500 });
});

afterAll(async () => {
  stopSweeper?.();
  await worker?.close();
  models?.close();
  await rt?.close();
  await feeds?.close();
});

describe('Google Alerts feeds', () => {
  it('stores N entries once, with unwrapped links and plain-text titles; an unchanged feed costs a 304', async () => {
    for (let i = 0; i < 40; i++)
      feeds.entry(
        '1111111111111111111',
        `Lumio <b>X200</b> recall &amp; refunds, part ${i}`,
        `https://news.example.com/lumio/${i}?a=1&b=2`,
      );
    expect(await rt.channels.poll('google-alerts', keyA())).toMatchObject({ status: 'ok', accepted: 40 });
    await drained(rt);
    expect(await alertMentions()).toBe(40);
    const row = (
      await rt.db.query<{ text: string; url: string; external_id: string }>(
        `SELECT text, url, external_id FROM mentions WHERE source = 'google-alerts' AND url LIKE '%/lumio/0?%'`,
      )
    ).rows[0]!;
    expect(row.url).toBe('https://news.example.com/lumio/0?a=1&b=2');
    expect(row.text).toMatch(/^Lumio X200 recall & refunds, part 0\n/);
    expect(row.text).not.toMatch(/[<>]/);
    expect(row.external_id).toMatch(/^tag:google\.com,2013:googlealerts\/feed:\d+$/);

    const again = await rt.channels.poll('google-alerts', keyA());
    expect(again).toMatchObject({ status: 'ok', read: 0 });
    expect(feeds.notModified).toBe(1);
    expect(feeds.log.at(-1)!.headers['if-none-match']).toBeTruthy();

    feeds.entry('1111111111111111111', 'Lumio support praised', 'https://blog.example.org/p');
    expect(await rt.channels.poll('google-alerts', keyA())).toMatchObject({
      status: 'ok',
      read: 41,
      accepted: 1,
      duplicates: 40,
    });
  });

  it('survives a restart and a 503 without duplicates', async () => {
    feeds.entry('2222222222222222222', 'Lumio outage reported', 'https://status.example.net/');
    feeds.faults.push({ path: /2222222222222222222$/, status: 503, times: 1, body: 'Service Unavailable' });
    expect(await rt.channels.poll('google-alerts', keyB())).toMatchObject({ status: 'failed' });
    const other = await openRuntime(rt.config, createLogger({ level: 'silent' }));
    try {
      expect(await other.channels.poll('google-alerts', keyB())).toMatchObject({ status: 'ok', accepted: 1 });
      expect(await other.channels.poll('google-alerts', keyA())).toMatchObject({ status: 'ok', read: 0 });
    } finally {
      await other.close();
    }
    await drained(rt);
    expect(await alertMentions()).toBe(42);
  });

  it('refuses DOCTYPE/ENTITY feeds and links that are not http(s), and keeps polling the other feed', async () => {
    feeds.override(
      '2222222222222222222',
      '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY lol "lol">]>' +
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>&lol;</title></entry></feed>',
    );
    const r = await rt.channels.poll('google-alerts', keyB());
    expect(r).toMatchObject({ status: 'failed' });
    expect((r as { reason: string }).reason).toContain('DOCTYPE');
    const js = atom('2222222222222222222', [
      {
        id: 'tag:google.com,2013:googlealerts/feed:999',
        title: 'Lumio click me',
        url: 'javascript:alert(1)',
        snippet: 'x',
        published: new Date().toISOString(),
      },
    ]);
    feeds.override('2222222222222222222', js);
    expect(await rt.channels.poll('google-alerts', keyB())).toMatchObject({ status: 'ok', read: 0 });
    feeds.override('2222222222222222222', null);
    expect(await rt.channels.poll('google-alerts', keyA())).toMatchObject({ status: 'ok' });
  });

  it('stops reading a feed at the size cap and reports it', async () => {
    feeds.endless('2222222222222222222', true);
    const r = await rt.channels.poll('google-alerts', keyB());
    feeds.endless('2222222222222222222', false);
    expect(r).toMatchObject({ status: 'failed' });
    expect((r as { reason: string }).reason).toContain(`larger than ${MAX_BYTES} bytes`);
    // The download was cancelled near the cap, not read to the end (socket buffers allow some slack).
    expect(feeds.bytesSent).toBeLessThan(MAX_BYTES + 8 * 1024 * 1024);
    await drained(rt);
    expect(await alertMentions()).toBe(42);
  });
});

describe('scheduling on the embedded shape (BullMQ on PostgreSQL)', () => {
  it('upserts job schedulers and polls through them without Redis', async () => {
    const { startService } = await import('../../src/runtime.ts');
    const pg = await testRuntime({
      queue: 'postgres',
      env: { GOOGLE_ALERTS_FEEDS: urlA, GOOGLE_ALERTS_POLL_INTERVAL_MS: '1000' },
    });
    const service = await startService(pg, { api: false, worker: true });
    try {
      const end = Date.now() + 30_000;
      let n = 0;
      while (
        Date.now() < end &&
        (n = Number(
          (await pg.db.query<{ n: string }>(`SELECT count(*) AS n FROM mentions WHERE source = 'google-alerts'`))
            .rows[0]?.n,
        )) < 41
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(n).toBe(41);
    } finally {
      await service.stop();
      await pg.database.drop();
    }
  });
});
