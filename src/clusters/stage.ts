/**
 * The cluster stage of the running service: places the negative, actionable, original mentions that
 * the pipeline stored into root-cause clusters, incrementally, with ONE writer.
 *
 * Single writer: every run takes a PostgreSQL advisory lock (per schema) for its transaction, so two
 * worker processes — or two jobs in one — never place mentions at the same time, whatever the queue
 * backend. The engine's state is snapshotted to `cluster_engine` with a version; a process keeps its
 * engine in memory and reloads the snapshot only when another process wrote a newer version. The job
 * payload is only a trigger: a run takes whatever is still unplaced (mentions.clustered_at IS NULL),
 * so a lost job, a crash or a restart leaves mentions for the next run, never placed twice.
 */
import type pg from 'pg';
import { withTransaction, type Db } from '../storage/db.ts';
import { createClusterer, restoreClusterer, type Clusterer, type ClustererOptions, type ClustererState } from '../analysis/cluster/index.ts';
import { lockClusters, moveMentions, refreshCluster, resolveCluster } from './store.ts';
import { afterGrowth, type GrowthOptions } from './upkeep.ts';

export interface StageOptions {
  /** Mentions placed per transaction. */
  batch: number;
  clusterer: Partial<ClustererOptions>;
  growth: GrowthOptions;
}

export interface StageOutcome {
  placed: number;
  clustered: number;
  touched: number[];
  alerts: number;
  version: number;
}

const DEFAULTS: StageOptions = {
  batch: 500,
  // A service sees mentions one batch at a time: merge passes run more often than in the batch CLI.
  clusterer: { mergeEvery: 200 },
  growth: { minSize: 10, windowHours: 24, cooldownHours: 24 },
};

export interface ClusterStage {
  /** Places every pending mention (in batches); returns what the last batches did. */
  run(db: Db): Promise<StageOutcome>;
  /** The in-memory version (for tests and logs). */
  readonly version: number;
}

export function createClusterStage(options: Partial<StageOptions> = {}): ClusterStage {
  const o: StageOptions = { ...DEFAULTS, ...options, growth: { ...DEFAULTS.growth, ...options.growth } };
  let engine: Clusterer | null = null;
  let version = 0;

  async function load(tx: pg.PoolClient): Promise<Clusterer> {
    const { rows } = await tx.query<{ version: string }>('SELECT version FROM cluster_engine WHERE id = 1');
    const stored = rows[0] ? Number(rows[0].version) : 0;
    if (engine && stored === version) return engine;
    if (stored === 0) {
      engine = createClusterer({ ...o.clusterer });
    } else {
      const s = await tx.query<{ state: ClustererState }>('SELECT state FROM cluster_engine WHERE id = 1');
      engine = restoreClusterer(s.rows[0]!.state);
    }
    version = stored;
    return engine;
  }

  async function once(db: Db, total: StageOutcome): Promise<boolean> {
    return withTransaction(db, async (tx) => {
      await lockClusters(tx);
      const e = await load(tx);
      const pending = await tx.query<{ id: string; text: string; created_at: Date }>(
        `SELECT id, text, created_at FROM mentions
          WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL
          ORDER BY id LIMIT $1`,
        [o.batch],
      );
      if (pending.rows.length === 0) return false;
      for (const m of pending.rows) e.add({ id: m.id, text: m.text, createdAt: m.created_at.toISOString() });
      await tx.query('UPDATE mentions SET clustered_at = now() WHERE id = ANY($1::bigint[])', [pending.rows.map((m) => m.id)]);
      const touched = await syncClusters(tx, e);
      const alerts = await afterGrowth(tx, touched, o.growth);
      const next = version + 1;
      await tx.query(
        `INSERT INTO cluster_engine (id, version, state) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, updated_at = now()`,
        [next, JSON.stringify(e.toJSON())],
      );
      version = next;
      total.placed += pending.rows.length;
      total.touched.push(...touched);
      total.alerts += alerts;
      total.version = next;
      return pending.rows.length === o.batch;
    });
  }

  return {
    get version() {
      return version;
    },
    async run(db) {
      const total: StageOutcome = { placed: 0, clustered: 0, touched: [], alerts: 0, version };
      try {
        while (await once(db, total));
      } catch (err) {
        // The transaction rolled back but the in-memory engine already took the adds: reload next time.
        engine = null;
        version = -1;
        throw err;
      }
      total.touched = [...new Set(total.touched)];
      return total;
    },
  };
}

/**
 * Writes the engine's clusters whose size changed since the last write: the row (label, representatives),
 * its members' cluster_id (following manual merges, leaving pinned mentions), and the rows they left.
 */
async function syncClusters(tx: pg.PoolClient, e: Clusterer): Promise<number[]> {
  const known = await tx.query<{ engine_key: string; engine_size: number }>('SELECT engine_key, engine_size FROM clusters WHERE engine_key IS NOT NULL');
  const sizeOf = new Map(known.rows.map((r) => [r.engine_key, r.engine_size]));
  const touched = new Set<number>();
  for (const c of e.clusters()) {
    if (sizeOf.get(c.id) === c.size) continue;
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO clusters (engine_key, label, engine_size, representatives) VALUES ($1, $2, $3, $4)
       ON CONFLICT (engine_key) DO UPDATE SET label = EXCLUDED.label, engine_size = EXCLUDED.engine_size, representatives = EXCLUDED.representatives, updated_at = now()
       RETURNING id`,
      [c.id, JSON.stringify(c.label), c.size, JSON.stringify(c.representativeIds.map(Number))],
    );
    const target = await resolveCluster(tx, Number(rows[0]!.id));
    const left = await moveMentions(tx, c.memberIds.map(Number), target);
    touched.add(target);
    for (const l of left) touched.add(l);
  }
  for (const id of touched) await refreshCluster(tx, id);
  return [...touched];
}
