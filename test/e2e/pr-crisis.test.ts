/**
 * The PR view's crisis watch in Chromium against a real earshot (PostgreSQL, Redis, the worker and its
 * crisis-detect schedule): a real fire drill goes through the pipeline and is alerted; PR sees it on
 * the uPlot chart and in the alert list marked as a drill, acknowledges and resolves it; a new alert
 * arrives without a reload (server-sent events).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Locator, Page } from 'playwright-core';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { launchBrowser, requireChromium, eventually, type TestBrowser } from '../helpers/browser.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createUser } from '../../src/storage/users.ts';
import { runDrill } from '../../src/crisis/drill.ts';
import { insertAlert, type AlertView } from '../../src/crisis/alerts.ts';

const PASSWORD = 'correct-horse-battery-1';
let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let base: string;
let browser: TestBrowser;
const pageErrors: string[] = [];

async function sees(locator: Locator, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => {
    const shown = await locator.first().innerText({ timeout: 1000 });
    if (typeof text === 'string') expect(shown).toContain(text);
    else expect(shown).toMatch(text);
  }, timeoutMs);
}

beforeAll(async () => {
  requireChromium();
  rt = await testRuntime({ env: { EARSHOT_CRISIS_INTERVAL_MS: '1000', EARSHOT_LIVE_POLL_MS: '500' } });
  // Two quiet days of history, so the drill is judged against a warm baseline.
  await rt.db.query(
    `INSERT INTO mention_series (minute, brand, channel, sentiment, mentions)
     SELECT date_trunc('minute', now()) - make_interval(mins => g), '*', 'api', CASE WHEN g % 5 = 0 THEN 'negative' ELSE 'neutral' END, 1
       FROM generate_series(240, 48 * 60) AS g`,
  );
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  await createUser(rt.db, { email: 'pr@example.com', role: 'pr', password: PASSWORD });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
});

async function drillAlert(): Promise<AlertView> {
  return eventually(async () => {
    const res = await fetch(`${base}/api/alerts`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
    });
    const found = ((await res.json()) as { items: AlertView[] }).items.find(
      (a) => a.drill && a.kind !== 'cluster_growth',
    );
    expect(found).toBeDefined();
    return found!;
  }, 90_000);
}

describe('PR view: crisis watch', () => {
  it('shows a drill alert on the chart and in the list, which PR acknowledges and resolves; new alerts arrive live', async () => {
    await runDrill(rt, 'outage');
    await drained(rt, 90_000);
    const alert = await drillAlert();

    const page: Page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(base);
    await page.getByLabel('E-mail').fill('pr@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Crisis watch: the last 24 hours' }).waitFor({ timeout: 30_000 });

    const chart = page.getByRole('img', { name: /crisis alerts marked/ });
    await eventually(async () => expect(await chart.getAttribute('data-ready')).toBe('1'));
    expect(Number(await chart.getAttribute('data-alert-marks'))).toBeGreaterThanOrEqual(1);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    await sees(page.getByTestId('crisis-summary'), /crisis alert.* marked: drill (volume spike|sentiment shift)/);

    const alerts = page.getByRole('region', { name: 'Alerts' });
    const item = alerts.locator(`[data-alert-id="${alert.id}"]`);
    await sees(item, 'DRILL');
    await sees(item, '[DRILL]');
    await page.screenshot({ path: '/tmp/earshot-pr-crisis.png', fullPage: true });
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await sees(alerts.locator(`[data-alert-id="${alert.id}"]`), 'Acknowledged by pr@example.com');
    await alerts.locator(`[data-alert-id="${alert.id}"]`).getByRole('button', { name: 'Resolve' }).click();
    await sees(alerts.locator(`[data-alert-id="${alert.id}"]`), 'Resolved by pr@example.com');

    // Without a reload: an alert written now shows up through the event stream.
    const live = await insertAlert(rt.db, {
      kind: 'sentiment_shift',
      severity: 2,
      message: 'Sentiment turned negative: live test',
      data: {},
      scope: {},
      drill: false,
    });
    await sees(alerts.locator(`[data-alert-id="${live}"]`), 'live test', 15_000);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
