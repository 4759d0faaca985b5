/**
 * The public side in a real browser (Chromium via playwright-core) against a real earshot (PostgreSQL,
 * queue, pipeline, cluster stage) and a real SMTP server: a published known issue with valid
 * structured data, the index search finding it, the contact form opening a case and a flood from one
 * client getting 429, a survey answered once and its CSAT in the support metrics.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { plantedRebootLoop } from '../helpers/planted-cause.ts';
import { launchBrowser, requireChromium, eventually, type TestBrowser } from '../helpers/browser.ts';
import { startSmtp, linkIn } from '../helpers/smtp.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';

const ADMIN = { authorization: 'Bearer test-admin-token-0123456789abcdefghij' };
const SHOTS = '/tmp';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let base: string;
let browser: TestBrowser;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let clusterId = 0;
/** Console messages: a CSP violation or a script error would show up here. */
const consoleErrors: string[] = [];
/** The browser logs every 409 and 429 it is answered as an error; those are the refusals under test. */
const unexpectedErrors = () => consoleErrors.filter((e) => !/status of (409|429) /.test(e)).join('\n');

async function api<T>(path: string, init: RequestInit = {}, headers: Record<string, string> = ADMIN): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { ...headers, 'content-type': 'application/json', ...init.headers },
  });
  if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  // An aborted request is a navigation cut short by the next one, not a failure of the server.
  page.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? ''))
      consoleErrors.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() === 404) consoleErrors.push(`404: ${r.url()}`);
  });
  return page;
}

beforeAll(async () => {
  requireChromium();
  smtp = await startSmtp();
  rt = await testRuntime({
    env: {
      EARSHOT_DRY_RUN: '1',
      EARSHOT_SMTP_URL: smtp.url,
      EARSHOT_CSAT_SURVEY: '1',
      EARSHOT_PUBLIC_RATE_IP: '3',
      EARSHOT_SITE_NAME: 'Lumio help',
    },
  });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  const ingest = { authorization: `Bearer ${await createToken(rt.db, 'e2e kb bridge', 'ingest')}` };
  const { customers, mentions } = plantedRebootLoop(
    (i) => `P${i}`,
    (i) => `lamp_owner_${i}`,
  );
  await api('/api/customers/bulk', { method: 'POST', body: JSON.stringify({ customers }) }, ingest);
  await api('/api/mentions', { method: 'POST', body: JSON.stringify({ mentions }) }, ingest);
  await drained(rt);
  clusterId = await eventually(async () => {
    const body = await api<{ items: { id: number; size: number }[] }>('/api/clusters?min_size=5');
    expect(body.items.length).toBeGreaterThan(0);
    return body.items[0]!.id;
  }, 60_000);
  const product = { authorization: `Bearer ${await createToken(rt.db, 'e2e kb product', 'product')}` };
  await api(
    `/api/clusters/${clusterId}/rename`,
    { method: 'POST', body: JSON.stringify({ name: 'X200 restarts in a loop after firmware 4.1' }) },
    product,
  );
  await api(
    `/api/clusters/${clusterId}/solution`,
    {
      method: 'POST',
      body: JSON.stringify({
        solution: 'Hold the power button for 10 seconds, then install firmware 4.2 from the app.',
      }),
    },
    product,
  );
  await api(`/api/clusters/${clusterId}/publish`, { method: 'POST', body: '{}' }, product);
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
  await smtp?.close();
});

