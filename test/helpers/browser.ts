/**
 * A real Chromium for end-to-end tests, driven by playwright-core (which never downloads a browser).
 * The flags keep Chromium off the network it would otherwise call home to (updates, sync, QUIC
 * probes); on a machine without a network those calls retry and slow everything down.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails loudly when Chromium is missing: skipping would hide that the dashboard went untested. */
export function requireChromium(): void {
  if (existsSync(CHROMIUM)) return;
  throw new Error(
    `no Chromium at ${CHROMIUM}: the dashboard tests drive a real browser. ` +
      'Install it with `apt-get install chromium` (Debian/Ubuntu; `apt-get install -y chromium` in CI scripts), ' +
      `or point EARSHOT_CHROMIUM at one.${process.env.CI ? ' CI must install it before the tests run.' : ''}`,
  );
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh profile directory, removed on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'earshot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * playwright-core has no web-first assertions (those live in @playwright/test), so this retries an
 * ordinary assertion until it holds or the time is up: waiting for the page, not timing it.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
