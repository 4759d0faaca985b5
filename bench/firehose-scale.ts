/**
 * Firehose part `scale` (issue #15, "Scale"): a fresh schema filled with synthetic stored mentions,
 * cases (one per five mentions) and clusters at each size of BENCH_SCALE_SIZES, then measured:
 *   - clustering cost per placed mention: BENCH_SCALE_PLACE new complaints placed by the service's
 *     cluster stage in this process (CPU µs from process.cpuUsage, and wall ms) — the clusters they
 *     join already hold the stored mentions, so cluster upkeep sees the size;
 *   - peak RSS (VmHWM) of an `earshot worker` process that processes BENCH_SCALE_WORKER_MENTIONS
 *     mentions on the filled database and places them;
 *   - the API's time for GET /api/cases (newest first, sort=sla, filters) and the dashboard's main
 *     reads (PR volume, product clusters, a cluster, alerts): median of 5 after a first call, over HTTP;
 *     every SELECT they ran is then re-run under EXPLAIN (ANALYZE, BUFFERS), the plans saved to
 *     bench/results/firehose-scale-<size>-<time>.txt and sequential scans of big tables listed.
 * The fill is set-based SQL on the server (INSERT … SELECT FROM generate_series: COPY's speed without a
 * client stream; 1M mentions take well under a minute on a quiet machine), then VACUUM ANALYZE. What it cannot stand for:
 * the clustering engine's own state knows only the mentions placed through it (a seed of
 * BENCH_SCALE_PLACE before the fill and the measured ones), not the filled ones — engine growth is
 * bench/cluster-stage.ts's measurement; this one is the database side at size.
 * Env: BENCH_SCALE_SIZES (10000,100000; the full run 10000,100000,1000000), BENCH_SCALE_PLACE
 * (2000), BENCH_SCALE_WORKER_MENTIONS (5000), BENCH_SCALE_KEEP=1 (keep the filled schema). Goal: every read < 100 ms at 1M mentions / 200k cases.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createClusterStage } from '../src/clusters/stage.ts';
import { startService } from '../src/runtime.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { createToken } from '../src/storage/tokens.ts';
import { refreshSlaDue } from '../src/support/sla-due.ts';
import type { Db } from '../src/storage/db.ts';
import { table } from './format.ts';
import { rssMb } from './firehose-saturation.ts';
import {
  RESULTS,
  dispose,
  environment,
  load,
  mentions,
  startWorker,
  stopWorker,
  untilDrained,
  type Env,
} from './firehose-harness.ts';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,100000').split(',').map(Number);
const PLACE = Number(process.env.BENCH_SCALE_PLACE ?? 2000);
const WORKER_MENTIONS = Number(process.env.BENCH_SCALE_WORKER_MENTIONS ?? 5000);
const GOAL_MS = 100;
/** Keep the filled schema (its name is printed) to explore plans by hand; drop it yourself. */
const KEEP = process.env.BENCH_SCALE_KEEP === '1';

const COMPLAINTS = [
  'my order has not arrived after two weeks',
  'charged twice for the same order, I want a refund',
  'the app keeps crashing since the last update',
  'cannot log in to my account, password reset email never comes',
  'refund still not processed after a month',
  'the parcel arrived damaged and nobody answers',
  'checkout page shows an error when I pay by card',
  'support chat never answers, on hold for an hour',
  'promo code is not working at checkout',
  'delivery driver left my package in the rain',
];
const DETAILS = ['again', 'today', 'this is ridiculous', 'so annoying', 'please fix', 'terrible', 'unacceptable', ''];

/** Inserts `n` unplaced negative, actionable complaints (what the cluster stage picks up); `tag` keeps ids apart. */
async function insertComplaints(db: Db, n: number, tag: string): Promise<void> {
  await db.query(
    `INSERT INTO mentions (source, external_id, author_id, text, created_at, sentiment, sentiment_score, actionable,
                           category, priority)
     SELECT 'bench', $1 || g, (SELECT min(id) FROM authors) + g % 100,
            ($2::text[])[1 + g % array_length($2, 1)] || ' ' || ($3::text[])[1 + (g / 10) % array_length($3, 1)],
            now() - (g % 3600) * interval '1 second', 'negative', -0.8, true, 'complaint', 'normal'
     FROM generate_series(1, $4) g`,
    [`${tag}-`, COMPLAINTS, DETAILS, n],
  );
}

