import { describe, it, expect } from 'vitest';
import { testRuntime, drained, mention } from '../helpers/runtime.ts';
import { startTestRedis } from '../helpers/redis.ts';
import { startService } from '../../src/runtime.ts';
import { ingest } from '../../src/ingest/ingest.ts';

const count = async (rt: { db: { query: (s: string) => Promise<{ rows: { n: string }[] }> } }, sql: string) => Number((await rt.db.query(sql)).rows[0]?.n);

describe('durability', () => {
  it('loses no mention when a Redis that keeps nothing on disk is killed mid-run', async () => {
    const redis = await startTestRedis();
    const rt = await testRuntime({ redisUrl: redis.url, env: { EARSHOT_SWEEP_INTERVAL_MS: '300', EARSHOT_SWEEP_AFTER_MS: '1000', EARSHOT_WORKER_CONCURRENCY: '2' } });
    const service = await startService(rt, { api: false, worker: true });
    try {
      const total = 3000;
      const batches = Array.from({ length: total / 100 }, () => Array.from({ length: 100 }, () => mention()));
      let queuedWhileDown = 0;
      for (const [i, batch] of batches.entries()) {
        if (i === 10) await redis.kill(); // a third in: everything queued and not yet run is gone
        if (i === 20) await redis.start();
        const r = await ingest(rt, batch);
        expect(r.accepted).toHaveLength(100); // the inbox took them even while Redis was down
        if (!r.queued) queuedWhileDown++;
      }
      expect(queuedWhileDown).toBeGreaterThan(0);
      await drained(rt, 120_000);
      expect(await count(rt, 'SELECT count(*) AS n FROM mentions')).toBe(total);
      expect(await count(rt, 'SELECT count(*) AS n FROM (SELECT source, external_id FROM mentions GROUP BY 1, 2 HAVING count(*) > 1) d')).toBe(0);
    } finally {
      await service.stop();
      await rt.database.drop();
      await redis.kill();
    }
  });

  it('runs the same pipeline on the embedded shape (BullMQ on PostgreSQL)', async () => {
    const rt = await testRuntime({ queue: 'postgres' });
    const service = await startService(rt, { api: false, worker: true });
    try {
      expect(rt.queue.kind).toBe('postgres');
      const batch = Array.from({ length: 300 }, () => mention());
      const r = await ingest(rt, [...batch, ...batch.slice(0, 50)]);
      expect(r.accepted).toHaveLength(300);
      expect(r.duplicates).toHaveLength(50);
      await drained(rt);
      expect(await count(rt, 'SELECT count(*) AS n FROM mentions')).toBe(300);
      expect(await count(rt, 'SELECT count(*) AS n FROM cases')).toBeGreaterThan(0);
    } finally {
      await service.stop();
      await rt.database.drop();
    }
  });
});
