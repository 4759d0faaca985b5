/** `earshot demo` as a newcomer runs it: embedded database in a fresh folder, the real pipeline, a summary, the API left running. */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { earshot } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';

const TOKEN = 'e2e-demo-token-0123456789abcdefghij';
const dir = mkdtempSync(join(tmpdir(), 'earshot-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('earshot demo', () => {
  it('explains itself', async () => {
    const child = earshot(['demo', '--help'], {});
    expect(await child.exited).toBe(0);
    expect(child.output()).toMatch(/--customers <n>/);
    expect(child.output()).toMatch(/--keep-running/);
  });

  it('replays a world through the pipeline, prints what it found, and keeps serving the API', async () => {
    const port = await freePort();
    const child = earshot(['demo', '--customers', '4000', '--seed', '5', '--keep-running'], {
      EARSHOT_DATA: dir,
      PORT: String(port),
      EARSHOT_ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      REDIS_URL: '',
    });
    try {
      await until(
        () => /earshot is running at/.test(child.output()) || child.proc.exitCode !== null,
        child.output,
        55_000,
      );
      const out = child.output();
      expect(out).toMatch(/earshot demo: Lumora, 4000 customers, \d+ mentions \(seed 5\)/);
      expect(out).toMatch(/^mentions: \d+ \(\d+ negative\)$/m);
      expect(out).toMatch(/^cases: [1-9]\d* — by category: .+; by priority: .+$/m);
      // At least one cluster with a profile and an at-risk list.
      expect(out).toMatch(
        /^ {2}#\d+ \[.+\] \d+ mentions, \d+ customers — \d+ of \d+ complainants have .+; at risk: [1-9]\d*$/m,
      );
      expect(out).toMatch(/^alerts: \d+$/m);
      // The world ends now, with a crisis the watch has alerted on (the PR view opens on it).
      expect(out).toMatch(/^ {2}(Negative volume spike|Sentiment turned negative): \d+ negative mentions in \d+ min/m);
      for (const role of ['agent', 'pr', 'product', 'admin'])
        expect(out).toMatch(new RegExp(`^ {2}${role} +${role}@lumora\\.example {2}\\S{20}$`, 'm'));

      const url = /earshot is running at (http:\/\/\S+) /.exec(out)?.[1];
      expect(url).toBeTruthy();
      const res = await fetch(`${url}/api/clusters`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: Array<{ id: number; size: number }> };
      expect(body.items.length).toBeGreaterThan(0);
      const login = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'product@lumora.example',
          password: new RegExp('^ {2}product +product@lumora\\.example {2}(\\S+)$', 'm').exec(out)?.[1],
        }),
      });
      expect(login.status).toBe(200);
    } finally {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  }, 70_000);
});
