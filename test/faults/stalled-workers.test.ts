/**
 * Workers that stop taking jobs while jobs wait: the worker process is frozen (SIGSTOP), the API
 * keeps accepting into the inbox, and the watchdog in the API process says so in /ready and in
 * `earshot_workers_stalled` well within a minute. When the worker thaws, the report clears and
 * everything accepted is processed once.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { earshot, waitForReady, scaledOutEnv, type Child } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';
import { testDatabase, uniqueName } from '../helpers/db.ts';
import { mention } from '../helpers/runtime.ts';
import { printFigures } from '../helpers/figures.ts';

const TOKEN = 'stall-admin-token-0123456789abcdefghij';

describe('stalled workers', () => {
  it(
    'are reported in /ready and /metrics within a minute, and the report clears when they take jobs again',
    { timeout: 300_000 },
    async () => {
      const database = await testDatabase();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        ...scaledOutEnv(database, port, TOKEN, inject('redisUrl'), uniqueName('stall')),
        LOG_LEVEL: 'warn',
        EARSHOT_WATCHDOG_STALL_MS: '5000',
      };
      const count = async (sql: string) => Number((await database.db.query<{ n: string }>(sql)).rows[0]?.n);
      const post = (n: number) =>
        fetch(`${base}/api/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ mentions: Array.from({ length: n }, () => mention()) }),
        });
      const workersCheck = async () =>
        ((await (await fetch(`${base}/ready`)).json()) as { checks: Record<string, string> }).checks.workers;
      const stalledMetric = async () =>
        /^earshot_workers_stalled (\d+)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1];
      const children: Child[] = [];
      try {
        const api = earshot(['start', '--no-worker'], env);
        children.push(api);
        await waitForReady(`${base}/ready`, api, 120_000);
        const worker = earshot(['worker'], env);
        children.push(worker);

        expect((await post(100)).status).toBe(202);
        for (let i = 0; i < 600 && (await count('SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL')) > 0; i++)
          await new Promise((r) => setTimeout(r, 200));
        // The cluster job follows the batch; on a loaded machine it may wait past the stall threshold first.
        for (let i = 0; i < 120 && (await workersCheck()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 500));
        expect(await workersCheck()).toBe('ok');

        worker.proc.kill('SIGSTOP');
        const frozenAt = Date.now();
        for (let i = 0; i < 5; i++) expect((await post(100)).status).toBe(202); // the API keeps accepting
        let reportedAfterS = -1;
        while (Date.now() - frozenAt < 60_000) {
          if ((await workersCheck())?.startsWith('failing')) {
            reportedAfterS = (Date.now() - frozenAt) / 1000;
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(reportedAfterS).toBeGreaterThan(0);
        expect(reportedAfterS).toBeLessThan(60);
        expect(await workersCheck()).toMatch(/^failing: \d+ jobs waiting, none taken for \d+ s$/);
        expect(await stalledMetric()).toBe('1');
        expect((await fetch(`${base}/ready`)).status).toBe(200); // the API stays in rotation: the inbox keeps the mentions

        worker.proc.kill('SIGCONT');
        const thawedAt = Date.now();
        for (let i = 0; i < 600 && (await count('SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL')) > 0; i++)
          await new Promise((r) => setTimeout(r, 200));
        const recoveryS = (Date.now() - thawedAt) / 1000;
        for (let i = 0; i < 60 && (await workersCheck()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 500));
        expect(await workersCheck()).toBe('ok');
        expect(await stalledMetric()).toBe('0');

        const rows = await count('SELECT count(*) AS n FROM mentions');
        const seen = await count('SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
        printFigures(`workers stalled (reported after ${reportedAfterS.toFixed(1)} s)`, {
          expected: 600,
          seen,
          lost: 600 - seen,
          duplicated: rows - seen,
          recoveryS,
        });
        expect(rows).toBe(600);
        expect(seen).toBe(600);
      } finally {
        for (const c of children) {
          if (c.proc.exitCode === null && c.proc.signalCode === null) {
            c.proc.kill('SIGCONT');
            c.proc.kill('SIGTERM');
          }
        }
        await Promise.all(children.map((c) => c.exited));
        await database.drop();
      }
    },
  );
});
