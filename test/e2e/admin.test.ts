/**
 * Dashboard v2 in a real browser (Chromium via playwright-core) against a real earshot (PostgreSQL,
 * the queue, the pipeline worker): an admin sets up an agent and an ingest token without the CLI,
 * the agent sees a new mention arrive live and works it with the keyboard alone, a rules change is
 * previewed then saved, every view passes axe-core and fits a phone. Screenshots go to /tmp/earshot-shots.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { testRuntime, drained, mention, RULES_DIR, type TestRuntime } from '../helpers/runtime.ts';
import { launchBrowser, requireChromium, eventually, type TestBrowser } from '../helpers/browser.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createUser } from '../../src/storage/users.ts';

const ADMIN_TOKEN = 'admin-e2e-token-0123456789abcdefghij';
const PASSWORD = 'correct-horse-battery-1';
const SHOTS = '/tmp/earshot-shots';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let base: string;
let browser: TestBrowser;
let rulesDir: string;
const pageErrors: string[] = [];

interface CaseItem {
  id: number;
  status: string;
  assignee: string | null;
  author: { handle: string };
}

async function call<T>(
  path: string,
  init: RequestInit = {},
  token = ADMIN_TOKEN,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

async function caseOf(handle: string): Promise<CaseItem | undefined> {
  const { body } = await call<{ items: CaseItem[] }>('/api/cases?limit=200&status=');
  return body.items.find((c) => c.author.handle === handle);
}

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await browser.context.clearCookies();
  await page.goto(base);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  where: string[];
}

/** Runs axe-core in the page; returns the serious and critical violations, described. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // Evaluated as source text: this file is typed for Node, the code runs in the page.
  const violations = await page.evaluate<
    Violation[]
  >(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
  })))`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.where.join(', ')}`);
}

/** A screenshot at laptop width and one at phone width; the phone one must not scroll sideways. */
async function shots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/${name}-laptop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100); // one layout pass after the resize
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  const overflow = await page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(1);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** What has the keyboard focus, described; "BODY" means focus was lost. */
const focused = (page: Page) => page.evaluate<string>("document.activeElement?.tagName ?? 'BODY'");

beforeAll(async () => {
  requireChromium();
  mkdirSync(SHOTS, { recursive: true });
  rulesDir = mkdtempSync(join(tmpdir(), 'earshot-rules-'));
  cpSync(RULES_DIR, rulesDir, { recursive: true });
  rt = await testRuntime({ env: { EARSHOT_DRY_RUN: '1', EARSHOT_RULES: rulesDir, EARSHOT_ADMIN_TOKEN: ADMIN_TOKEN } });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  await createUser(rt.db, { email: 'boss@example.com', role: 'admin', name: 'Boss', password: PASSWORD });
  await call('/api/mentions', {
    method: 'POST',
    body: JSON.stringify({
      mentions: [
        mention({
          source: 'twitter',
          author: { handle: 'zed_owner' },
          text: 'My zebra-print Lumio case cracked on day two, awful quality, I want a refund',
        }),
        mention({
          source: 'twitter',
          author: { handle: 'calm_cat' },
          text: 'The Lumio app keeps logging me out, really annoying',
        }),
      ],
    }),
  });
  await drained(rt);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
});

