/**
 * A blackholed connection: the network to PostgreSQL or Redis goes silent (no error, no close), as
 * when a switch or firewall drops packets. Timeouts must fire instead of requests hanging, /ready must
 * name the dependency that is down, and once the network returns everything accepted is processed.
 */
import { describe, it, expect } from 'vitest';
import { inject } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/proxy.ts';
import { mention } from '../helpers/runtime.ts';
import { printFigures } from '../helpers/figures.ts';

const TIMEOUTS = {
  EARSHOT_DB_QUERY_TIMEOUT_MS: '2000',
  EARSHOT_DB_CONNECT_TIMEOUT_MS: '2000',
  EARSHOT_REDIS_COMMAND_TIMEOUT_MS: '1000',
  EARSHOT_SWEEP_INTERVAL_MS: '500',
  EARSHOT_SWEEP_AFTER_MS: '2000',
  EARSHOT_JOB_LOCK_MS: '5000',
};

function through(proxy: TcpProxy, url: string): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

async function postBatch(server: LiveServer, n: number): Promise<Response> {
  return server.api('/api/mentions', {
    method: 'POST',
    body: JSON.stringify({ mentions: Array.from({ length: n }, () => mention()) }),
  });
}

async function drained(server: LiveServer, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const { rows } = await server.database.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM inbox WHERE processed_at IS NULL',
    );
    if (Number(rows[0]?.n) === 0) return (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`inbox not drained after ${timeoutMs} ms`);
}

const count = async (server: LiveServer, sql: string) =>
  Number((await server.database.db.query<{ n: string }>(sql)).rows[0]?.n);

describe('a blackholed connection', () => {
  it(
    'to PostgreSQL: requests time out with 503, /ready names the database, and everything completes when it returns',
    { timeout: 300_000 },
    async () => {
      const dbUrl = new URL(inject('databaseUrl'));
      const proxy = await startTcpProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
      const server = await startLiveServer({ env: { ...TIMEOUTS, DATABASE_URL: through(proxy, dbUrl.toString()) } });
      try {
        expect((await postBatch(server, 200)).status).toBe(202);
        proxy.blackhole();

        const ready = await timed(() => server.api('/ready'));
        expect(ready.value.status).toBe(503);
        const checks = ((await ready.value.json()) as { checks: Record<string, string> }).checks;
        expect(checks.database).toMatch(/^failing/);
        expect(checks.queue).toBe('ok');
        expect(ready.ms).toBeLessThan(10_000);

        const refused = await timed(() => postBatch(server, 50));
        expect(refused.value.status).toBe(503); // nothing stored; the sender retries
        expect(refused.value.headers.get('retry-after')).not.toBeNull();
        expect(refused.ms).toBeLessThan(15_000); // the query timeout fired, not a hang
        expect((await server.api('/health')).status).toBe(200);

        proxy.resume();
        const back = Date.now();
        for (let i = 0; i < 60 && (await server.api('/ready')).status !== 200; i++)
          await new Promise((r) => setTimeout(r, 500));
        expect((await server.api('/ready')).status).toBe(200);
        expect((await postBatch(server, 200)).status).toBe(202);
        await drained(server, 120_000);
        const rows = await count(server, 'SELECT count(*) AS n FROM mentions');
        const seen = await count(server, 'SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
        printFigures('PostgreSQL blackholed', {
          expected: 400,
          seen,
          lost: 400 - seen,
          duplicated: rows - seen,
          recoveryS: (Date.now() - back) / 1000,
        });
        expect(rows).toBe(400);
        expect(seen).toBe(400);
      } finally {
        proxy.resume();
        await server.stop();
        await proxy.close();
      }
    },
  );

  // Without Redis the tests run on BullMQ's PostgreSQL backend (global setup says so, and refuses to in
  // CI), so there is no Redis connection to blackhole.
  it.skipIf(!inject('redisUrl'))(
    'to Redis: enqueues time out, /ready names the queue, accepted mentions are processed when it returns',
    { timeout: 300_000 },
    async () => {
      const redisUrl = new URL(inject('redisUrl') ?? 'redis://127.0.0.1:6379');
      const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
      const server = await startLiveServer({ env: { ...TIMEOUTS, REDIS_URL: through(proxy, redisUrl.toString()) } });
      try {
        expect((await postBatch(server, 200)).status).toBe(202);
        proxy.blackhole();

        const ready = await timed(() => server.api('/ready'));
        expect(ready.value.status).toBe(503);
        const checks = ((await ready.value.json()) as { checks: Record<string, string> }).checks;
        expect(checks.queue).toMatch(/^failing/);
        expect(checks.database).toBe('ok');
        expect(ready.ms).toBeLessThan(10_000);

        // The inbox takes the delivery (persist-then-ack); the enqueue times out and the sweeper catches up later.
        const accepted = await timed(() => postBatch(server, 200));
        expect(accepted.value.status).toBe(202);
        expect(accepted.ms).toBeLessThan(15_000);
        expect((await server.api('/health')).status).toBe(200);
        await new Promise((r) => setTimeout(r, 3000)); // the sweeper runs against the silent Redis too

        proxy.resume();
        const back = Date.now();
        for (let i = 0; i < 60 && (await server.api('/ready')).status !== 200; i++)
          await new Promise((r) => setTimeout(r, 500));
        expect((await server.api('/ready')).status).toBe(200);
        await drained(server, 120_000);
        const rows = await count(server, 'SELECT count(*) AS n FROM mentions');
        const seen = await count(server, 'SELECT count(DISTINCT (source, external_id)) AS n FROM mentions');
        printFigures('Redis blackholed', {
          expected: 400,
          seen,
          lost: 400 - seen,
          duplicated: rows - seen,
          recoveryS: (Date.now() - back) / 1000,
        });
        expect(rows).toBe(400);
        expect(seen).toBe(400);
      } finally {
        proxy.resume();
        await server.stop();
        await proxy.close();
      }
    },
  );
});
