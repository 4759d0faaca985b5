/**
 * The database going away for a while: the API answers 503 (nothing stored, the sender retries),
 * the worker pauses instead of burning attempts, and after the database returns everything is
 * processed once. The database here is an embedded PostgreSQL of the test's own, so stopping it
 * disturbs no other test.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, freePort } from '../../src/storage/embedded.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { openRuntime, startService } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { RULES_DIR, drained, mention } from '../helpers/runtime.ts';
import { uniqueName } from '../helpers/db.ts';
import { printFigures } from '../helpers/figures.ts';

describe('PostgreSQL going away', () => {
  it('answers 503 while it is down, loses nothing, and processes every mention once after it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-fault-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    let server = await startEmbeddedPostgres(join(dir, 'pg'), { port });
    const redisUrl = inject('redisUrl');
    const config = loadConfig({
      DATABASE_URL: server.url,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      EARSHOT_QUEUE: uniqueName('fault'),
      EARSHOT_RULES: RULES_DIR,
      EARSHOT_ADMIN_TOKEN: 'fault-admin-token-0123456789abcdefghij',
      EARSHOT_SWEEP_INTERVAL_MS: '500',
      EARSHOT_SWEEP_AFTER_MS: '2000',
    });
    const rt = await openRuntime(config, createLogger({ level: 'silent' }));
    const service = await startService(rt, { api: false, worker: true });
    const app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
    try {
      const batches = Array.from({ length: 10 }, () => Array.from({ length: 100 }, () => mention()));
      for (const batch of batches.slice(0, 5)) await ingest(rt, batch);

      await server.stop(); // mid-run: jobs are queued, some are being processed
      const refused = await app.inject({
        method: 'POST',
        url: '/api/mentions',
        headers: { authorization: 'Bearer fault-admin-token-0123456789abcdefghij' },
        payload: { mentions: [mention()] },
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().message).toContain('nothing was stored');
      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.database).toMatch(/^failing/);
      await new Promise((r) => setTimeout(r, 3000));

      server = await startEmbeddedPostgres(join(dir, 'pg'), { port });
      const back = Date.now();
      for (const batch of batches.slice(5)) await ingest(rt, batch);
      await drained(rt, 120_000);

      const count = async (sql: string) => Number((await rt.db.query<{ n: string }>(sql)).rows[0]?.n);
      const rows = await count('SELECT count(*) AS n FROM mentions');
      const seen = await count('SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
      printFigures('PostgreSQL stopped mid-run', {
        expected: 1000,
        seen,
        lost: 1000 - seen,
        duplicated: rows - seen,
        recoveryS: (Date.now() - back) / 1000,
      });
      expect(rows).toBe(1000);
      expect(seen).toBe(1000);
      expect(await count("SELECT count(*) AS n FROM case_events WHERE kind = 'mention_added'")).toBe(
        await count('SELECT count(*) AS n FROM mentions WHERE case_id IS NOT NULL'),
      );
      const jobs = await rt.queue.counts();
      expect(jobs.failed).toBe(0);
    } finally {
      await app.close();
      await service.stop();
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