describe('dashboard v2 in a browser', { timeout: 300_000 }, () => {
  it('lets an admin create an agent and an ingest token; the agent sees a new mention arrive live and works it by keyboard', async () => {
    const admin = await newPage();
    await logIn(admin, 'boss@example.com', PASSWORD);
    await admin.goto(`${base}/#/admin`);
    await admin.getByRole('heading', { name: 'Admin' }).waitFor();

    const users = admin.locator('#admin-users');
    await users.getByLabel('E-mail', { exact: true }).fill('new.agent@example.com');
    await users.getByLabel('Name', { exact: true }).fill('New Agent');
    await users.getByLabel('Role', { exact: true }).selectOption('agent');
    await users.getByRole('button', { name: 'Invite user' }).click();
    const password = (await users.locator('.secret-value').innerText()).trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await users.locator('tr[data-user-email="new.agent@example.com"]').waitFor();

    const tokens = admin.locator('#admin-tokens');
    await tokens.getByLabel('Name').fill('website bridge');
    await tokens.getByLabel('Role').selectOption('ingest');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const token = (await tokens.locator('.secret-value').innerText()).trim();
    expect(token).toMatch(/^\S{20,}$/);
    await tokens.getByRole('button', { name: 'Revoke website bridge' }).waitFor();
    await admin.close();

    const agent = await newPage();
    await logIn(agent, 'new.agent@example.com', password);
    await agent.getByRole('heading', { name: 'Inbox' }).waitFor();
    expect(await agent.getByRole('navigation', { name: 'Views' }).getByRole('link').allInnerTexts()).toEqual(['Inbox']);
    // What an agent may not do is not in the API either.
    const agentToken = await call(
      '/api/tokens',
      { method: 'POST', body: JSON.stringify({ name: 'x', role: 'admin' }) },
      token,
    );
    expect(agentToken.status).toBe(403);

    const posted = Date.now();
    const ingest = await call<{ accepted?: number }>(
      '/api/mentions',
      {
        method: 'POST',
        body: JSON.stringify({
          mentions: [
            mention({
              source: 'twitter',
              author: { handle: 'live_lena' },
              text: 'Lumio support, my router has been offline since this morning and nobody answers',
            }),
          ],
        }),
      },
      token,
    );
    expect(ingest.status).toBe(202);
    const row = agent.locator('tr', { hasText: '@live_lena' });
    await row.waitFor({ timeout: 60_000 }); // no reload: it arrives over the event stream
    console.log(`[dashboard] a posted mention appeared in the open inbox ${Date.now() - posted} ms after the POST`);
    const caseId = Number(await row.getAttribute('data-case-id'));

    // The keyboard alone from here: j/k to the case, Enter, a (assign), r (suggested reply), Ctrl+Enter (send), e (resolve).
    await agent.locator('h1').click(); // start from the page, as after a fresh load
    for (let i = 0; i < 50; i++) {
      await agent.keyboard.press('j');
      if (
        (await agent.evaluate<string | null>(
          "document.activeElement?.closest('tr')?.getAttribute('data-case-id') ?? null",
        )) === String(caseId)
      )
        break;
    }
    await agent.keyboard.press('Enter');
    await agent.getByRole('heading', { name: `Case #${caseId}:` }).waitFor();
    await agent.keyboard.press('a');
    await eventually(async () => expect((await caseOf('live_lena'))?.assignee).toBe('new.agent@example.com'));
    await agent.locator('.case-head', { hasText: 'new.agent@example.com' }).waitFor();
    expect(await focused(agent)).not.toBe('BODY');
    await agent.keyboard.press('r');
    const box = agent.getByLabel('Your reply');
    await eventually(async () => expect(await box.inputValue()).not.toBe(''));
    expect(await focused(agent)).toBe('TEXTAREA');
    await agent.keyboard.press('Control+Enter');
    await agent.locator('[data-reply-status="dry_run"]').waitFor({ timeout: 60_000 });
    await agent.locator('h1').focus();
    await agent.keyboard.press('e');
    await eventually(async () => expect((await caseOf('live_lena'))?.status).toBe('resolved'));
    await agent.locator('.case-head .badge', { hasText: /^resolved$/ }).waitFor();
    expect(await focused(agent)).not.toBe('BODY');

    await agent.keyboard.press('?');
    await agent.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    expect(await agent.getByRole('dialog').innerText()).toContain('Resolve the case');
    await agent.keyboard.press('Escape');
    await agent.close();
  });

  it('validates a rules change, previews what it would have decided, then saves it', async () => {
    const page = await newPage();
    await logIn(page, 'boss@example.com', PASSWORD);
    await page.goto(`${base}/#/admin`);
    const rules = page.locator('#admin-rules');
    await rules.getByLabel('File').selectOption('90-ignore.yaml');
    const editor = rules.getByLabel(/Rules \(YAML/);
    const original = await editor.inputValue();

    await editor.fill(`${original}\n  - id: bad rule id\n    when: { any: [zebra] }\n    then: { ignore: true }\n`);
    await rules.getByRole('button', { name: 'Validate and preview' }).click();
    await rules.getByText(/Not valid: 90-ignore\.yaml:\d+/).waitFor();
    expect(await rules.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);

    const rule = [
      '  - id: zebra-cases-are-noise',
      '    description: test rule',
      '    when: { any: [zebra-print] }',
      '    then: { ignore: true }',
    ];
    const changed = `${original.trimEnd()}\n${rule.join('\n')}\n`;
    await editor.fill(changed);
    await rules.getByRole('button', { name: 'Validate and preview' }).click();
    const preview = rules.getByTestId('rules-preview');
    await preview.waitFor();
    expect(await preview.innerText()).toContain('1 would now be ignored');
    expect(await preview.innerText()).toContain('zebra-print Lumio case cracked');
    await rules.getByRole('button', { name: 'Save' }).click();
    await rules.getByText('Saved 90-ignore.yaml').waitFor();
    expect(readFileSync(join(rulesDir, '90-ignore.yaml'), 'utf8')).toContain('zebra-cases-are-noise');

    // The saved rule is in force: the workers reloaded it.
    await eventually(async () => {
      const m = mention({
        source: 'twitter',
        author: { handle: `zebra_${Date.now()}` },
        text: 'zebra-print case broke again, terrible',
      });
      await call('/api/mentions', { method: 'POST', body: JSON.stringify({ mentions: [m] }) });
      await drained(rt);
      const { body } = await call<{ items: { external_id: string; ignored: boolean; rules: string[] }[] }>(
        '/api/mentions?limit=50',
      );
      expect(body.items.find((x) => x.external_id === m.external_id)?.rules).toContain('zebra-cases-are-noise');
    }, 60_000);

    // Only admins reach the rules.
    const agentToken = await call<{ token: string }>('/api/tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'agent probe', role: 'agent' }),
    });
    expect((await call('/api/rules', {}, agentToken.body.token)).status).toBe(403);
    expect(
      (
        await call('/api/rules/..%2F..%2Fetc%2Fpasswd', {
          method: 'PUT',
          body: JSON.stringify({ source: 'rules: []' }),
        })
      ).status,
    ).toBe(400);
    await page.close();
  });

  it('passes axe-core on every view and fits a phone', async () => {
    const page = await newPage();
    await browser.context.clearCookies();
    await page.goto(base);
    await page.getByRole('heading', { name: 'Log in to earshot' }).waitFor();
    expect(await axeProblems(page), 'login').toEqual([]);
    await shots(page, 'login');

    await logIn(page, 'boss@example.com', PASSWORD);
    const anyCase = await caseOf('calm_cat');
    const views: [string, string, string][] = [
      ['inbox', '#/inbox', 'Inbox'],
      ['case', `#/inbox/${anyCase?.id}`, `Case #${anyCase?.id}:`],
      ['pr', '#/pr', 'PR: volume, sentiment and alerts'],
      ['product', '#/product', 'Product: root-cause clusters'],
      ['admin', '#/admin', 'Admin'],
    ];
    for (const [name, hash, heading] of views) {
      await page.goto(`${base}/${hash}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await axeProblems(page), name).toEqual([]);
      await shots(page, name);
    }
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
