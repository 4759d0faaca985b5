/**
 * Firehose part `embedded` (issue #15: "the embedded shape: ≥ 3,000/s"): the same end-to-end run as
 * the e2e rows, through what `earshot start` does with nothing set — no DATABASE_URL, no REDIS_URL:
 * the embedded PostgreSQL in a fresh data folder and the PostgreSQL-backed queue, with the API and the
 * worker in one process (this one). Timed from the first POST until every mention is processed.
 * Env: BENCH_FIREHOSE_EMBEDDED_MENTIONS (10000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime, startService } from '../src/runtime.ts';
import { createToken } from '../src/storage/tokens.ts';
import { table, rate } from './format.ts';
import { watchSaturation } from './firehose-saturation.ts';
import { ROOT, latency, load, mentions, post, untilDrained } from './firehose-harness.ts';

const N = Number(process.env.BENCH_FIREHOSE_EMBEDDED_MENTIONS ?? 10_000);

export async function run(): Promise<Record<string, unknown>> {
  // In /tmp: as root the embedded server runs as the postgres user, who must reach the folder.
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-embedded-'));
  const config = loadConfig({
    EARSHOT_DATA: dataDir,
    EARSHOT_RULES: `${ROOT}rules`,
    EARSHOT_WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  process.env.PGAPPNAME = 'earshot-bench-embedded'; // this run's sessions, for the saturation sampler
  const started = performance.now();
  const rt = await openRuntime(config, createLogger({ level: 'silent' }));
  const startMs = performance.now() - started;
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    service = await startService(rt, { api: true, worker: true });
    const token = await createToken(rt.db, 'bench', 'ingest');
    const before = load();
    const watch = await watchSaturation(rt.db, [], null);
    const t0 = performance.now();
    await post(service.url as string, token, mentions(N, 'bench-embedded'), 8);
    const acceptMs = performance.now() - t0;
    await untilDrained(rt);
    const ms = performance.now() - t0;
    const s = await watch.stop(N);
    const lat = await latency(rt);
    const row = {
      shape: `embedded PostgreSQL + PostgreSQL queue, API and worker in one process (${rt.queue.kind} queue)`,
      mentions: N,
      'accepted/s': rate(N, acceptMs),
      'processed/s': rate(N, ms),
      p50: lat.p50,
      p99: lat.p99,
      'start s': Number((startMs / 1000).toFixed(1)),
      'cores: earshot / postgres (all)': `${s.cores.api.toFixed(2)} / ${s.cores.postgres.toFixed(2)}`,
      load: `${before} → ${load()}`,
    };
    console.log(`\n## Firehose: the embedded shape (\`earshot start\` with nothing set; goal ≥ 3,000/s)\n`);
    console.log(table(Object.keys(row), [Object.values(row)]));
    console.log(`\nWhat saturates: ${s.verdict}`);
    return { ...row, saturation: s };
  } finally {
    if (service) await service.stop();
    else await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
