/**
 * A deploy: SIGTERM arrives while the worker is busy. In-flight batches finish or return to the
 * queue; the next process picks up the rest; nothing is lost and nothing is done twice.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { earshot, waitForReady, scaledOutEnv } from '../helpers/process.ts';
import { freePort } from '../../src/storage/embedded.ts';
import { testDatabase, uniqueName } from '../helpers/db.ts';
import { mention } from '../helpers/runtime.ts';
import { printFigures } from '../helpers/figures.ts';

const TOKEN = 'shutdown-admin-token-0123456789abcdef';

describe('SIGTERM (graceful shutdown)', () => {
  it('loses nothing and does nothing twice when SIGTERM arrives mid-run', async () => {
    const database = await testDatabase();
    const port = await freePort();
    const env = {
      ...scaledOutEnv(database, port, TOKEN, inject('redisUrl'), uniqueName('shutdown')),
      EARSHOT_WORKER_CONCURRENCY: '2',
    };
    const count = async (sql: string) => Number((await database.db.query<{ n: string }>(sql)).rows[0]?.n);
    try {
      const first = earshot(['start'], env);
      await waitForReady(`http://127.0.0.1:${port}/ready`, first);
      const total = 3000;
      for (let i = 0; i < total; i += 300) {
        const res = await fetch(`http://127.0.0.1:${port}/api/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ mentions: Array.from({ length: 300 }, () => mention()) }),
        });
        expect(res.status).toBe(202);
      }
      const pendingAtSignal = await count('SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL');
      first.proc.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('shutting down');

      const restarted = Date.now();
      const second = earshot(['start'], env);
      await waitForReady(`http://127.0.0.1:${port}/ready`, second);
      for (let i = 0; i < 600 && (await count('SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL')) > 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const recoveryS = (Date.now() - restarted) / 1000;
      second.proc.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      expect(pendingAtSignal).toBeGreaterThan(0); // the signal really came mid-run
      const rows = await count('SELECT count(*) AS n FROM mentions');
      const seen = await count('SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
      printFigures('SIGTERM mid-run', {
        expected: total,
        seen,
        lost: total - seen,
        duplicated: rows - seen,
        recoveryS,
      });
      expect(rows).toBe(total);
      expect(
        await count(
          "SELECT count(*) AS n FROM (SELECT data->>'mention_id' FROM case_events WHERE kind = 'mention_added' GROUP BY 1 HAVING count(*) > 1) d",
        ),
      ).toBe(0);
      expect(await count("SELECT count(*) AS n FROM case_events WHERE kind = 'opened'")).toBe(
        await count('SELECT count(*) AS n FROM cases'),
      );
    } finally {
      await database.drop();
    }
  }, 300_000); // a slow machine makes it slower, never wrong
});