/** Authors, clusters' members, cases and mentions for `size` stored mentions; returns the seconds it took. */
async function fill(db: Db, size: number): Promise<number> {
  const t0 = performance.now();
  const authors = Math.max(1000, size / 10);
  const cases = Math.round(size / 5);
  await db.query(
    `INSERT INTO authors (source, handle, followers) SELECT 'bench', 'scale' || g, g % 5000 FROM generate_series(1, $1) g`,
    [authors],
  );
  const { rows: a } = await db.query<{ min: string }>('SELECT min(id) AS min FROM authors');
  const { rows: c } = await db.query<{ ids: string[] }>('SELECT array_agg(id ORDER BY id) AS ids FROM clusters');
  const clusterIds = c[0]?.ids ?? [];
  // Cases over nine months: half resolved, the rest spread over the open statuses; a tenth tied to a
  // cluster; a quarter assigned to five agents, one in 5,000 to a new agent (a "mine" list that is short).
  await db.query(
    `INSERT INTO cases (status, priority, category, queue, assignee, source, author_id, subject, mention_count,
                        cluster_id, opened_at, updated_at, first_response_at, resolved_at)
     SELECT s.status, s.priority, s.category, s.queue, s.assignee, 'bench', $1::bigint + (g * 7919) % $2, 'case ' || g, 5,
            CASE WHEN g % 10 = 0 AND cardinality($4::bigint[]) > 0 THEN ($4::bigint[])[1 + g % cardinality($4::bigint[])] END,
            s.opened, s.opened, CASE WHEN g % 3 = 0 THEN s.opened + interval '2 hours' END,
            CASE WHEN s.status = 'resolved' THEN s.opened + interval '1 day' END
     FROM generate_series(1, $3) g,
          LATERAL (SELECT (ARRAY['new','assigned','waiting','resolved','resolved','resolved','reopened','resolved'])[1 + g % 8] AS status,
                          (ARRAY['low','normal','normal','high','urgent'])[1 + (g * 7) % 5] AS priority,
                          (ARRAY['billing','delivery','bug','account','question'])[1 + (g * 3) % 5] AS category,
                          (ARRAY['support','billing','tech'])[1 + g % 3] AS queue,
                          CASE WHEN g % 5000 = 2 THEN 'agent-new' WHEN g % 4 = 1 THEN 'agent' || (g % 20) END AS assignee,
                          now() - (g::double precision / $3) * interval '270 days' AS opened) s`,
    [a[0]?.min, authors, cases, clusterIds],
  );
  const { rows: k } = await db.query<{ min: string }>('SELECT min(id) AS min FROM cases');
  // Mentions: five per case, a third negative and actionable, those placed in the seed's clusters.
  await db.query(
    `INSERT INTO mentions (source, external_id, author_id, text, created_at, ingested_at, fingerprint, sentiment,
                           sentiment_score, actionable, category, priority, queue, case_id, cluster_id, clustered_at)
     SELECT 'bench', 'stored-' || g, $1::bigint + (g * 31) % $2, ($3::text[])[1 + g % array_length($3, 1)] || ' #' || g,
            t, t, md5((g % 50000)::text), CASE WHEN g % 3 = 0 THEN 'negative' WHEN g % 3 = 1 THEN 'neutral' ELSE 'positive' END,
            CASE WHEN g % 3 = 0 THEN -0.7 ELSE 0.2 END, g % 3 = 0, 'complaint', 'normal', 'support',
            $4::bigint + g % $5,
            CASE WHEN g % 3 = 0 AND cardinality($6::bigint[]) > 0 THEN ($6::bigint[])[1 + (g / 3) % cardinality($6::bigint[])] END,
            t
     FROM (SELECT g, now() - (g::double precision / $7) * interval '270 days' AS t FROM generate_series(1, $7) g) s`,
    [a[0]?.min, authors, COMPLAINTS, k[0]?.min, cases, clusterIds, size],
  );
  await db.query(
    `UPDATE clusters c SET size = s.n, first_seen = s.first, last_seen = s.last
     FROM (SELECT cluster_id, count(*) AS n, min(created_at) AS first, max(created_at) AS last
           FROM mentions WHERE cluster_id IS NOT NULL GROUP BY 1) s
     WHERE c.id = s.cluster_id`,
  );
  // What autovacuum does to a table after this many inserts: the visibility map lets index-only
  // scans skip the heap (without it the planner picks other indexes, unlike a real, older database).
  await db.query('VACUUM ANALYZE');
  return (performance.now() - t0) / 1000;
}

interface Recorded {
  sql: string;
  params: unknown[];
}

/** Records every statement sent through the pool (not those of a checked-out client) until restored. */
function recordQueries(db: Db): { take(): Recorded[]; restore(): void } {
  const target = db as unknown as { query: (...args: unknown[]) => unknown };
  const original = target.query;
  let seen: Recorded[] = [];
  target.query = function (this: unknown, ...args: unknown[]) {
    const [text, values] = args;
    if (typeof text === 'string') seen.push({ sql: text, params: Array.isArray(values) ? values : [] });
    else if (text && typeof text === 'object' && 'text' in text)
      seen.push({ sql: String(text.text), params: 'values' in text && Array.isArray(text.values) ? text.values : [] });
    return original.apply(this, args);
  };
  return {
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    restore() {
      target.query = original;
    },
  };
}

