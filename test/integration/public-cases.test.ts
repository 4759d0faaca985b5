/**
 * Cases from the website against a real earshot (PostgreSQL, queue, pipeline) and a real SMTP server
 * (smtp-server on 127.0.0.1): a message opens a case through the pipeline, linked to the customer with
 * that e-mail, and is confirmed by e-mail; the honeypot, size limits and the rate limits (per client,
 * per address, shared by two API processes through PostgreSQL) hold.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { eventually } from '../helpers/browser.ts';
import { startSmtp } from '../helpers/smtp.ts';
import { buildApp } from '../../src/http/app.ts';
import { openRuntime, startService, type Runtime, type Service } from '../../src/runtime.ts';
import { createLogger } from '../../src/log.ts';
import { upsertCustomers } from '../../src/storage/customers.ts';

let rt: TestRuntime;
let other: Runtime;
let service: Service;
let app: FastifyInstance;
let secondApp: FastifyInstance;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  rt = await testRuntime({
    env: {
      EARSHOT_SMTP_URL: smtp.url,
      EARSHOT_PUBLIC_RATE_IP: '5',
      EARSHOT_PUBLIC_RATE_EMAIL: '3',
      EARSHOT_PUBLIC_URL: 'https://help.example.com',
    },
  });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  // A second API process: its own pool on the same database.
  other = await openRuntime(rt.config, createLogger({ level: 'silent' }));
  secondApp = await buildApp({ ...other, sourceHealth: async () => ({}) });
  await upsertCustomers(rt.db, [
    { customer_id: 'W1', name: 'Web Customer', email: 'Web.Customer@example.com', attributes: { plan: 'pro' } },
  ]);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await secondApp?.close();
  await other?.close();
  await service?.stop();
  await rt?.database.drop();
  await smtp?.close();
});

const post = (payload: unknown, remoteAddress = '203.0.113.1', target = () => app) =>
  target().inject({
    method: 'POST',
    url: '/api/public/cases',
    payload: payload as Record<string, unknown>,
    remoteAddress,
  });

describe('cases from the website', { timeout: 120_000 }, () => {
  it('opens a case through the pipeline, linked to the customer with that e-mail, and confirms it by e-mail', async () => {
    const res = await post({
      email: 'web.customer@EXAMPLE.com',
      name: 'Web Customer',
      text: 'My X200 will not turn on since this morning, what can I do?',
    });
    expect(res.statusCode).toBe(202);
    const { reference, confirmation } = res.json() as { reference: string; confirmation: string };
    expect(confirmation).toBe('sent');
    expect(smtp.received.at(-1)?.to).toEqual(['web.customer@example.com']);
    expect(smtp.received.at(-1)?.data).toContain(reference);
    await drained(rt);
    const { rows } = await rt.db.query<{
      source: string;
      handle: string;
      customer_id: string | null;
      case_id: string | null;
    }>(
      `SELECT m.source, a.handle, cu.customer_id, m.case_id
         FROM mentions m JOIN authors a ON a.id = m.author_id LEFT JOIN customers cu ON cu.id = a.customer_ref
        WHERE m.external_id = $1`,
      [reference],
    );
    expect(rows[0]).toMatchObject({ source: 'web', handle: 'web.customer@example.com', customer_id: 'W1' });
    expect(rows[0]?.case_id, 'a case was opened').not.toBeNull();
  });

  it('refuses bad input: no e-mail, too short, too long, and oversized bodies', async () => {
    expect((await post({ email: 'nope', text: 'something is broken here' }, '203.0.113.2')).statusCode).toBe(400);
    expect((await post({ email: 'a@example.com', text: 'short' }, '203.0.113.2')).statusCode).toBe(400);
    expect((await post({ email: 'a@example.com', text: 'x'.repeat(5001) }, '203.0.113.2')).statusCode).toBe(400);
    expect((await post({ email: 'a@example.com', text: 'x'.repeat(20_000) }, '203.0.113.2')).statusCode).toBe(413);
    expect(
      (await post({ email: 'a@example.com', text: 'something is broken here', admin: true }, '203.0.113.2')).statusCode,
    ).toBe(400);
  });

  it('accepts a bot that fills the honeypot but stores and sends nothing', async () => {
    const before = smtp.received.length;
    const res = await post(
      { email: 'bot@example.com', text: 'buy cheap followers now at my site', website: 'https://spam.example' },
      '203.0.113.3',
    );
    expect(res.statusCode).toBe(202);
    const { rows } = await rt.db.query('SELECT 1 FROM inbox WHERE external_id = $1', [res.json().reference]);
    expect(rows).toHaveLength(0);
    expect(smtp.received.length).toBe(before);
  });

  it('answers a flood from one client with 429, counted across two API processes, while others still get through', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (
          await post(
            { email: `flood${i}@example.com`, text: `flooding message number ${i} here` },
            '198.51.100.7',
            i % 2 ? () => secondApp : () => app,
          )
        ).statusCode,
      );
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await post({ email: 'flood9@example.com', text: 'one more flooding message' }, '198.51.100.7');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await post({ email: 'calm@example.com', text: 'my lamp flickers all the time' }, '198.51.100.8')).statusCode,
    ).toBe(202);
  });

  it('limits one e-mail address whatever client it comes from', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await post({ email: 'same@example.com', text: `message ${i} about my broken lamp` }, `192.0.2.${10 + i}`))
          .statusCode,
      );
    expect(codes).toEqual([202, 202, 202, 429]);
  });

  it('serves an embeddable form that works without script', async () => {
    const form = await app.inject({ url: '/kb/contact' });
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(form.headers['content-security-policy']).not.toContain('script-src');
    expect(form.body).toContain('<form method="post" action="/kb/contact">');
    const sent = await app.inject({
      method: 'POST',
      url: '/kb/contact',
      remoteAddress: '203.0.113.50',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: 'form@example.com',
        name: '<b>Form</b>',
        text: 'the app crashes when I open settings',
        website: '',
      }).toString(),
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('We received your message');
    const bad = await app.inject({
      method: 'POST',
      url: '/kb/contact',
      remoteAddress: '203.0.113.50',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=x&text=<script>alert(1)</script>',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(bad.body).not.toContain('<script>alert');
    await eventually(
      async () => expect(smtp.received.some((m) => m.to.includes('form@example.com'))).toBe(true),
      10_000,
    );
  });
});