describe('the public knowledge base, contact form and survey in a browser', { timeout: 240_000 }, () => {
  it('shows a published issue whose structured data parses back as a valid Article and FAQPage', async () => {
    const page = await newPage();
    const res = await page.goto(`${base}/kb/issues/${clusterId}`);
    expect(res?.status()).toBe(200);
    await page.getByRole('heading', { level: 1, name: 'X200 restarts in a loop after firmware 4.1' }).waitFor();
    expect(await page.locator('ul.affected li').allInnerTexts()).toContain('model X200 with firmware 4.1');
    expect(await page.locator('.solution').innerText()).toContain('install firmware 4.2');
    const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
    expect(blocks).toHaveLength(1);
    const ld = JSON.parse(blocks[0]!) as { '@context': string; '@graph': Array<Record<string, unknown>> };
    expect(ld['@context']).toBe('https://schema.org');
    const article = ld['@graph'].find((n) => n['@type'] === 'Article')!;
    const faq = ld['@graph'].find((n) => n['@type'] === 'FAQPage') as {
      mainEntity: Array<{ '@type': string; name: string; acceptedAnswer: { '@type': string; text: string } }>;
    };
    // What Google's validators require of each: a headline and ISO dates; questions with an accepted answer.
    expect(article.headline).toBe('X200 restarts in a loop after firmware 4.1');
    for (const k of ['datePublished', 'dateModified'])
      expect(new Date(String(article[k])).toISOString()).toBe(article[k]);
    expect(article.mainEntityOfPage).toBe(`${base}/kb/issues/${clusterId}`);
    expect(faq.mainEntity[0]).toMatchObject({
      '@type': 'Question',
      name: 'X200 restarts in a loop after firmware 4.1',
      acceptedAnswer: { '@type': 'Answer' },
    });
    expect(faq.mainEntity[0]!.acceptedAnswer.text).toContain('install firmware 4.2');
    // Nothing the page does needs script, and nothing tripped the CSP.
    expect(await page.locator('script').count()).toBe(1);
    expect(unexpectedErrors()).toBe('');
    await page.screenshot({ path: `${SHOTS}/earshot-kb-issue.png`, fullPage: true });
    await page.close();
  });

  it('finds the issue from the index search and opens it', async () => {
    const page = await newPage();
    await page.goto(`${base}/kb`);
    await page.getByRole('searchbox').fill('reboot loop firmware 4.1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 result for “reboot loop firmware 4.1”').waitFor();
    await page.getByRole('link', { name: 'X200 restarts in a loop after firmware 4.1' }).click();
    await page.waitForURL(`${base}/kb/issues/${clusterId}`);
    await page.goto(`${base}/kb?q=${encodeURIComponent('printer paper jam')}`);
    await page.getByText('No known issue matches').waitFor();
    expect(unexpectedErrors()).toBe('');
    await page.close();
  });

  it('opens a case from the contact form, confirms it by e-mail, and answers a flood from one client with 429', async () => {
    const page = await newPage();
    await page.goto(`${base}/kb/contact`);
    await page.getByLabel('E-mail').fill('form.user@example.com');
    await page.getByLabel('Name (optional)').fill('Form User');
    await page.getByLabel('Message').fill('The Lumio app logs me out every few minutes and I lose my settings');
    const [posted] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/kb/contact') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Send' }).click(),
    ]);
    expect(posted.status()).toBe(200);
    await page.getByRole('status').getByText('We received your message').waitFor();
    const reference = (await page.locator('code').innerText()).trim();
    await drained(rt);
    const opened = await eventually(async () => {
      const { rows } = await rt.db.query<{ case_id: number | null }>(
        'SELECT case_id::int AS case_id FROM mentions WHERE external_id = $1',
        [reference],
      );
      expect(rows[0]?.case_id).toBeGreaterThan(0);
      return rows[0]!.case_id!;
    });
    const detail = await api<{ source: string; author: { handle: string } }>(`/api/cases/${opened}`);
    expect(detail).toMatchObject({ source: 'web', author: { handle: 'form.user@example.com' } });
    await eventually(() =>
      expect(
        smtp.received
          .filter((m) => m.to.includes('form.user@example.com'))
          .map((m) => m.data.replace(/=\r?\n/g, ''))
          .join('\n'),
      ).toContain(reference),
    );

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(`${base}/kb/contact`);
      await page.getByLabel('E-mail').fill(`flood${i}@example.com`);
      await page.getByLabel('Message').fill(`flooding the form, message number ${i}`);
      const [r] = await Promise.all([
        page.waitForResponse((x) => x.url().endsWith('/kb/contact') && x.request().method() === 'POST'),
        page.getByRole('button', { name: 'Send' }).click(),
      ]);
      statuses.push(r.status());
      await page.waitForLoadState('load');
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    await page.getByRole('alert').getByText('too many messages from this network').waitFor();
    const json = await fetch(`${base}/api/public/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com', text: 'one more from the same client' }),
    });
    expect(json.status).toBe(429);
    await page.close();
    // For the survey: the agent resolves the form's case.
    await api(`/api/cases/${opened}/assign`, {
      method: 'POST',
      body: JSON.stringify({ assignee: 'agent@example.com' }),
    });
    await api(`/api/cases/${opened}/status`, { method: 'POST', body: JSON.stringify({ status: 'resolved' }) });
  });

  it('takes one survey answer (a second is refused) and shows CSAT in the support metrics', async () => {
    const mail = await eventually(() => {
      const m = smtp.received.find((r) => r.to.includes('form.user@example.com') && r.data.includes('How did we do'));
      expect(m).toBeDefined();
      return m!;
    });
    const link = linkIn(mail, /http:\/\/127\.0\.0\.1:\d+\/survey\/[\w.-]+/);
    expect(link).not.toBeNull();
    // Two tabs open the survey; the first answer counts, the second tab's is refused.
    const page = await newPage();
    const other = await newPage();
    for (const p of [page, other]) {
      await p.goto(link!);
      await p.getByRole('heading', { name: 'How satisfied are you with the help you got?' }).waitFor();
    }
    await page.getByRole('radio', { name: '4', exact: true }).check();
    await page.getByLabel('Anything to add? (optional)').fill('Fixed, but it took a while');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Your answer was recorded.').waitFor();
    await other.getByRole('radio', { name: '1 (very unsatisfied)' }).check();
    const [again] = await Promise.all([
      other.waitForResponse((r) => r.url() === link && r.request().method() === 'POST'),
      other.getByRole('button', { name: 'Send' }).click(),
    ]);
    expect(again.status()).toBe(409);
    await other.getByText('the first answer counts').waitFor();
    expect((await page.goto(link!))?.status()).toBe(409);
    await page.getByText('This survey has already been answered').waitFor();
    await page.close();
    await other.close();

    const m = await api<{
      total: { csat: unknown };
      csat: { by_agent: unknown[]; by_category: Array<{ group: string }> };
    }>('/api/metrics/support');
    expect(m.total.csat).toEqual({ responses: 1, mean: 4, satisfied_pct: 100 });
    expect(m.csat.by_agent).toEqual([{ group: 'agent@example.com', responses: 1, mean: 4, satisfied_pct: 100 }]);
    const csv = await (await fetch(`${base}/api/metrics/support?format=csv`, { headers: ADMIN })).text();
    expect(csv.split('\r\n')[1]!.split(',').slice(-3)).toEqual(['1', '4', '100']);
    expect(unexpectedErrors()).toBe('');
  });
});
