/**
 * The cluster stage of the running service: places the negative, actionable, original mentions that
 * the pipeline stored into root-cause clusters, incrementally, with ONE writer.
 *
 * Single writer: every run takes a PostgreSQL advisory lock (per schema) for its transaction, so two
 * worker processes — or two jobs in one — never place mentions at the same time, whatever the queue
 * backend. The job payload is only a trigger: a run takes whatever is still unplaced
 * (mentions.clustered_at IS NULL), so a lost job, a crash or a restart leaves mentions for the next
 * run, never placed twice.
 *
 * Cost per run does not grow with the mentions stored:
 * - Placement log, not a snapshot per run: each mention the engine sees gets the next `cluster_seq`
 *   in the transaction that placed it. `cluster_engine` holds a cheap (version, seq) bumped every run
 *   and a checkpoint of the engine (state as of checkpoint_seq), rewritten only once the mentions
 *   placed since reach max(checkpointMin, checkpointRatio × all placed): geometric spacing keeps the
 *   checkpoint's amortised cost per mention constant.
 * - The engine is deterministic, so checkpoint + the logged mentions replayed in seq order through
 *   `add` is the engine the writer had. A process whose (version, seq) is behind replays only what it
 *   missed; one that cannot vouch for its copy (a rolled-back run, another history) restores the
 *   checkpoint and replays from there (at most one checkpoint interval).
 * - Writes cover what this run changed: the run's own mentions, clusters that became reported (their
 *   few earlier members), clusters the engine merged away (rows re-pointed set-based), and the rows of
 *   the clusters touched — never every member of a cluster, never a scan of all clusters.
 */
import type pg from 'pg';
import { withTransaction, type Db, type Queryable } from '../storage/db.ts';
import {
  createClusterer,
  restoreClusterer,
  type Clusterer,
  type ClustererOptions,
  type ClustererState,
} from '../analysis/cluster/index.ts';
import { moveMentions, tryLockClusters, refreshCluster, resolveCluster } from './store.ts';
import { afterGrowth, type GrowthOptions } from './upkeep.ts';

export interface StageOptions {
  /** Mentions placed per transaction. */
  batch: number;
  clusterer: Partial<ClustererOptions>;
  growth: GrowthOptions;
  /** A checkpoint is written once this many mentions were placed since the last one… */
  checkpointMin: number;
  /** …and at least this share of all placed mentions (geometric spacing). */
  checkpointRatio: number;
}

export interface StageOutcome {
  placed: number;
  touched: number[];
  alerts: number;
  version: number;
  /** Another run held the lock, so this one placed nothing: queue another run for after it. */
  busy: boolean;
}

const DEFAULTS: StageOptions = {
  batch: 500,
  // A service sees mentions one batch at a time: merge passes run more often than in the batch CLI.
  clusterer: { mergeEvery: 200 },
  growth: { minSize: 10, windowHours: 24, cooldownHours: 24 },
  checkpointMin: 5_000,
  checkpointRatio: 0.25,
};

export interface ClusterStage {
  /** Places every pending mention (in batches); returns what the last batches did. */
  run(db: Db): Promise<StageOutcome>;
  /** The in-memory version (for tests and logs). */
  readonly version: number;
  /** The in-memory engine, if loaded (for tests). */
  readonly engine: Clusterer | null;
}

/** The stored counters of the engine log. */
export interface EngineHead {
  version: number;
  /** Last placement sequence number written. */
  seq: number;
  /** The checkpoint's state is the engine after the mentions up to this seq. */
  checkpointSeq: number;
  /** The version at which the checkpoint was written. */
  checkpointVersion: number;
}

export async function readEngineHead(q: Queryable): Promise<EngineHead> {
  const { rows } = await q.query<{ version: number; seq: number; checkpoint_seq: number; checkpoint_version: number }>(
    'SELECT version, seq, checkpoint_seq, checkpoint_version FROM cluster_engine WHERE id = 1',
  );
  const r = rows[0];
  return r
    ? {
        version: r.version,
        seq: r.seq,
        checkpointSeq: r.checkpoint_seq,
        checkpointVersion: r.checkpoint_version,
      }
    : { version: 0, seq: 0, checkpointSeq: 0, checkpointVersion: 0 };
}

interface Pending {
  id: number;
  text: string;
  created_at: Date;
}

