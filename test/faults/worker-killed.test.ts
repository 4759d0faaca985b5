/**
 * `kill -9` of a worker process in the scaled-out shape (one API process, separate worker
 * processes, PostgreSQL and Redis shared) at a random point of a 10,000-mention run. The killed
 * worker's jobs lose their locks and are re-run by the others; the database's unique keys make the
 * re-runs harmless. Then a new worker joins. Every mention is stored once, every complaint is in
 * exactly one case, and nothing is lost.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { earshot, waitForReady, scaledOutEnv, type Child } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';
import { testDatabase, uniqueName } from '../helpers/db.ts';
import { mention } from '../helpers/runtime.ts';
import { printFigures } from '../helpers/figures.ts';

const TOKEN = 'worker-kill-admin-token-0123456789abcdef';
const TOTAL = 10_000;
const BATCH = 500;

describe('a worker killed with SIGKILL', () => {
  it(
    'stores 10,000 mentions once each, one case per complaint, after kill -9 of a worker mid-run',
    { timeout: 600_000 },
    async () => {
      const database = await testDatabase();
      const port = await freePort();
      const env = {
        ...scaledOutEnv(database, port, TOKEN, inject('redisUrl'), uniqueName('kill9')),
        LOG_LEVEL: 'warn',
        EARSHOT_WORKER_CONCURRENCY: '2',
        EARSHOT_JOB_LOCK_MS: '5000',
      };
      const count = async (sql: string) => Number((await database.db.query<{ n: string }>(sql)).rows[0]?.n);
      const children: Child[] = [];
      const spawn = (args: string[]) => {
        const c = earshot(args, env);
        children.push(c);
        return c;
      };
      try {
        const api = spawn(['start', '--no-worker']);
        await waitForReady(`http://127.0.0.1:${port}/ready`, api, 120_000);
        const victim = spawn(['worker']);
        spawn(['worker']);

        for (let i = 0; i < TOTAL; i += BATCH) {
          const res = await fetch(`http://127.0.0.1:${port}/api/mentions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ mentions: Array.from({ length: BATCH }, () => mention()) }),
          });
          expect(res.status).toBe(202);
        }

        // A random point of the run: between 10 % and 70 % of the mentions processed.
        const killAt = Math.floor(TOTAL * (0.1 + Math.random() * 0.6));
        const until = Date.now() + 300_000;
        while ((await count('SELECT count(*) AS n FROM mentions')) < killAt) {
          if (Date.now() > until)
            throw new Error(`workers did not reach ${killAt} mentions:\n${children.map((c) => c.output()).join('\n')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const processedAtKill = await count('SELECT count(*) AS n FROM mentions');
        victim.proc.kill('SIGKILL');
        const killedAt = Date.now();
        await victim.exited;
        spawn(['worker']);

        while ((await count('SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL')) > 0) {
          if (Date.now() > until)
            throw new Error(`inbox not drained after the kill:\n${children.map((c) => c.output()).join('\n')}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const recoveryS = (Date.now() - killedAt) / 1000;

        const rows = await count('SELECT count(*) AS n FROM mentions');
        const seen = await count('SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
        printFigures(`worker kill -9 at ${processedAtKill}/${TOTAL}`, {
          expected: TOTAL,
          seen,
          lost: TOTAL - seen,
          duplicated: rows - seen,
          recoveryS,
        });
        expect(processedAtKill).toBeLessThan(TOTAL); // the kill came mid-run
        expect(rows).toBe(TOTAL);
        expect(seen).toBe(TOTAL);
        // One case per complaint: each mention joined one case once, and each case was opened once.
        expect(
          await count(
            "SELECT count(*) AS n FROM (SELECT data->>'mention_id' FROM case_events WHERE kind = 'mention_added' GROUP BY 1 HAVING count(*) > 1) d",
          ),
        ).toBe(0);
        expect(
          await count("SELECT count(DISTINCT data->>'mention_id') AS n FROM case_events WHERE kind = 'mention_added'"),
        ).toBe(await count('SELECT count(*) AS n FROM mentions WHERE case_id IS NOT NULL'));
        expect(await count("SELECT count(*) AS n FROM case_events WHERE kind = 'opened'")).toBe(
          await count('SELECT count(*) AS n FROM cases'),
        );
        expect(await count('SELECT count(*) AS n FROM mentions WHERE case_id IS NOT NULL')).toBeGreaterThan(0);
      } finally {
        for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
        await Promise.all(children.map((c) => c.exited));
        await database.drop();
      }
    },
  );
});
