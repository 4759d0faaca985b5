/**
 * Firehose bench (issue #15): mentions through the whole pipeline, measured four ways, with the load
 * average printed beside every figure (the machine is shared; a figure means little without it).
 *   1. in-process pipeline rate: the inbox filled first, then one worker (concurrency 4) drains it;
 *   2. end to end through POST /api/mentions (batches of 100, 8 in flight) with 1, 2, … `earshot
 *      worker` processes, until every accepted mention is processed;
 *   3. latency from acceptance (inbox received_at, stamped before the 202) to the case being written
 *      (inbox processed_at, stamped in the processing transaction) at a paced offered load;
 *   4. GET /api/cases?sort=sla's work (listBySla) on a demo-sized database: the first call
 *      (computing stored due times) and the steady state.
 * Env: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_FIREHOSE_MENTIONS (20000), BENCH_FIREHOSE_WORKERS
 * (1,2), BENCH_FIREHOSE_OFFERED (2000 mentions/s), BENCH_FIREHOSE_OFFERED_SECONDS (10),
 * BENCH_FIREHOSE_SLA_CASES (578,20000), BENCH_FIREHOSE_MAX_BACKLOG (2000, the back-pressure row),
 * BENCH_FIREHOSE_PARTS (pipeline,e2e,paced,backpressure,sla). JSON goes to bench/results/firehose-<time>.json.
 * Profile a stage: BENCH_FIREHOSE_PROFILE=1 runs the worker processes with --cpu-prof (profiles in bench/results/).
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime, startService, type Runtime } from '../src/runtime.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { pendingCount } from '../src/storage/inbox.ts';
import { createToken } from '../src/storage/tokens.ts';
import { listBySla } from '../src/support/case-view.ts';
import { DEFAULT_POLICY, PRIORITIES } from '../src/support/sla.ts';
import type { MentionInput } from '../src/domain/mention.ts';
import { table, rate } from './format.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_FIREHOSE_MENTIONS ?? 20_000);
const WORKERS = (process.env.BENCH_FIREHOSE_WORKERS ?? '1,2').split(',').map(Number);
const OFFERED = Number(process.env.BENCH_FIREHOSE_OFFERED ?? 2000);
const OFFERED_SECONDS = Number(process.env.BENCH_FIREHOSE_OFFERED_SECONDS ?? 10);
const SLA_CASES = (process.env.BENCH_FIREHOSE_SLA_CASES ?? '578,20000').split(',').map(Number);
const PROFILE = process.env.BENCH_FIREHOSE_PROFILE === '1';
const MAX_BACKLOG = Number(process.env.BENCH_FIREHOSE_MAX_BACKLOG ?? 2000);
const PARTS = new Set((process.env.BENCH_FIREHOSE_PARTS ?? 'pipeline,e2e,paced,backpressure,sla').split(','));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const load = () => loadavg()[0]?.toFixed(1) ?? '?';

const PHRASES = [
  'my order has not arrived and support is not answering',
  'charged twice this month, I want a refund',
  'the app keeps crashing since the last update',
  'love the new design, great job',
  'how do I change my delivery address?',
  'worst customer service ever, on hold for an hour',
];
let runId = 0;
function mentions(n: number): MentionInput[] {
  const run = `${Date.now()}-${runId++}`;
  return Array.from({ length: n }, (_, i) => ({
    source: 'bench',
    external_id: `${run}-${i}`,
    text: `@brand ${PHRASES[i % PHRASES.length]} (#${i})`,
    author: { handle: `user${i % 5000}`, followers: i % 5000 },
    created_at: new Date(Date.now() - (n - i) * 1000).toISOString(),
  }));
}

interface Env {
  schema: string;
  env: Record<string, string>;
  config: Config;
  rt: Runtime;
}

async function environment(extra: Record<string, string> = {}): Promise<Env> {
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
    ...extra,
  };
  const config = loadConfig(env);
  const rt = await openRuntime(config, createLogger({ level: 'silent' }));
  return { schema, env, config, rt };
}

/** Drops the schema; closes the runtime unless a service's stop() already did. */
async function dispose(e: Env, closed = false): Promise<void> {
  if (!closed) await e.rt.close();
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${e.schema} CASCADE`);
  await admin.end();
}

async function untilDrained(rt: Runtime, timeoutMs = 15 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await pendingCount(rt.db)) > 0) {
    if (Date.now() > until) throw new Error('the inbox did not drain in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function latency(rt: Runtime): Promise<{ p50: number; p99: number }> {
  const { rows } = await rt.db.query<{ p50: number; p99: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM inbox WHERE processed_at IS NOT NULL) t`,
  );
  return { p50: Math.round(rows[0]?.p50 ?? 0), p99: Math.round(rows[0]?.p99 ?? 0) };
}

/** 1. The pipeline alone: the inbox is filled and queued first, then one in-process worker drains it. */
async function inProcess(): Promise<Record<string, number | string>> {
  const e = await environment();
  let stopped = false;
  try {
    const all = mentions(N);
    for (let i = 0; i < all.length; i += 100) await ingest(e.rt, all.slice(i, i + 100));
    const before = load();
    const t0 = performance.now();
    const service = await startService(e.rt, { api: false, worker: true });
    await untilDrained(e.rt);
    const ms = performance.now() - t0;
    await service.stop();
    stopped = true;
    return {
      shape: 'in-process, 1 worker (concurrency 4)',
      mentions: N,
      rate: rate(N, ms),
      load: `${before} → ${load()}`,
    };
  } finally {
    await dispose(e, stopped);
  }
}

