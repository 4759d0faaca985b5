/**
 * End-to-end pipeline throughput: mentions through ingest (inbox + enqueue) and the worker
 * (normalize → dedupe → sentiment → triage → case) until the inbox is drained, on each queue shape.
 * Uses BENCH_DATABASE_URL (default: the local PostgreSQL) and BENCH_REDIS_URL. Run: npx tsx bench/pipeline.ts
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime, startService } from '../src/runtime.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { pendingCount } from '../src/storage/inbox.ts';
import type { MentionInput } from '../src/domain/mention.ts';
import { table, rate } from './format.ts';
import { PHRASES } from './firehose-harness.ts';

const N = Number(process.env.BENCH_PIPELINE_MENTIONS ?? 5000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RULES = fileURLToPath(new URL('../rules/', import.meta.url));

function mentions(n: number): MentionInput[] {
  return Array.from({ length: n }, (_, i) => ({
    source: 'bench',
    external_id: `${i}`,
    text: `@brand ${PHRASES[i % PHRASES.length]} (#${i})`,
    author: { handle: `user${i % 2000}`, followers: i % 5000 },
    created_at: new Date(Date.now() - (n - i) * 1000).toISOString(),
  }));
}

async function measure(queue: 'redis' | 'postgres'): Promise<(string | number)[]> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL,
    EARSHOT_DB_SCHEMA: schema,
    ...(queue === 'redis' ? { REDIS_URL } : {}),
    EARSHOT_QUEUE: schema,
    EARSHOT_RULES: RULES,
    EARSHOT_WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'silent',
  });
  const rt = await openRuntime(config, createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }));
  const service = await startService(rt, { api: false, worker: true });
  try {
    const all = mentions(N);
    const t0 = performance.now();
    for (let i = 0; i < all.length; i += 100) await ingest(rt, all.slice(i, i + 100));
    const ingestMs = performance.now() - t0;
    while ((await pendingCount(rt.db)) > 0) await new Promise((r) => setTimeout(r, 50));
    const totalMs = performance.now() - t0;
    const cases = Number((await rt.db.query<{ n: string }>('SELECT count(*) AS n FROM cases')).rows[0]?.n);
    return [queue === 'redis' ? 'BullMQ on Redis' : 'BullMQ on PostgreSQL', rate(N, ingestMs), rate(N, totalMs), cases];
  } finally {
    await service.stop();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_bullmq CASCADE`);
    await admin.end();
  }
}

export async function run(): Promise<void> {
  const shapes = (process.env.BENCH_QUEUES ?? 'redis,postgres').split(',') as ('redis' | 'postgres')[];
  const rows = [];
  for (const shape of shapes) rows.push(await measure(shape));
  console.log(
    `\n## Pipeline throughput (${N.toLocaleString('en-US')} mentions, batches of 100, worker concurrency 4, PostgreSQL 15 local)\n`,
  );
  console.log(
    table(['queue', 'ingest (inbox + enqueue) mentions/s', 'through the pipeline mentions/s', 'cases opened'], rows),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