/** The engine keys its items by text (its checkpoints store them so): a mention id becomes a string here. */
const engineItem = (m: Pending) => ({ id: String(m.id), text: m.text, createdAt: m.created_at.toISOString() });

const REPLAY_CHUNK = 5_000;

/** Feeds the logged mentions with after < seq ≤ to, in seq order; returns the last id fed. */
async function replay(q: Queryable, e: Clusterer, after: number, to: number): Promise<string | null> {
  let last: string | null = null;
  for (let from = after; from < to;) {
    const { rows } = await q.query<Pending & { cluster_seq: number }>(
      `SELECT id, text, created_at, cluster_seq FROM mentions WHERE cluster_seq > $1 AND cluster_seq <= $2 ORDER BY cluster_seq LIMIT $3`,
      [from, to, REPLAY_CHUNK],
    );
    if (rows.length === 0) break;
    for (const m of rows) e.add(engineItem(m));
    from = rows[rows.length - 1]!.cluster_seq;
    last = String(rows[rows.length - 1]!.id);
  }
  return last;
}

/**
 * The engine as the last writer left it: the checkpoint, then every mention logged after it. Without a
 * checkpoint, an empty engine with `clusterer` options (the stage writes one on its first run).
 */
export async function loadEngine(
  q: Queryable,
  clusterer: Partial<ClustererOptions> = DEFAULTS.clusterer,
): Promise<{ engine: Clusterer; head: EngineHead; lastId: string | null }> {
  const head = await readEngineHead(q);
  const { rows } = await q.query<{ state: ClustererState | null }>('SELECT state FROM cluster_engine WHERE id = 1');
  const state = rows[0]?.state ?? null;
  const engine = state ? restoreClusterer(state) : createClusterer({ ...clusterer });
  const lastId = await replay(q, engine, head.checkpointSeq, head.seq);
  return { engine, head, lastId: lastId ?? (await idAtSeq(q, head.seq)) };
}

async function idAtSeq(q: Queryable, seq: number): Promise<string | null> {
  if (seq === 0) return null;
  const { rows } = await q.query<{ id: number }>('SELECT id FROM mentions WHERE cluster_seq = $1', [seq]);
  return rows[0] ? String(rows[0].id) : null;
}

