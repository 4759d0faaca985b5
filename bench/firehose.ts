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
 * Parts in their own files (shared helpers in bench/firehose-harness.ts):
 *   import    — the same mentions replayed with `earshot import mentions FILE` (bench/firehose-import.ts);
 *   sustained — the highest accepted rate for a while, per 10-s window, with RSS (bench/firehose-sustained.ts);
 *   embedded  — the e2e run as `earshot start` with nothing set: embedded PostgreSQL, PostgreSQL queue
 *               (bench/firehose-embedded.ts; BENCH_FIREHOSE_EMBEDDED_MENTIONS, 10000);
 *   knee      — offered load stepping up with EARSHOT_MAX_BACKLOG set; accepted/s, 429/503 share,
 *               backlog, p50/p99 per step and the knee (bench/firehose-knee.ts; env in its header);
 *   sentiment — the shipped model's rate beside vader-sentiment, sentiment, wink-sentiment, natural on
 *               the same texts (bench/firehose-sentiment.ts, the peers as bench/sentiment.ts calls them);
 *   scale     — a database filled to 10k / 100k / 1M stored mentions: clustering cost per placed mention,
 *               a worker's peak RSS, the dashboard's reads with their plans (bench/firehose-scale.ts;
 *               BENCH_SCALE_SIZES, 10000,100000).
 * Each e2e row also says what saturated (CPU per process group, Redis calls, PostgreSQL waits:
 * bench/firehose-saturation.ts) and what a user does next.
 * Env: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_FIREHOSE_MENTIONS (20000), BENCH_FIREHOSE_WORKERS
 * (1,2,4), BENCH_FIREHOSE_OFFERED (2000 mentions/s), BENCH_FIREHOSE_OFFERED_SECONDS (10),
 * BENCH_FIREHOSE_SLA_CASES (578,20000), BENCH_FIREHOSE_MAX_BACKLOG (2000, the back-pressure row),
 * BENCH_FIREHOSE_IMPORT_WORKERS (2), BENCH_FIREHOSE_SUSTAIN_SECONDS (30), BENCH_FIREHOSE_SUSTAIN_WORKERS (2),
 * BENCH_FIREHOSE_SUSTAIN_BACKLOG (10000),
 * BENCH_FIREHOSE_PARTS (pipeline,e2e,paced,backpressure,sla,import,sustained,embedded,knee,sentiment,scale). JSON goes to bench/results/firehose-<time>.json.
 * The issue's full sizes (minutes; run on a quiet machine):
 *   BENCH_FIREHOSE_MENTIONS=100000 BENCH_FIREHOSE_SUSTAIN_SECONDS=300 BENCH_FIREHOSE_KNEE_SECONDS=20 \
 *   BENCH_FIREHOSE_EMBEDDED_MENTIONS=100000 BENCH_SCALE_SIZES=10000,100000,1000000 npm run bench -- firehose
 * Profile a stage: BENCH_FIREHOSE_PROFILE=1 runs the worker processes with --cpu-prof (profiles in bench/results/).
 */
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startService } from '../src/runtime.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { createToken } from '../src/storage/tokens.ts';
import { listBySla } from '../src/support/case-view.ts';
import { DEFAULT_POLICY, PRIORITIES } from '../src/support/sla.ts';
import { table, rate } from './format.ts';
import {
  REDIS_URL,
  RESULTS,
  dispose,
  environment,
  latency,
  load,
  mentions,
  post,
  startWorker,
  stopWorker,
  untilDrained,
} from './firehose-harness.ts';
import { watchSaturation, saturationTable, projection, type Saturation } from './firehose-saturation.ts';

const N = Number(process.env.BENCH_FIREHOSE_MENTIONS ?? 20_000);
const WORKERS = (process.env.BENCH_FIREHOSE_WORKERS ?? '1,2,4').split(',').map(Number);
const OFFERED = Number(process.env.BENCH_FIREHOSE_OFFERED ?? 2000);
const OFFERED_SECONDS = Number(process.env.BENCH_FIREHOSE_OFFERED_SECONDS ?? 10);
const SLA_CASES = (process.env.BENCH_FIREHOSE_SLA_CASES ?? '578,20000').split(',').map(Number);
const MAX_BACKLOG = Number(process.env.BENCH_FIREHOSE_MAX_BACKLOG ?? 2000);
const DEFAULT_PARTS = 'pipeline,e2e,paced,backpressure,sla,import,sustained,embedded,knee,sentiment,scale';
const PARTS = new Set((process.env.BENCH_FIREHOSE_PARTS ?? DEFAULT_PARTS).split(','));

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

/** 2 and 3. The API in this process, `earshot worker` processes beside it. */
async function endToEnd(
  workers: number,
  perSecond?: number,
  maxBacklog = 0,
): Promise<Record<string, number | string | Saturation>> {
  const e = await environment({ EARSHOT_MAX_BACKLOG: String(maxBacklog) });
  const service = await startService(e.rt, { api: true, worker: false });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(e.env, i));
    const token = await createToken(e.rt.db, 'bench', 'ingest');
    const count = perSecond ? perSecond * OFFERED_SECONDS : N;
    const all = mentions(count);
    const before = load();
    const watch = await watchSaturation(
      e.rt.db,
      children.map((c) => c.pid ?? 0),
      REDIS_URL,
    );
    const t0 = performance.now();
    const posted = await post(service.url as string, token, all, 8, perSecond);
    const acceptMs = performance.now() - t0;
    await untilDrained(e.rt);
    const ms = performance.now() - t0;
    const saturation = await watch.stop(count);
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
      saturation,
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
    console.log(
      '\n### What saturates (CPU cores used from /proc, Redis INFO commandstats deltas, pg_stat_activity every 200 ms; PostgreSQL and Redis are shared with other work here)\n',
    );
    console.log(saturationTable(e2e.map((r) => ({ shape: String(r.shape), saturation: r.saturation as Saturation }))));
    const widest = e2e.find((r) => String(r.shape).startsWith(`POST, ${Math.max(...WORKERS)} worker`));
    if (widest) console.log(`\n${projection(widest.saturation as Saturation)}`);
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
  // The other goals of the issue, each in its own file; each prints its own table(s).
  const more: Record<string, () => Promise<{ run(): Promise<unknown> }>> = {
    import: () => import('./firehose-import.ts'),
    sustained: () => import('./firehose-sustained.ts'),
    embedded: () => import('./firehose-embedded.ts'),
    knee: () => import('./firehose-knee.ts'),
    sentiment: () => import('./firehose-sentiment.ts'),
    scale: () => import('./firehose-scale.ts'),
  };
  for (const [part, module] of Object.entries(more)) if (PARTS.has(part)) result[part] = await (await module()).run();
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}firehose-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nJSON: ${file}`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
