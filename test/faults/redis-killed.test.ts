import { describe, it, expect } from 'vitest';
import { testRuntime, drained, mention } from '../helpers/runtime.ts';
import { startTestRedis } from '../helpers/redis.ts';
import { startService } from '../../src/runtime.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { printFigures } from '../helpers/figures.ts';

const count = async (rt: { db: { query: (s: string) => Promise<{ rows: { n: string }[] }> } }, sql: string) =>
  Number((await rt.db.query(sql)).rows[0]?.n);

describe('Redis killed', () => {
  it('loses no mention when a Redis that keeps nothing on disk is killed mid-run', async () => {
    const redis = await startTestRedis();
    const rt = await testRuntime({
      redisUrl: redis.url,
      env: { EARSHOT_SWEEP_INTERVAL_MS: '300', EARSHOT_SWEEP_AFTER_MS: '1000', EARSHOT_WORKER_CONCURRENCY: '2' },
    });
    const service = await startService(rt, { api: false, worker: true });
    try {
      const total = 3000;
      const batches = Array.from({ length: total / 100 }, () => Array.from({ length: 100 }, () => mention()));
      let queuedWhileDown = 0;
      let back = 0;
      for (const [i, batch] of batches.entries()) {
        if (i === 10) await redis.kill(); // a third in: everything queued and not yet run is gone
        if (i === 20) {
          await redis.start();
          back = Date.now();
        }
        const r = await ingest(rt, batch);
        expect(r.accepted).toHaveLength(100); // the inbox took them even while Redis was down
        if (!r.queued) queuedWhileDown++;
      }
      expect(queuedWhileDown).toBeGreaterThan(0);
      await drained(rt, 120_000);
      const seen = await count(rt, 'SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
      const rows = await count(rt, 'SELECT count(*) AS n FROM mentions');
      printFigures('Redis killed mid-run', {
        expected: total,
        seen,
        lost: total - seen,
        duplicated: rows - seen,
        recoveryS: (Date.now() - back) / 1000,
      });
      expect(rows).toBe(total);
      expect(seen).toBe(total);
    } finally {
      await service.stop();
      await rt.database.drop();
      await redis.kill();
    }
  });
});