export function createClusterStage(options: Partial<StageOptions> = {}): ClusterStage {
  const o: StageOptions = { ...DEFAULTS, ...options, growth: { ...DEFAULTS.growth, ...options.growth } };
  let engine: Clusterer | null = null;
  let version = 0;
  let seq = 0;
  /** The mention at `seq`: proves the stored log still extends this copy's history. */
  let lastId: string | null = null;
  /** Engine merges during the current run: from, and from's members at the time. */
  let merges: Array<{ from: string; members: readonly string[] }> = [];

  async function load(tx: pg.PoolClient): Promise<{ e: Clusterer; head: EngineHead }> {
    const head = await readEngineHead(tx);
    if (engine && head.version === version && head.seq === seq) return { e: engine, head };
    if (engine && head.version > version && head.seq >= seq && (await idAtSeq(tx, seq)) === lastId) {
      // Another process placed more on top of what this copy has: replay only those.
      lastId = (await replay(tx, engine, seq, head.seq)) ?? lastId;
    } else {
      const loaded = await loadEngine(tx, o.clusterer);
      engine = loaded.engine;
      lastId = loaded.lastId;
      engine.onMerge((from, _into, members) => merges.push({ from, members }));
    }
    version = head.version;
    seq = head.seq;
    return { e: engine, head };
  }

  async function once(db: Db, total: StageOutcome): Promise<boolean> {
    return withTransaction(db, async (tx) => {
      if (!(await tryLockClusters(tx))) {
        total.busy = true;
        return false;
      }
      const { e, head } = await load(tx);
      const pending = await tx.query<Pending>(
        `SELECT id, text, created_at FROM mentions
          WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL
          ORDER BY id LIMIT $1`,
        [o.batch],
      );
      if (pending.rows.length === 0) return false;
      merges = [];
      const items = pending.rows.map(engineItem);
      for (const item of items) e.add(item);
      const ids = items.map((item) => item.id);
      const nextSeq = seq + ids.length;
      await tx.query(
        `UPDATE mentions m SET clustered_at = now(), cluster_seq = $2::bigint + v.n
           FROM unnest($1::bigint[]) WITH ORDINALITY AS v(id, n) WHERE m.id = v.id`,
        [ids, seq],
      );
      const touched = await writeRun(tx, e, ids, merges);
      const alerts = await afterGrowth(tx, touched, o.growth);
      const nextVersion = version + 1;
      const since = nextSeq - head.checkpointSeq;
      // The first run also checkpoints, so the engine's options are stored with its state.
      if (head.checkpointVersion === 0 || since >= Math.max(o.checkpointMin, o.checkpointRatio * nextSeq)) {
        await tx.query(
          `INSERT INTO cluster_engine (id, version, seq, checkpoint_seq, checkpoint_version, state) VALUES (1, $1, $2, $2, $1, $3)
           ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, seq = EXCLUDED.seq, checkpoint_seq = EXCLUDED.checkpoint_seq,
             checkpoint_version = EXCLUDED.checkpoint_version, state = EXCLUDED.state, updated_at = now()`,
          [nextVersion, nextSeq, JSON.stringify(e.toJSON())],
        );
      } else {
        await tx.query('UPDATE cluster_engine SET version = $1, seq = $2, updated_at = now() WHERE id = 1', [
          nextVersion,
          nextSeq,
        ]);
      }
      version = nextVersion;
      seq = nextSeq;
      lastId = ids[ids.length - 1]!;
      total.placed += ids.length;
      total.touched.push(...touched);
      total.alerts += alerts;
      total.version = nextVersion;
      return ids.length === o.batch;
    });
  }

  return {
    get version() {
      return version;
    },
    get engine() {
      return engine;
    },
    async run(db) {
      const total: StageOutcome = { placed: 0, touched: [], alerts: 0, version, busy: false };
      try {
        while (await once(db, total));
      } catch (err) {
        // The transaction rolled back but the in-memory engine already took the adds: reload next time.
        engine?.onMerge(null);
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
 * Writes what this run changed: rows of the engine clusters it touched (label, size, representatives),
 * `cluster_id` of its own mentions (following manual merges, leaving pinned mentions), the earlier
 * members of clusters that only now became reported, and the members of clusters the engine merged
 * away. Returns the cluster rows touched (their sizes and days are then recomputed).
 */
async function writeRun(
  tx: pg.PoolClient,
  e: Clusterer,
  added: readonly string[],
  merged: ReadonlyArray<{ from: string; members: readonly string[] }>,
): Promise<number[]> {
  const keys = new Set<string>();
  for (const id of added) {
    const k = e.clusterOf(id);
    if (k) keys.add(k);
  }
  // Any member of a merged-away cluster now resolves to the survivor (null while it is a seed).
  const gone = new Map<string, { members: readonly string[]; into: string | null }>();
  for (const m of merged) {
    const into = m.members.length > 0 ? e.clusterOf(m.members[0]!) : null;
    gone.set(m.from, { members: m.members, into });
    if (into) keys.add(into);
  }
  for (const k of gone.keys()) keys.delete(k);

  const touched = new Set<number>();
  /** Rows whose members changed other than by this run's own mentions: recomputed from their mentions. */
  const full = new Set<number>();
  const target = new Map<string, number>();
  const fresh: string[] = [];
  if (keys.size > 0) {
    const summaries = [...keys].flatMap((k) => e.cluster(k) ?? []);
    const rows = summaries.map((c) => ({
      key: c.id,
      label: c.label,
      size: c.size,
      reps: c.representativeIds.map(Number),
    }));
    const up = await tx.query<{ id: number; engine_key: string; merged_into: number | null; inserted: boolean }>(
      `INSERT INTO clusters (engine_key, label, engine_size, representatives)
       SELECT key, label, size, reps FROM jsonb_to_recordset($1::jsonb) AS x(key text, label jsonb, size integer, reps jsonb)
       ON CONFLICT (engine_key) DO UPDATE SET label = EXCLUDED.label, engine_size = EXCLUDED.engine_size,
         representatives = EXCLUDED.representatives, updated_at = now()
       RETURNING id, engine_key, merged_into, (xmax = 0) AS inserted`,
      [JSON.stringify(rows)],
    );
    for (const r of up.rows) {
      const to = r.merged_into ? await resolveCluster(tx, r.id) : r.id;
      target.set(r.engine_key, to);
      touched.add(to);
      if (r.inserted) fresh.push(r.engine_key);
    }
    // Reported only now: its earlier members (fewer than minSize, or a few seeds' worth) were unplaced.
    const membersOf = new Map(summaries.map((c) => [c.id, c.memberIds]));
    for (const k of fresh) {
      full.add(target.get(k)!);
      for (const l of await moveMentions(tx, (membersOf.get(k) ?? []).map(Number), target.get(k)!)) full.add(l);
    }
  }

  if (gone.size > 0) {
    const had = await tx.query<{ id: number; engine_key: string }>(
      'SELECT id, engine_key FROM clusters WHERE engine_key = ANY($1::text[])',
      [[...gone.keys()]],
    );
    const rowOf = new Map(had.rows.map((r) => [r.engine_key, r.id]));
    for (const [k, g] of gone) {
      const to = g.into ? target.get(g.into) : undefined;
      if (to === undefined) continue;
      const row = rowOf.get(k);
      if (row === undefined) {
        // A seed without a row: its few members had no cluster yet.
        full.add(to);
        for (const l of await moveMentions(tx, g.members.map(Number), to)) full.add(l);
        continue;
      }
      // Set-based: whatever the engine's cluster held (pinned mentions stay where product put them).
      await tx.query('UPDATE mentions SET cluster_id = $2 WHERE cluster_id = $1 AND NOT cluster_pinned', [row, to]);
      await tx.query('UPDATE cases SET cluster_id = $2, updated_at = now() WHERE cluster_id = $1', [row, to]);
      full.add(row).add(to);
    }
  }

  // This run's own mentions, in one statement (with their cases), skipping clusters written whole above.
  const skip = new Set(fresh);
  const mine: string[] = [];
  const to: number[] = [];
  for (const id of added) {
    const k = e.clusterOf(id);
    const t = k && !skip.has(k) ? target.get(k) : undefined;
    if (t === undefined) continue;
    mine.push(id);
    to.push(t);
  }
  if (mine.length > 0) {
    // The clusters' counts grow by what joined them, rather than a recount of all their mentions.
    const left = await tx.query<{ was: number }>(
      `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS v(id, cluster)),
            m AS (UPDATE mentions m SET cluster_id = v.cluster FROM v, mentions old
                   WHERE m.id = v.id AND old.id = v.id AND m.cluster_id IS DISTINCT FROM v.cluster AND NOT m.cluster_pinned
                   RETURNING m.case_id, m.created_at, m.source, v.cluster, old.cluster_id AS was),
            c AS (UPDATE cases c SET cluster_id = m.cluster, updated_at = now() FROM m WHERE c.id = m.case_id AND c.cluster_id IS DISTINCT FROM m.cluster),
            days AS (SELECT cluster, jsonb_object_agg(day, n) AS d
                       FROM (SELECT cluster, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n FROM m GROUP BY 1, 2) x GROUP BY 1),
            srcs AS (SELECT cluster, jsonb_object_agg(source, n) AS s FROM (SELECT cluster, source, count(*) AS n FROM m GROUP BY 1, 2) x GROUP BY 1),
            agg AS (SELECT cluster, count(*) AS n, min(created_at) AS lo, max(created_at) AS hi FROM m GROUP BY 1),
            k AS (UPDATE clusters k SET size = k.size + agg.n, first_seen = LEAST(k.first_seen, agg.lo), last_seen = GREATEST(k.last_seen, agg.hi),
                    daily = k.daily || (SELECT jsonb_object_agg(key, value::bigint + COALESCE((k.daily ->> key)::bigint, 0))
                                          FROM jsonb_each_text(days.d)),
                    channels = k.channels || (SELECT jsonb_object_agg(key, value::bigint + COALESCE((k.channels ->> key)::bigint, 0))
                                                FROM jsonb_each_text(srcs.s)),
                    updated_at = now()
                  FROM agg JOIN days USING (cluster) JOIN srcs USING (cluster) WHERE k.id = agg.cluster)
       SELECT DISTINCT was FROM m WHERE was IS NOT NULL`,
      [mine, to],
    );
    // A mention that already sat in another cluster (not expected for new ones): recount that one.
    for (const r of left.rows) full.add(r.was);
    for (const t of to) touched.add(t);
  }
  for (const id of full) {
    await refreshCluster(tx, id);
    touched.add(id);
  }
  return [...touched];
}
