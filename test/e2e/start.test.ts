import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { earshot, waitForReady, scaledOutEnv } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';
import { testDatabase, uniqueName } from '../helpers/db.ts';
import { mention } from '../helpers/runtime.ts';

const TOKEN = 'e2e-admin-token-0123456789abcdefghij';

interface CaseItem {
  id: number;
  author: { handle: string };
}

/** Posts two complaints, a follow-up and praise, then reads the cases back through the API. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
const json = async (res: Response): Promise<any> => res.json();

async function exercise(base: string): Promise<void> {
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const complaint = mention({ author: { handle: 'e2e_erin' } });
  const body = {
    mentions: [
      complaint,
      mention({
        author: { handle: 'e2e_frank' },
        text: 'Charged twice for my Lumio subscription this month and nobody replies to my emails',
      }),
      mention({
        author: { handle: 'e2e_erin' },
        text: 'hello?? still waiting on this',
        in_reply_to: complaint.external_id,
      }),
      mention({ author: { handle: 'e2e_gina' }, text: 'Love my new Lumio lamp, brilliant design' }),
    ],
  };
  const res = await fetch(`${base}/api/mentions`, { method: 'POST', headers, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  expect((await json(res)).accepted).toHaveLength(4);
  const dup = await fetch(`${base}/api/mentions`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ mentions: [complaint] }),
  });
  expect((await json(dup)).duplicates).toHaveLength(1);

  let cases: CaseItem[] = [];
  for (let i = 0; i < 150 && cases.length < 2; i++) {
    cases = (await json(await fetch(`${base}/api/cases`, { headers }))).items;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(cases.map((c) => c.author.handle).sort()).toEqual(['e2e_erin', 'e2e_frank']);
  const erin = cases.find((c) => c.author.handle === 'e2e_erin')!;
  const detail = await json(await fetch(`${base}/api/cases/${erin.id}`, { headers }));
  expect(detail.mentions).toHaveLength(2);
}

async function stopGracefully(child: ReturnType<typeof earshot>): Promise<void> {
  child.proc.kill('SIGTERM');
  expect(await child.exited).toBe(0);
}

describe('earshot start (end to end)', () => {
  it('runs on the embedded default with nothing else installed, keeps its data across restarts and stops on Ctrl-C', async () => {
    const data = mkdtempSync(join(tmpdir(), 'earshot-e2e-'));
    const port = await freePort();
    const env = { PORT: String(port), EARSHOT_DATA: data, EARSHOT_ADMIN_TOKEN: TOKEN, DATABASE_URL: '', REDIS_URL: '' };
    try {
      const first = earshot(['start'], env);
      await waitForReady(`http://127.0.0.1:${port}/ready`, first);
      await exercise(`http://127.0.0.1:${port}`);
      await stopGracefully(first);
      expect(existsSync(join(data, 'postgres', 'PG_VERSION'))).toBe(true);

      const second = earshot(['start'], env, undefined, { group: true });
      await waitForReady(`http://127.0.0.1:${port}/ready`, second);
      const cases = await json(
        await fetch(`http://127.0.0.1:${port}/api/cases`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      );
      expect(cases.items).toHaveLength(2);
      // Ctrl-C signals the terminal's whole foreground group. The embedded PostgreSQL, in a group of its
      // own, must not stop under earshot's open connections: that crashed earshot on an unhandled
      // connection error ("Emitted 'error' event on Client"), in one of two tries here before the fix.
      process.kill(-second.proc.pid!, 'SIGINT');
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain('shutting down');
      expect(second.output()).not.toContain("Emitted 'error'");
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('runs scaled out on DATABASE_URL and REDIS_URL', async () => {
    const database = await testDatabase();
    const port = await freePort();
    const env = scaledOutEnv(database, port, TOKEN, inject('redisUrl'), uniqueName('e2e'));
    try {
      const child = earshot(['start'], env);
      await waitForReady(`http://127.0.0.1:${port}/ready`, child);
      await exercise(`http://127.0.0.1:${port}`);
      await stopGracefully(child);
    } finally {
      await database.drop();
    }
  });

  it('refuses a bad setting with a message naming it', async () => {
    const child = earshot(['start'], { PORT: 'eighty' });
    expect(await child.exited).toBe(2);
    expect(child.output()).toContain('PORT="eighty": expected a whole number from 0 to 65535');
  });
});