const BIG_TABLES = ['mentions', 'cases', 'authors', 'clusters', 'case_events', 'inbox'];

interface Read {
  read: string;
  'first ms': number;
  'median ms': number;
  /** Sum of the statements' Execution Time under EXPLAIN ANALYZE: the database's share, less noisy than HTTP. */
  'db ms': number;
  'seq scans (big tables)': string;
}

/** Times the dashboard's reads over HTTP and explains what each ran; plans appended to `plans`. Closes the runtime. */
async function reads(e: Env, plans: string[]): Promise<Read[]> {
  const service = await startService(e.rt, { api: true, worker: false });
  const recorder = recordQueries(e.rt.db);
  try {
    const token = await createToken(e.rt.db, 'bench', 'admin');
    const { rows } = await e.rt.db.query<{ id: string }>('SELECT id FROM clusters ORDER BY size DESC LIMIT 1');
    const week = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const quarter = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const list: [string, string][] = [
      ['GET /api/cases (inbox, newest first)', '/api/cases?limit=100'],
      ['GET /api/cases?sort=sla', '/api/cases?sort=sla&limit=100'],
      ['GET /api/cases?status=new', '/api/cases?status=new&limit=100'],
      ['GET /api/cases?priority=urgent', '/api/cases?priority=urgent&limit=100'],
      ['GET /api/cases?queue=billing&status=assigned', '/api/cases?queue=billing&status=assigned&limit=100'],
      ['GET /api/cases?assignee=agent5', '/api/cases?assignee=agent5&limit=100'],
      ['GET /api/cases?assignee=agent-new (a few cases)', '/api/cases?assignee=agent-new&limit=100'],
      ['GET /api/cases?category=delivery&sort=sla', '/api/cases?category=delivery&sort=sla&limit=100'],
      ['GET /api/stats/volume (7 days by hour)', `/api/stats/volume?from=${week}&bucket=hour`],
      ['GET /api/stats/volume (90 days by day)', `/api/stats/volume?from=${quarter}&bucket=day`],
      ['GET /api/clusters (by size)', '/api/clusters?limit=100'],
      ['GET /api/clusters?sort=growth', '/api/clusters?sort=growth&limit=100'],
      ['GET /api/clusters/:id (the biggest)', `/api/clusters/${rows[0]?.id ?? 1}?at_risk_limit=0`],
      ['GET /api/alerts', '/api/alerts'],
    ];
    const get = async (path: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${service.url as string}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      return performance.now() - t0;
    };
    const out: Read[] = [];
    for (const [name, path] of list) {
      const first = await get(path);
      recorder.take();
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await get(path));
      times.sort((x, y) => x - y);
      // The distinct statements of the steady calls, explained (a write, e.g. stored SLA due times, is not).
      const statements = dedupe(recorder.take().filter((r) => /^\s*(SELECT|WITH)\b/i.test(r.sql)));
      const seq = new Set<string>();
      let dbMs = 0;
      for (const s of statements) {
        const plan = await explain(e.rt.db, recorder, s);
        dbMs += Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0);
        plans.push(`### ${name}: ${path}\n${s.sql.trim()}\n-- params: ${JSON.stringify(s.params)}\n${plan}\n`);
        for (const m of plan.matchAll(/Seq Scan on (\w+)/g)) if (BIG_TABLES.includes(m[1] as string)) seq.add(m[1]!);
      }
      out.push({
        read: name,
        'first ms': Math.round(first),
        'median ms': Math.round(times[2] ?? 0),
        'db ms': Number(dbMs.toFixed(1)),
        'seq scans (big tables)': [...seq].join(', ') || '—',
      });
    }
    return out;
  } finally {
    recorder.restore();
    await service.stop();
  }
}

/** The distinct statements (same SQL text once). */
function dedupe(list: Recorded[]): Recorded[] {
  const seen = new Set<string>();
  return list.filter((r) => !seen.has(r.sql) && seen.add(r.sql));
}

async function explain(db: Db, recorder: { take(): Recorded[] }, s: Recorded): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
  recorder.take();
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

interface SizeResult {
  mentions: number;
  cases: number;
  'fill s': number;
  placed: number;
  'cluster CPU µs/placed': number;
  'cluster wall ms/placed': number;
  'worker peak RSS MB': number;
  /** Computing every case's stored due times: the first sort=sla request's work on a database never sorted by SLA. */
  'SLA due times, all cases s': number;
  load: string;
}