function startWorker(env: Record<string, string>, i: number): Promise<ChildProcess> {
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

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Posts batches of 100 with `inFlight` requests at a time; paced to `perSecond` when given. Resends 429s after Retry-After. */
async function post(
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

/** 2 and 3. The API in this process, `earshot worker` processes beside it. */
async function endToEnd(workers: number, perSecond?: number, maxBacklog = 0): Promise<Record<string, number | string>> {
  const e = await environment({ EARSHOT_MAX_BACKLOG: String(maxBacklog) });
  const service = await startService(e.rt, { api: true, worker: false });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(e.env, i));
    const token = await createToken(e.rt.db, 'bench', 'ingest');
    const count = perSecond ? perSecond * OFFERED_SECONDS : N;
    const all = mentions(count);
    const before = load();
    const t0 = performance.now();
    const posted = await post(service.url as string, token, all, 8, perSecond);
    const acceptMs = performance.now() - t0;
    await untilDrained(e.rt);
    const ms = performance.now() - t0;
    const lat = await latency(e.rt);
    const cases = Number((await e.rt.db.query<{ n: string }>('SELECT count(*) AS n FROM cases')).rows[0]?.n);
    return {
      shape: `POST, ${workers} worker(s), ${perSecond ? `offered ${perSecond}/s` : 'as fast as accepted'}${maxBacklog ? `, EARSHOT_MAX_BACKLOG ${maxBacklog}` : ''}`,
      mentions: count,
      accepted: rate(count, acceptMs),
      rate: rate(count, ms),
      p50: lat.p50,
      p99: lat.p99,
      cases,
      refused: posted.refused,
      load: `${before} → ${load()}`,
    };
  } finally {
    for (const c of children) await stopWorker(c);
    await service.stop();
    await dispose(e, true);
  }
}

/** 4. The SLA queue on a database with `n` cases opened over nine months. */
async function slaSort(n: number): Promise<Record<string, number | string>> {
  const e = await environment();
  try {
    const { rows } = await e.rt.db.query<{ id: string }>(
      `INSERT INTO authors (source, handle) SELECT 'bench', 'a' || g FROM generate_series(1, 500) g RETURNING id`,
    );
    const authors = rows.map((r) => r.id);
    const nine = 270 * 86_400_000;
    const now = Date.now();
    const opened = Array.from({ length: n }, (_, i) => new Date(now - ((i * 7919) % n) * (nine / n)));
    await e.rt.db.query(
      `INSERT INTO cases (priority, category, source, author_id, subject, opened_at, first_response_at, status)
       SELECT p, 'support', 'bench', a, 'subject', o, CASE WHEN i % 3 = 0 THEN o + interval '2 hours' END, CASE WHEN i % 4 = 0 THEN 'resolved' ELSE 'new' END
       FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::int[]) AS t(p, a, o, i)`,
      [
        opened.map((_, i) => PRIORITIES[i % 4]),
        opened.map((_, i) => authors[i % authors.length]),
        opened,
        opened.map((_, i) => i),
      ],
    );
    await e.rt.db.query('ANALYZE cases');
    const t0 = performance.now();
    await listBySla(e.rt.db, { limit: 100 }, DEFAULT_POLICY, new Date());
    const first = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await listBySla(e.rt.db, { limit: 100 }, DEFAULT_POLICY, new Date());
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return {
      cases: n,
      'first call ms': Math.round(first),
      'steady ms (median of 5)': Math.round(times[2] ?? 0),
      load: load(),
    };
  } finally {
    await dispose(e);
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    loadAtStart: loadavg(),
  };
  const pipeline = PARTS.has('pipeline') ? [await inProcess()] : [];
  if (pipeline.length) {
    console.log(`\n## Firehose: the pipeline alone (${N.toLocaleString('en-US')} mentions queued first)\n`);
    console.log(
      table(
        ['shape', 'mentions', 'mentions/s', 'load avg (1 min)'],
        pipeline.map((r) => [r.shape, r.mentions, r.rate, r.load] as (string | number)[]),
      ),
    );
  }
  const e2e = [];
  if (PARTS.has('e2e')) for (const w of WORKERS) e2e.push(await endToEnd(w));
  if (PARTS.has('paced')) e2e.push(await endToEnd(WORKERS[0] ?? 1, OFFERED));
  // Offered above capacity with a bounded backlog: 429s instead of a growing queue and latency.
  if (PARTS.has('backpressure')) e2e.push(await endToEnd(WORKERS[0] ?? 1, OFFERED, MAX_BACKLOG));
  if (e2e.length) {
    console.log(
      `\n## Firehose: end to end through POST /api/mentions (batches of 100, 8 in flight, API in the bench process, workers as \`earshot worker\` processes)\n`,
    );
    console.log(
      table(
        ['shape', 'mentions', 'accepted/s', 'processed/s', 'p50 accept→case ms', 'p99 ms', 'cases', '429s', 'load avg'],
        e2e.map(
          (r) =>
            [r.shape, r.mentions, r.accepted, r.rate, r.p50, r.p99, r.cases, r.refused, r.load] as (string | number)[],
        ),
      ),
    );
  }
  const sla = [];
  if (PARTS.has('sla')) for (const n of SLA_CASES) sla.push(await slaSort(n));
  if (sla.length) {
    console.log('\n## GET /api/cases?sort=sla&limit=100 (listBySla), cases opened over nine months, ¾ open\n');
    console.log(
      table(
        ['cases', 'first call ms (stores due times)', 'steady ms (median of 5)', 'load avg'],
        sla.map((r) => [r.cases, r['first call ms'], r['steady ms (median of 5)'], r.load] as (string | number)[]),
      ),
    );
  }
  Object.assign(result, { pipeline, e2e, sla });
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}firehose-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nJSON: ${file}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
