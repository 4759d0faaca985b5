/**
 * What the firehose parts share (bench/firehose*.ts): the mentions they post, a fresh schema per run,
 * `earshot worker` child processes, the batched sender and the inbox-based latency. Kept apart from
 * bench/firehose.ts so the parts in their own files can import it while firehose.ts runs them.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { pendingCount } from '../src/storage/inbox.ts';
import type { MentionInput } from '../src/domain/mention.ts';

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
export const load = () => loadavg()[0]?.toFixed(1) ?? '?';
export const PROFILE = process.env.BENCH_FIREHOSE_PROFILE === '1';

/** Short mention texts the benches cycle through (complaints, praise, a question). */
export const PHRASES = [
  'my order has not arrived and support is not answering',
  'charged twice this month, I want a refund',
  'the app keeps crashing since the last update',
  'love the new design, great job',
  'how do I change my delivery address?',
  'worst customer service ever, on hold for an hour',
];
let runId = 0;
export function mentions(n: number, source = 'bench'): MentionInput[] {
  const run = `${Date.now()}-${runId++}`;
  return Array.from({ length: n }, (_, i) => ({
    source,
    external_id: `${run}-${i}`,
    text: `@brand ${PHRASES[i % PHRASES.length]} (#${i})`,
    author: { handle: `user${i % 5000}`, followers: i % 5000 },
    created_at: new Date(Date.now() - (n - i) * 1000).toISOString(),
  }));
}

export interface Env {
  schema: string;
  env: Record<string, string>;
  config: Config;
  rt: Runtime;
}

export async function environment(extra: Record<string, string> = {}): Promise<Env> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL,
    EARSHOT_DB_SCHEMA: schema,
    REDIS_URL,
    EARSHOT_QUEUE: schema,
    EARSHOT_RULES: `${ROOT}rules`,
    EARSHOT_WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'silent',
    PORT: '0',
    // pg reads PGAPPNAME: this run's sessions are told apart in pg_stat_activity (bench/firehose-saturation.ts).
    PGAPPNAME: schema,
    ...extra,
  };
  process.env.PGAPPNAME = schema;
  const config = loadConfig(env);
  const rt = await openRuntime(config, createLogger({ level: 'silent' }));
  return { schema, env, config, rt };
}

/** Drops the schema; closes the runtime unless a service's stop() already did. */
export async function dispose(e: Env, closed = false): Promise<void> {
  if (!closed) await e.rt.close();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${e.schema} CASCADE`);
  await admin.end();
}

export async function untilDrained(rt: Runtime, timeoutMs = 15 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await pendingCount(rt.db)) > 0) {
    if (Date.now() > until) throw new Error('the inbox did not drain in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function latency(rt: Runtime): Promise<{ p50: number; p99: number }> {
  const { rows } = await rt.db.query<{ p50: number; p99: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM inbox WHERE processed_at IS NOT NULL) t`,
  );
  return { p50: Math.round(rows[0]?.p50 ?? 0), p99: Math.round(rows[0]?.p99 ?? 0) };
}

export function startWorker(env: Record<string, string>, i: number): Promise<ChildProcess> {
  const args = [
    ...(PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`, `--cpu-prof-name=worker-${i}-${Date.now()}.cpuprofile`]
      : []),
    '--import',
    'tsx',
    `${ROOT}src/cli.ts`,
    'worker',
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('worker started')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${out.slice(-500)}`)));
  });
}

export async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Posts batches of 100 with `inFlight` requests at a time; paced to `perSecond` when given. Resends 429s after Retry-After. */
export async function post(
  url: string,
  token: string,
  all: MentionInput[],
  inFlight: number,
  perSecond?: number,
): Promise<{ refused: number }> {
  const batches: MentionInput[][] = [];
  for (let i = 0; i < all.length; i += 100) batches.push(all.slice(i, i + 100));
  let next = 0;
  let refused = 0;
  const t0 = performance.now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      const batch = batches[i];
      if (!batch) return;
      if (perSecond) {
        const due = t0 + ((i * 100) / perSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      for (;;) {
        const res = await fetch(`${url}/api/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ mentions: batch }),
        });
        await res.arrayBuffer();
        if (res.status === 202) break;
        if (res.status !== 429) throw new Error(`POST /api/mentions answered ${res.status}`);
        refused++;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { refused };
}