/** An `earshot worker` processes WORKER_MENTIONS mentions (and places them); its peak RSS in MB. */
async function workerPeak(e: Env): Promise<number> {
  const child = await startWorker(e.env, 0);
  try {
    const all = mentions(WORKER_MENTIONS, 'bench-scale');
    for (let i = 0; i < all.length; i += 100) await ingest(e.rt, all.slice(i, i + 100));
    await untilDrained(e.rt);
    const until = Date.now() + 120_000;
    // Until the cluster jobs have placed them too.
    for (;;) {
      const { rows } = await e.rt.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM mentions
         WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL`,
      );
      if (Number(rows[0]?.n) === 0 || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return rssMb(child.pid ?? 0).peak;
  } finally {
    await stopWorker(child);
  }
}

async function atSize(size: number, stamp: string): Promise<{ result: SizeResult; reads: Read[]; planFile: string }> {
  // The fill's statements and the first SLA call at 1M outlast the default 30-s query timeout.
  const e = await environment({ EARSHOT_DB_QUERY_TIMEOUT_MS: '1800000' });
  let closed = false;
  try {
    await e.rt.db.query(
      `INSERT INTO authors (source, handle) SELECT 'bench', 'seed' || g FROM generate_series(1, 100) g`,
    );
    // The seed: complaints placed through the stage, so the clusters the fill joins are the engine's own.
    const stage = createClusterStage();
    await insertComplaints(e.rt.db, PLACE, 'seed');
    await stage.run(e.rt.db);
    const fillSeconds = await fill(e.rt.db, size);
    await insertComplaints(e.rt.db, PLACE, 'measured');
    const before = load();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let placed = 0;
    for (;;) {
      const r = await stage.run(e.rt.db);
      if (r.placed === 0) break;
      placed += r.placed;
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const peak = await workerPeak(e);
    const { rows } = await e.rt.db.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    // Every case's stored SLA due times, as the first GET /api/cases?sort=sla would compute them
    // (timed apart: at 1M it could outlast an HTTP client's patience).
    const sla0 = performance.now();
    await refreshSlaDue(e.rt.db, e.rt.slaPolicy);
    const slaSeconds = (performance.now() - sla0) / 1000;
    const plans: string[] = [];
    closed = true; // the API's stop() closes the runtime
    const read = await reads(e, plans);
    mkdirSync(RESULTS, { recursive: true });
    const planFile = `${RESULTS}firehose-scale-${size}-${stamp}.txt`;
    writeFileSync(planFile, plans.join('\n'));
    return {
      result: {
        mentions: size,
        cases: Number(rows[0]?.n),
        'fill s': Number(fillSeconds.toFixed(1)),
        placed,
        'cluster CPU µs/placed': placed ? Math.round((cpu.user + cpu.system) / placed) : 0,
        'cluster wall ms/placed': placed ? Number((wall / placed).toFixed(2)) : 0,
        'worker peak RSS MB': peak,
        'SLA due times, all cases s': Number(slaSeconds.toFixed(1)),
        load: `${before} → ${load()}`,
      },
      reads: read,
      planFile,
    };
  } finally {
    if (KEEP) {
      console.log(`\nkept schema ${e.schema} (BENCH_SCALE_KEEP=1): DROP SCHEMA ${e.schema} CASCADE when done`);
      if (!closed) await e.rt.close();
    } else await dispose(e, closed);
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results: SizeResult[] = [];
  const readsBySize: Read[][] = [];
  const planFiles: string[] = [];
  for (const size of SIZES) {
    const r = await atSize(size, stamp);
    results.push(r.result);
    readsBySize.push(r.reads);
    planFiles.push(r.planFile);
  }
  console.log(
    `\n## Firehose: scale — clustering cost and a worker's memory as the store grows (${PLACE} complaints placed at each size)\n`,
  );
  console.log(
    table(
      Object.keys(results[0] ?? {}),
      results.map((r) => Object.values(r)),
    ),
  );
  console.log(
    `\n### The dashboard's reads at each size: median of 5 over HTTP in ms (the database's part: the statements' EXPLAIN ANALYZE execution times summed); goal < ${GOAL_MS} ms at 1M mentions / 200k cases\n`,
  );
  const names = readsBySize[0]?.map((r) => r.read) ?? [];
  console.log(
    table(
      ['read', ...SIZES.map((s) => `${s.toLocaleString('en-US')} mentions`), 'seq scans at the largest size'],
      names.map((name, i) => [
        name,
        ...readsBySize.map((rs) => `${rs[i]?.['median ms']} (db ${rs[i]?.['db ms']}; first ${rs[i]?.['first ms']})`),
        readsBySize.at(-1)?.[i]?.['seq scans (big tables)'] ?? '—',
      ]),
    ),
  );
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of every statement: ${planFiles.join(', ')}`);
  return { sizes: results, reads: readsBySize, planFiles };
}
