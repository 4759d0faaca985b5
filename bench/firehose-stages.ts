/**
 * Where a mention's time goes (issue #15): ONE table, a row per pipeline stage, with its rate (the
 * mentions/s that stage alone would sustain: mentions ÷ its wall time) and its CPU per mention, for
 * this Node process, for the PostgreSQL backend that did its queries, and for Redis.
 *
 * Attribution, so one figure means one thing:
 * - Node: the main thread's ns on CPU (/proc/self/task/<pid>/schedstat) between stage boundaries (the
 *   pipeline calls a StageClock, src/pipeline/stage-clock.ts). Node's other threads (concurrent GC,
 *   libuv) work while the main thread waits on a query, so they are a row of their own, not charged
 *   to whichever stage was waiting.
 * - PostgreSQL: the ns on CPU (/proc/<pid>/schedstat) of the one backend this bench's pool (max 1
 *   connection) talks to, read at the same boundaries; the WAL writer, background writer and
 *   checkpointer are a row of their own (machine-wide: other sessions' writes land there too).
 * - Redis: the redis-server process's ns on CPU (shared: anything else using Redis counts).
 * - One worker, concurrency 1, so nothing overlaps: the stages' sum is the cost of a mention, and
 *   2 cores ÷ that sum is the ceiling on this machine.
 * Steps: the mentions are accepted (JSON parse + contract check, as POST /api/mentions does), written
 * to the inbox and queued in batches of 100; then a BullMQ worker drains the queue through the
 * pipeline, and the cluster stage runs after every BENCH_STAGES_CLUSTER_EVERY batches (the service
 * coalesces cluster jobs per 250 ms, about that many batches at today's rate).
 * Texts: the airline tweets (EARSHOT_EVAL_DATA=/work/shared/data or ../shared/data) when present,
 * else the firehose bench's six phrases. Env: BENCH_DATABASE_URL, BENCH_REDIS_URL,
 * BENCH_STAGES_MENTIONS (5000), BENCH_STAGES_CLUSTER_EVERY (8),
 * BENCH_STAGES_BATCH (100: mentions per POST and per job), BENCH_STAGES_SETUP_SQL (run on the fresh schema first: try an index, disable a trigger). Run: npm run bench -- stages
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Queue } from 'bullmq';
import { pathToFileURL, fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openRuntime, startService } from '../src/runtime.ts';
import { createToken } from '../src/storage/tokens.ts';
import { createDb, type Db } from '../src/storage/db.ts';
import { insertDeliveries } from '../src/storage/inbox.ts';
import { sortIncoming } from '../src/domain/incoming-mention.ts';
import { processIsolated } from '../src/pipeline/isolate.ts';
import { createModels } from '../src/pipeline/models.ts';
import { createClusterStage } from '../src/clusters/stage.ts';
import { JOBS } from '../src/queue/catalogue.ts';
import type { Handlers } from '../src/queue/backend.ts';
import type { MentionInput } from '../src/domain/mention.ts';
import type { PipelineStage, StageClock } from '../src/pipeline/stage-clock.ts';
import { readAirline } from './airline.ts';
import { table } from './format.ts';
import { PHRASES } from './firehose-harness.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_STAGES_MENTIONS ?? 5000);
const CLUSTER_EVERY = Number(process.env.BENCH_STAGES_CLUSTER_EVERY ?? 8);
/** Mentions per POST, and per job (as ingest does up to its BATCH_SIZE): the firehose bench posts 100. */
const BATCH = Number(process.env.BENCH_STAGES_BATCH ?? 100);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

type Stage =
  | 'accept (JSON parse + contract)'
  | 'inbox insert'
  | 'queue add'
  | 'queue (worker fetch/ack)'
  | PipelineStage
  | 'commit'
  | 'cluster';
const ORDER: Stage[] = [
  'accept (JSON parse + contract)',
  'inbox insert',
  'queue add',
  'queue (worker fetch/ack)',
  'load batch',
  'normalize',
  'dedupe',
  'authors',
  'sentiment',
  'triage',
  'case write',
  'mark processed',
  'commit',
  'cluster',
];

function texts(): { name: string; texts: string[] } {
  const airline = readAirline();
  if (airline && airline.length > 0) return { name: 'airline tweets', texts: airline.map((r) => r.text) };
  return { name: "the firehose bench's six phrases", texts: PHRASES.map((p) => `@brand ${p}`) };
}

