import { describe, it, expect } from 'vitest';
import { testRuntime, drained, mention } from '../helpers/runtime.ts';
import { startService } from '../../src/runtime.ts';
import { ingest } from '../../src/ingest/ingest.ts';

const count = async (rt: { db: { query: (s: string) => Promise<{ rows: { n: string }[] }> } }, sql: string) =>
  Number((await rt.db.query(sql)).rows[0]?.n);

describe('durability', () => {
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
