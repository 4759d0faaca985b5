/**
 * Satisfaction surveys against a real earshot and a real SMTP server: resolving a case e-mails a
 * signed, expiring link; the survey is answered once (a second answer is refused), a forged or
 * expired link is refused, and the answer shows as CSAT in GET /api/metrics/support and its CSV.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { eventually } from '../helpers/browser.ts';
import { startSmtp, linkIn } from '../helpers/smtp.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { signingKey, signSurvey, verifySurvey } from '../../src/kb/survey.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let agent: string;
let caseId = 0;
let link = '';

const form = (rating: string, comment = '') => ({
  'content-type': 'application/x-www-form-urlencoded',
  payload: new URLSearchParams({ rating, comment }).toString(),
});

beforeAll(async () => {
  smtp = await startSmtp();
  rt = await testRuntime({
    env: { EARSHOT_SMTP_URL: smtp.url, EARSHOT_CSAT_SURVEY: '1', EARSHOT_PUBLIC_URL: 'https://help.example.com' },
  });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  agent = await createToken(rt.db, 'survey agent', 'agent');
  const sent = await app.inject({
    method: 'POST',
    url: '/api/public/cases',
    payload: { email: 'survey.me@example.com', text: 'The lamp app keeps logging me out every hour' },
  });
  expect(sent.statusCode).toBe(202);
  await drained(rt);
  caseId = await eventually(async () => {
    const { rows } = await rt.db.query<{ id: number }>(
      "SELECT c.id::int AS id FROM cases c JOIN authors a ON a.id = c.author_id WHERE a.handle = 'survey.me@example.com'",
    );
    expect(rows[0]).toBeDefined();
    return rows[0]!.id;
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
  await smtp?.close();
});

describe('satisfaction surveys', { timeout: 60_000 }, () => {
  it('e-mails a signed link when an agent resolves the case', async () => {
    const auth = { authorization: `Bearer ${agent}` };
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/cases/${caseId}/assign`,
          headers: auth,
          payload: { assignee: 'agent@example.com' },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/cases/${caseId}/status`,
          headers: auth,
          payload: { status: 'resolved' },
        })
      ).statusCode,
    ).toBe(200);
    const mail = await eventually(() => {
      const m = smtp.received.find((r) => r.to.includes('survey.me@example.com') && r.data.includes('How did we do'));
      expect(m).toBeDefined();
      return m!;
    });
    link = linkIn(mail, /https:\/\/help\.example\.com\/survey\/[\w.-]+/) ?? '';
    expect(link).not.toBe('');
  });

  it('shows the question, takes one answer, and refuses a second', async () => {
    const path = new URL(link).pathname;
    const page = await app.inject({ url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="rating" value="5"');
    expect(
      (
        await app.inject({
          method: 'POST',
          url: path,
          headers: { 'content-type': form('9')['content-type'] },
          payload: form('9').payload,
        })
      ).statusCode,
    ).toBe(400);
    const first = await app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': form('5')['content-type'] },
      payload: form('5', 'quick and kind').payload,
    });
    expect([first.statusCode, first.body.includes('Your answer was recorded')]).toEqual([200, true]);
    const second = await app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': form('1')['content-type'] },
      payload: form('1').payload,
    });
    expect(second.statusCode).toBe(409);
    expect((await app.inject({ url: path })).statusCode).toBe(409);
    const { rows } = await rt.db.query<{ rating: number; comment: string }>(
      'SELECT rating, comment FROM surveys WHERE case_id = $1',
      [caseId],
    );
    expect(rows).toEqual([{ rating: 5, comment: 'quick and kind' }]);
  });

  it('refuses a forged or an expired link', async () => {
    const token = new URL(link).pathname.split('/').pop()!;
    const [id, exp] = token.split('.');
    expect((await app.inject({ url: `/survey/${id}.${Number(exp) + 86_400}.${token.split('.')[2]}` })).statusCode).toBe(
      404,
    );
    const key = await signingKey(rt.db, null);
    const expired = signSurvey(key, Number(id), new Date(Date.now() - 1000));
    expect(verifySurvey(key, expired)).toEqual({ ok: false, reason: 'expired' });
    expect((await app.inject({ url: `/survey/${expired}` })).statusCode).toBe(410);
    expect(verifySurvey('another key of at least some length', token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('reports CSAT per agent, team, category and cluster in the support metrics and their CSV', async () => {
    const auth = { authorization: `Bearer ${agent}` };
    const m = (await app.inject({ url: '/api/metrics/support?group_by=category', headers: auth })).json();
    expect(m.total.csat).toEqual({ responses: 1, mean: 5, satisfied_pct: 100 });
    expect(m.csat.by_agent).toEqual([{ group: 'agent@example.com', responses: 1, mean: 5, satisfied_pct: 100 }]);
    expect(m.csat.by_category).toHaveLength(1);
    expect(m.csat.by_cluster).toEqual([{ group: '(none)', responses: 1, mean: 5, satisfied_pct: 100 }]);
    const csv = (await app.inject({ url: '/api/metrics/support?format=csv', headers: auth })).body.split('\r\n');
    const header = csv[0]!.split(',');
    expect(header.slice(-3)).toEqual(['csat_responses', 'csat_mean', 'csat_satisfied_pct']);
    expect(csv[1]!.split(',').slice(-3)).toEqual(['1', '5', '100']);
  });

  it('reports retention of customers who complained, from churned_at given through the customers API', async () => {
    const ingest = await createToken(rt.db, 'survey crm', 'ingest');
    const put = await app.inject({
      method: 'PUT',
      url: '/api/customers/S1',
      headers: { authorization: `Bearer ${ingest}` },
      payload: { email: 'survey.me@example.com', churned_at: new Date(Date.now() - 60_000).toISOString() },
    });
    expect(put.json()).toMatchObject({ inserted: 1, authors_linked: 1 });
    const m = (await app.inject({ url: '/api/metrics/support', headers: { authorization: `Bearer ${agent}` } })).json();
    expect(m.retention.complainants).toEqual({ customers: 1, retained: 0, retained_pct: 0 });
    expect(m.retention.not_answered.customers).toBe(1);
    expect(m.time_to_productivity).toEqual([
      expect.objectContaining({ agent: 'agent@example.com', cases_to_reach: null }),
    ]);
  });
});