function mentions(n: number, pool: string[]): MentionInput[] {
  const run = `${Date.now()}`;
  return Array.from({ length: n }, (_, i) => ({
    source: 'bench',
    external_id: `${run}-${i}`,
    text: pool.length > 100 ? pool[i % pool.length]! : `${pool[i % pool.length]} (#${i})`,
    author: { handle: `user${i % 5000}`, followers: i % 5000 },
    created_at: new Date(Date.now() - (n - i) * 1000).toISOString(),
  }));
}

/** ns on CPU of a process (/proc/<pid>/schedstat) or of one of its threads, 0 when unreadable. */
function cpuNs(pid: number, thread?: number): number {
  try {
    const file = thread === undefined ? `/proc/${pid}/schedstat` : `/proc/${pid}/task/${thread}/schedstat`;
    return Number(readFileSync(file, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

function processesNamed(test: (comm: string, cmdline: string) => boolean): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const comm = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (test(comm, cmdline)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

const mainThreadNs = () => cpuNs(process.pid, process.pid);
const processUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

interface Tally {
  wallMs: number;
  nodeUs: number;
  pgUs: number;
  redisUs: number;
}

/** Charges the time since the last lap to a stage: wall, this process's CPU, the backend's, Redis'. */
function stageMeter(backendPid: number, redisPids: number[]) {
  const tallies = new Map<Stage, Tally>(ORDER.map((s) => [s, { wallMs: 0, nodeUs: 0, pgUs: 0, redisUs: 0 }]));
  const redisNs = () => redisPids.reduce((s, p) => s + cpuNs(p), 0);
  const read = () => ({
    wall: performance.now(),
    node: mainThreadNs(),
    pg: cpuNs(backendPid),
    redis: redisNs(),
  });
  let last = read();
  const reset = () => {
    last = read();
  };
  const lap = (stage: Stage) => {
    const now = read();
    const t = tallies.get(stage)!;
    t.wallMs += now.wall - last.wall;
    t.nodeUs += (now.node - last.node) / 1000;
    t.pgUs += (now.pg - last.pg) / 1000;
    t.redisUs += (now.redis - last.redis) / 1000;
    last = now;
  };
  return { tallies, lap, reset };
}

/** A client in a child process, so its CPU is not this process's: posts the bodies, 8 in flight. */
const CLIENT = `
const { readFileSync } = require('node:fs');
const bodies = JSON.parse(readFileSync(process.env.BODIES, 'utf8'));
let next = 0;
const lane = async () => {
  for (let i = next++; i < bodies.length; i = next++) {
    const res = await fetch(process.env.URL + '/api/mentions', { method: 'POST', body: bodies[i],
      headers: { authorization: 'Bearer ' + process.env.TOKEN, 'content-type': 'application/json' } });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error('POST answered ' + res.status);
  }
};
Promise.all(Array.from({ length: 8 }, lane)).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;

/**
 * POST /api/mentions whole, in its own schema and queue (no worker): this process's CPU (the API's:
 * fastify, the body's JSON and schema, the three ingest stages above) per mention accepted.
 */
async function httpCost(bodies: string[], mentions: number): Promise<{ nodeUs: number; perSecond: number }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL,
    EARSHOT_DB_SCHEMA: schema,
    REDIS_URL,
    EARSHOT_QUEUE: schema,
    EARSHOT_RULES: `${ROOT}rules`,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const rt = await openRuntime(config, createLogger({ level: 'silent' }));
  const service = await startService(rt, { api: true, worker: false });
  const dir = mkdtempSync(`${tmpdir()}/earshot-stages-`);
  try {
    const token = await createToken(rt.db, 'bench', 'ingest');
    writeFileSync(`${dir}/bodies.json`, JSON.stringify(bodies));
    const cpu0 = processUs();
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', CLIENT], {
        env: { ...process.env, BODIES: `${dir}/bodies.json`, URL: service.url!, TOKEN: token },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the HTTP client exited with ${code}`))));
    });
    const ms = performance.now() - t0;
    return { nodeUs: (processUs() - cpu0) / mentions, perSecond: (mentions / ms) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await service.stop();
    // The accepted mentions' jobs were never taken: remove the queue with the schema.
    const queue = new Queue(schema, { connection: { url: REDIS_URL } });
    await queue.obliterate({ force: true });
    await queue.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL,
    EARSHOT_DB_SCHEMA: schema,
    REDIS_URL,
    EARSHOT_QUEUE: schema,
    EARSHOT_RULES: `${ROOT}rules`,
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  const log = createLogger({ level: 'silent' });
  const rt = await openRuntime(config, log);
  // One connection, so one backend does all of this bench's queries and its CPU is theirs.
  const db: Db = createDb({ url: DATABASE_URL, schema, max: 1 });
  // An experiment on the fresh schema (an index, a trigger disabled) before anything is measured.
  if (process.env.BENCH_STAGES_SETUP_SQL) await db.query(process.env.BENCH_STAGES_SETUP_SQL);
  const models = await createModels(config, log);
  const cluster = createClusterStage();
  const loadBefore = loadavg()[0]!;
  try {
    const backendPid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const redisPids = processesNamed((comm) => comm === 'redis-server');
    const background = processesNamed(
      (comm, cmd) => comm === 'postgres' && /walwriter|background writer|checkpointer/.test(cmd),
    );
    const bgNs = () => background.reduce((s, p) => s + cpuNs(p), 0);
    const data = texts();
    const all = mentions(N, data.texts);
    const bodies: string[] = [];
    for (let i = 0; i < all.length; i += BATCH) bodies.push(JSON.stringify({ mentions: all.slice(i, i + BATCH) }));

    const meter = stageMeter(backendPid, redisPids);
    const bg0 = bgNs();
    const proc0 = processUs();
    const main0 = mainThreadNs();
    const t0 = performance.now();
    // Ingest, as POST /api/mentions does it: parse, check, write the inbox, queue in batches of 100.
    for (const body of bodies) {
      meter.reset();
      const { valid } = sortIncoming((JSON.parse(body) as { mentions: unknown[] }).mentions);
      meter.lap('accept (JSON parse + contract)');
      const { accepted } = await insertDeliveries(db, valid);
      meter.lap('inbox insert');
      const ids = accepted.map((a) => a.id);
      await rt.queue.addBulk('process-inbox', [{ payload: { inboxIds: ids }, jobId: `inbox-${ids[0]}-${ids.at(-1)}` }]);
      meter.lap('queue add');
    }
    const ingestMs = performance.now() - t0;

    // Drain: one worker, concurrency 1; everything between two jobs is the queue's own work.
    const clock: StageClock = { lap: (s) => meter.lap(s) };
    let batches = 0;
    let done = 0;
    let finished: () => void = () => {};
    const drained = new Promise<void>((r) => (finished = r));
    const noop = async () => undefined;
    const handlers = Object.fromEntries(Object.keys(JOBS).map((k) => [k, noop])) as unknown as Handlers;
    handlers['process-inbox'] = async ({ inboxIds }) => {
      meter.lap('queue (worker fetch/ack)');
      const out = await processIsolated(db, models, inboxIds, {
        reopenWindowMs: config.support.reopenWindowHours * 3_600_000,
        maxAttempts: config.inboxMaxAttempts,
        clock,
      });
      meter.lap('commit');
      if (++batches % CLUSTER_EVERY === 0 || done + out.processed >= N) {
        await cluster.run(db);
        meter.lap('cluster');
      }
      done += out.processed;
      if (done >= N) finished();
      return null;
    };
    const t1 = performance.now();
    meter.reset();
    const worker = rt.queue.startWorker(handlers, 1, log);
    await drained;
    const drainMs = performance.now() - t1;
    const otherThreadsUs = processUs() - proc0 - (mainThreadNs() - main0) / 1000;
    await worker.close();
    const bgUs = (bgNs() - bg0) / 1000;
    const http = await httpCost(
      bodies.map((b) => b.replace(/"external_id":"/g, '"external_id":"http-')),
      N,
    );

    const rows = ORDER.map((s) => ({ stage: s, ...meter.tallies.get(s)! }));
    const sum = rows.reduce(
      (a, r) => ({ nodeUs: a.nodeUs + r.nodeUs, pgUs: a.pgUs + r.pgUs, redisUs: a.redisUs + r.redisUs }),
      {
        nodeUs: 0,
        pgUs: 0,
        redisUs: 0,
      },
    );
    const perMention = (us: number) => us / N;
    const total = sum.nodeUs + otherThreadsUs + sum.pgUs + sum.redisUs + bgUs;
    const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
    const tableRows = rows.map((r) => {
      const cpu = r.nodeUs + r.pgUs + r.redisUs;
      return [
        r.stage,
        r.wallMs > 0 ? Math.round((N / r.wallMs) * 1000).toLocaleString('en-US') : '—',
        fmt(perMention(r.nodeUs)),
        fmt(perMention(r.pgUs)),
        fmt(perMention(r.redisUs)),
        fmt(perMention(cpu)),
        `${((cpu / total) * 100).toFixed(0)}%`,
      ];
    });
    tableRows.push([
      "Node's other threads (concurrent GC, libuv), all stages",
      '—',
      fmt(perMention(otherThreadsUs)),
      '',
      '',
      fmt(perMention(otherThreadsUs)),
      `${((otherThreadsUs / total) * 100).toFixed(0)}%`,
    ]);
    tableRows.push([
      'PostgreSQL WAL writer, bg writer, checkpointer (machine-wide)',
      '—',
      '',
      fmt(perMention(bgUs)),
      '',
      fmt(perMention(bgUs)),
      `${((bgUs / total) * 100).toFixed(0)}%`,
    ]);
    tableRows.push([
      '**all stages**',
      Math.round((N / (ingestMs + drainMs)) * 1000).toLocaleString('en-US'),
      fmt(perMention(sum.nodeUs + otherThreadsUs)),
      fmt(perMention(sum.pgUs + bgUs)),
      fmt(perMention(sum.redisUs)),
      fmt(perMention(total)),
      '100%',
    ]);
    tableRows.push([
      'not summed above: POST /api/mentions whole (API process: fastify + accept + inbox insert + queue add)',
      Math.round(http.perSecond).toLocaleString('en-US'),
      fmt(http.nodeUs),
      '',
      '',
      fmt(http.nodeUs),
      '',
    ]);
    const ceiling = Math.round((2 * 1e6) / perMention(total));
    console.log(
      `\n## Firehose stages: where a mention's CPU goes (${N.toLocaleString('en-US')} mentions, ${data.name}; one worker, concurrency 1; cluster stage every ${CLUSTER_EVERY} batches of ${BATCH})\n`,
    );
    console.log(
      table(
        [
          'stage',
          'mentions/s (this stage alone, wall)',
          'Node µs CPU/mention (main thread)',
          'PostgreSQL µs',
          'Redis µs',
          'total µs',
          'CPU share',
        ],
        tableRows,
      ),
    );
    console.log(
      `\nIngest ${Math.round((N / ingestMs) * 1000).toLocaleString('en-US')}/s, pipeline drain ${Math.round((N / drainMs) * 1000).toLocaleString('en-US')}/s (wall, one at a time). ` +
        `CPU ceiling on 2 cores if nothing else ran: 2 s ÷ ${fmt(perMention(total))} µs ≈ ${ceiling.toLocaleString('en-US')} mentions/s ` +
        `(a POST's fastify handling adds the last row's excess over the three ingest rows; a real deployment's processes and idle overheads are not included). Load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}.`,
    );
    const result = {
      at: new Date().toISOString(),
      mentions: N,
      data: data.name,
      loadavg: [loadBefore, loadavg()[0]],
      ingestPerSecond: (N / ingestMs) * 1000,
      drainPerSecond: (N / drainMs) * 1000,
      ceilingOn2Cores: ceiling,
      stages: rows.map((r) => ({
        stage: r.stage,
        wallMs: r.wallMs,
        nodeUsPerMention: perMention(r.nodeUs),
        pgUsPerMention: perMention(r.pgUs),
        redisUsPerMention: perMention(r.redisUs),
      })),
      pgBackgroundUsPerMention: perMention(bgUs),
      nodeOtherThreadsUsPerMention: perMention(otherThreadsUs),
      http: { apiProcessUsPerMention: http.nodeUs, acceptedPerSecond: http.perSecond },
    };
    mkdirSync(RESULTS, { recursive: true });
    const file = `${RESULTS}firehose-stages-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`\nJSON: ${file}`);
    return result;
  } finally {
    models.close();
    await db.end();
    await rt.close();
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

// The BullMQ worker's own Redis connection outlives worker.close(); exit rather than wait on it.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
  process.exit(0);
}
