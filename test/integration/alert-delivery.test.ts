/**
 * Alert delivery end to end (real PostgreSQL, Redis, BullMQ scheduler, real HTTP and SMTP to fakes on
 * 127.0.0.1): an alert reaches a Slack webhook, a signed webhook (whose signature verifies) and an
 * SMTP server; a failing destination is retried with backoff and then dead; the SSRF guard refuses
 * private addresses unless EARSHOT_ALERT_ALLOW_PRIVATE is set.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { insertAlert } from '../../src/crisis/alerts.ts';
import { signature } from '../../src/alerts/send.ts';
import { checkDestinationUrl, guardedLookup, isPrivateAddress } from '../../src/alerts/guard.ts';
import { startSlack, startWebhookReceiver, startSmtp, type FakeSmtp } from '../fakes/alert-receivers.ts';
import type { FakeServer } from '../fakes/http.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let slack: FakeServer;
let hook: FakeServer;
let smtp: FakeSmtp;
const admin = { authorization: 'Bearer test-admin-token-0123456789abcdefghij' };

beforeAll(async () => {
  [slack, hook, smtp] = await Promise.all([startSlack(), startWebhookReceiver(), startSmtp()]);
  rt = await testRuntime({
    env: {
      EARSHOT_ALERT_ALLOW_PRIVATE: '1',
      EARSHOT_ALERT_HTTP_HOSTS: '127.0.0.1',
      EARSHOT_SMTP_URL: smtp.url,
      EARSHOT_ALERT_RETRY_MS: '200',
      EARSHOT_ALERT_MAX_ATTEMPTS: '3',
      EARSHOT_CRISIS_INTERVAL_MS: '3600000',
    },
  });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
  await Promise.all([slack?.close(), hook?.close(), smtp?.close()]);
});

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const create = (body: object) =>
  app.inject({ method: 'POST', url: '/api/alert-destinations', headers: admin, payload: body });

describe('alert delivery', () => {
  let webhookSecret = '';

  it('lets an admin configure destinations, showing a webhook secret once', async () => {
    expect(
      (await create({ name: 'PR Slack', kind: 'slack', target: `${slack.url}/services/T0/B0/x` })).statusCode,
    ).toBe(201);
    const w = await create({ name: 'Ops hook', kind: 'webhook', target: `${hook.url}/earshot` });
    expect(w.statusCode).toBe(201);
    webhookSecret = w.json<{ secret: string }>().secret;
    expect(webhookSecret.length).toBeGreaterThan(20);
    expect((await create({ name: 'PR mail', kind: 'email', target: 'pr@example.com' })).statusCode).toBe(201);
    const list = (await app.inject({ url: '/api/alert-destinations', headers: admin })).json<{
      items: Array<{ has_secret: boolean; secret?: string }>;
    }>().items;
    expect(list).toHaveLength(3);
    expect(list.every((d) => d.secret === undefined)).toBe(true);
    expect((await create({ name: 'bad', kind: 'webhook', target: 'ftp://example.com/x' })).statusCode).toBe(400);
  });

  it('sends a test alert to a destination on demand', async () => {
    const before = slack.log.length;
    const r = await app.inject({ method: 'POST', url: '/api/alert-destinations/1/test', headers: admin });
    expect(r.json()).toEqual({ ok: true });
    expect(slack.log.length).toBe(before + 1);
    expect(JSON.parse(slack.log.at(-1)!.body).text).toMatch(/\[TEST\]/);
  });

  it('delivers an alert to Slack, a signed webhook and e-mail, retrying the mail after a failure', async () => {
    smtp.refuse = 1;
    const id = await insertAlert(rt.db, {
      kind: 'volume_spike',
      severity: 2,
      message: 'Negative volume spike: 40 negative mentions in 15 min',
      data: { representatives: [{ author: 'angry', text: 'down again' }] },
      scope: {},
      drill: false,
    });
    await waitFor(
      'three sent deliveries',
      async () =>
        (await rt.db.query(`SELECT 1 FROM alert_deliveries WHERE alert_id = $1 AND status = 'sent'`, [id])).rowCount ===
        3,
    );

    const slackPost = slack.log.find((l) => l.body.includes('40 negative mentions'));
    expect(JSON.parse(slackPost!.body).text).toMatch(/volume spike/);

    const hookPost = hook.log.find((l) => l.path === '/earshot')!;
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hookPost.headers['earshot-signature']));
    expect(m).not.toBeNull();
    expect(m![2]).toBe(signature(webhookSecret, Number(m![1]), hookPost.body));
    expect(Math.abs(Date.now() / 1000 - Number(m![1]))).toBeLessThan(120);
    expect(JSON.parse(hookPost.body)).toMatchObject({
      type: 'alert.opened',
      alert: { id, kind: 'volume_spike', severity: 2 },
    });

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['pr@example.com']);
    expect(smtp.messages[0]!.raw).toMatch(/Subject: .*volume spike/);
    const mail = (await app.inject({ url: `/api/alerts/${id}/deliveries`, headers: admin }))
      .json<{ items: Array<{ destination_id: number; attempts: number }> }>()
      .items.find((d) => d.destination_id === 3)!;
    expect(mail.attempts).toBe(2);
  }, 120_000);

  it('gives up after the last attempt and keeps the delivery as dead with its error', async () => {
    const broken = (await create({ name: 'Broken hook', kind: 'webhook', target: `${hook.url}/broken` })).json<{
      id: number;
    }>();
    hook.faults.push({ path: /^\/broken$/, status: 500, body: 'boom', times: 100 });
    const id = await insertAlert(rt.db, {
      kind: 'sentiment_shift',
      severity: 1,
      message: 'Sentiment turned negative',
      data: {},
      scope: {},
      drill: false,
    });
    await waitFor(
      'a dead delivery',
      async () =>
        (
          await rt.db.query(
            `SELECT 1 FROM alert_deliveries WHERE alert_id = $1 AND destination_id = $2 AND status = 'dead'`,
            [id, broken.id],
          )
        ).rowCount === 1,
    );
    const row = (
      await rt.db.query<{ attempts: number; last_error: string }>(
        'SELECT attempts, last_error FROM alert_deliveries WHERE alert_id = $1 AND destination_id = $2',
        [id, broken.id],
      )
    ).rows[0]!;
    expect(row.attempts).toBe(3);
    expect(row.last_error).toMatch(/HTTP 500/);
    expect(hook.log.filter((l) => l.path === '/broken')).toHaveLength(3);
  }, 120_000);

  it('removes deliveries with their alert (cascade)', async () => {
    await rt.db.query('DELETE FROM alerts');
    expect((await rt.db.query('SELECT 1 FROM alert_deliveries')).rowCount).toBe(0);
  });
});

describe('SSRF guard', () => {
  const strict = { allowPrivate: false, httpHosts: [] };
  it('refuses plain http, private and loopback addresses, local names and credentials', () => {
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://localhost/x',
      'https://u:p@hooks.example.com/x',
      'file:///etc/passwd',
    ]) {
      expect(() => checkDestinationUrl(url, strict), url).toThrow();
    }
    expect(checkDestinationUrl('https://hooks.slack.com/services/T/B/x', strict).hostname).toBe('hooks.slack.com');
    expect(isPrivateAddress('::ffff:192.168.1.1')).toBe(true);
    expect(isPrivateAddress('93.184.216.34')).toBe(false);
  });

  it('refuses, at connect time, a name that resolves to a loopback address (so DNS rebinding cannot pass)', async () => {
    const resolve = (allowPrivate: boolean) =>
      new Promise<NodeJS.ErrnoException | null>((done) =>
        guardedLookup({ allowPrivate, httpHosts: [] })('localhost', {}, (err) => done(err)),
      );
    expect((await resolve(false))?.code).toBe('EPRIVATE');
    expect(await resolve(true)).toBeNull();
  });
});
