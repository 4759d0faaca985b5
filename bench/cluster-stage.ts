/**
 * Cost of the service's cluster stage per placed mention as the store grows: feeds the world
 * generator's endless mention stream into a fresh schema, one stage run per batch (as the worker does),
 * and prints the ms per placed mention around each checkpoint size, and the bytes of engine state
 * written. Compares stage modules when given several (e.g. a copy of the snapshot-per-run stage).
 *
 *   npx tsx bench/cluster-stage.ts
 *   EARSHOT_BENCH_DB=postgres://… EARSHOT_BENCH_SIZES=5000,20000,50000 EARSHOT_BENCH_STAGES=src/clusters/stage.ts,/tmp/old/stage.ts
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createDb, type Db } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import { mentionStream } from '../src/demo/world.ts';
import type { ClusterStage } from '../src/clusters/stage.ts';

interface StageModule {
  createClusterStage(options?: { batch?: number }): ClusterStage;
}

export interface Point {
  stage: string;
  /** Mentions stored (and placed) when the window ended. */
  stored: number;
  /** Mean over the window's runs (checkpoints in it included: the amortised cost). */
  msPerMention: number;
  /** Median run of the window, per mention (a run without a state write). */
  medianMsPerMention: number;
  /** Bytes written to cluster_engine during the window, per placed mention. */
  stateBytesPerMention: number;
}

const BATCH = 500;
/** Runs measured just before each size: the last fifth of the way there, at least 4 runs. */
const windowOf = (size: number): number => Math.max(4 * BATCH, size / 5);

async function insertBatch(
  db: Db,
  author: string,
  ms: ReadonlyArray<{ id: string; text: string; created_at: string }>,
): Promise<void> {
  await db.query(
    `INSERT INTO mentions (source, external_id, author_id, text, created_at, sentiment, actionable)
     SELECT 'x', e, $1, tx, c, 'negative', true FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS v(e, tx, c)`,
    [author, ms.map((m) => m.id), ms.map((m) => m.text), ms.map((m) => m.created_at)],
  );
}

/** Bytes of engine state the last run wrote: every run for the snapshot stage (no checkpoint columns used). */
async function stateWritten(db: Db): Promise<number> {
  const { rows } = await db.query<{ written: boolean; n: string | null }>(
    `SELECT (checkpoint_version = 0 OR checkpoint_version = version) AS written, pg_column_size(state) AS n FROM cluster_engine WHERE id = 1`,
  );
  return rows[0]?.written ? Number(rows[0].n ?? 0) : 0;
}

async function curve(url: string, label: string, mod: StageModule, sizes: readonly number[]): Promise<Point[]> {
  const schema = `bench_stage_${process.pid}_${Date.now().toString(36)}`;
  const db = createDb({ url, schema, max: 2, queryTimeoutMs: 600_000 });
  const points: Point[] = [];
  try {
    await migrate(db, schema);
    const author = (
      await db.query<{ id: string }>(`INSERT INTO authors (source, handle) VALUES ('x', 'bench') RETURNING id`)
    ).rows[0]!.id;
    const stage = mod.createClusterStage({ batch: BATCH });
    const stream = mentionStream(3);
    const top = Math.max(...sizes);
    let stored = 0;
    let window = { ms: 0, placed: 0, bytes: 0, runs: [] as number[] };
    while (stored < top) {
      const next = Array.from(
        { length: BATCH },
        () => stream.next().value as { id: string; text: string; created_at: string },
      );
      await insertBatch(db, author, next);
      const t0 = performance.now();
      const r = await stage.run(db);
      const ms = performance.now() - t0;
      stored += BATCH;
      const target = sizes.find((s) => s >= stored);
      if (target !== undefined && target - stored < windowOf(target)) {
        window.ms += ms;
        window.placed += r.placed;
        window.bytes += await stateWritten(db);
        window.runs.push(ms / r.placed);
        if (stored === target) {
          const sorted = [...window.runs].sort((x, y) => x - y);
          points.push({
            stage: label,
            stored,
            msPerMention: window.ms / window.placed,
            medianMsPerMention: sorted[Math.floor(sorted.length / 2)]!,
            stateBytesPerMention: window.bytes / window.placed,
          });
          window = { ms: 0, placed: 0, bytes: 0, runs: [] };
        }
      }
    }
  } finally {
    await db.end();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
  return points;
}

export async function run(
  opts: { url?: string; sizes?: readonly number[]; stages?: readonly string[]; log?: (line: string) => void } = {},
): Promise<Point[]> {
  const url = opts.url ?? process.env.EARSHOT_BENCH_DB ?? 'postgres://postgres@127.0.0.1:5432/test';
  const sizes = opts.sizes ?? (process.env.EARSHOT_BENCH_SIZES ?? '5000,20000,50000').split(',').map(Number);
  const stages = opts.stages ?? (process.env.EARSHOT_BENCH_STAGES ?? 'src/clusters/stage.ts').split(',');
  const log = opts.log ?? ((line: string) => console.log(line));
  const all: Point[] = [];
  log(
    '| stage | stored | ms per placed mention (mean of window) | median run, ms per mention | engine state bytes written per mention |',
  );
  log('|---|---:|---:|---:|---:|');
  for (const path of stages) {
    const mod = (await import(pathToFileURL(resolve(path)).href)) as StageModule;
    for (const p of await curve(url, path, mod, sizes)) {
      all.push(p);
      log(
        `| ${p.stage} | ${p.stored} | ${p.msPerMention.toFixed(3)} | ${p.medianMsPerMention.toFixed(3)} | ${p.stateBytesPerMention.toFixed(0)} |`,
      );
    }
  }
  return all;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
