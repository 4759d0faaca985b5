/**
 * The cluster stage's placement log: stages that alternate on one schema place everything once and
 * agree; a process rebuilds the writer's engine from checkpoint + replay; checkpoints are written at
 * geometrically growing intervals, not every run; and what the stage wrote (run by run, without
 * rewriting whole clusters) is what the engine says.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { testDatabase, type TestDatabase } from '../helpers/db.ts';
import { createClusterStage, loadEngine, readEngineHead, type ClusterStage } from '../../src/clusters/stage.ts';
import { createClusterer, type Clusterer } from '../../src/analysis/cluster/index.ts';
import { mentionStream, type WorldMention } from '../../src/demo/world.ts';
import type { Db } from '../../src/storage/db.ts';
import { lockClusters } from '../../src/clusters/store.ts';

let t: TestDatabase;
let stream: Generator<WorldMention>;

beforeEach(async () => {
  t = await testDatabase();
  stream = mentionStream(5);
});
afterEach(async () => {
  await t?.drop();
});

/** Stores n complaint-like mentions as the pipeline would leave them for the stage. */
async function feed(db: Db, n: number): Promise<void> {
  const author = await db.query<{ id: string }>(
    `INSERT INTO authors (source, handle) VALUES ('x', 'someone') ON CONFLICT (source, handle) DO UPDATE SET handle = EXCLUDED.handle RETURNING id`,
  );
  const ms = Array.from({ length: n }, () => stream.next().value as WorldMention);
  await db.query(
    `INSERT INTO mentions (source, external_id, author_id, text, created_at, sentiment, actionable)
     SELECT 'x', e, $1, tx, c, 'negative', true FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS v(e, tx, c)`,
    [author.rows[0]!.id, ms.map((m) => m.id), ms.map((m) => m.text), ms.map((m) => m.created_at)],
  );
}

/** Every stored mention's cluster row is the one the engine gives it (through merge pointers). */
async function expectStoreMatches(db: Db, e: Clusterer): Promise<void> {
  // The engine keys mentions by text: ids are compared as text here.
  const clusters = await db.query<{ id: string; engine_key: string | null; merged_into: string | null }>(
    'SELECT id::text AS id, engine_key, merged_into::text AS merged_into FROM clusters',
  );
  const byKey = new Map(clusters.rows.flatMap((c) => (c.engine_key ? [[c.engine_key, c.id] as const] : [])));
  const next = new Map(clusters.rows.map((c) => [c.id, c.merged_into]));
  const resolve = (id: string): string => {
    let at = id;
    for (let n = next.get(at); n; n = next.get(at)) at = n;
    return at;
  };
  const { rows } = await db.query<{ id: string; cluster_id: string | null }>(
    'SELECT id::text AS id, cluster_id::text AS cluster_id FROM mentions WHERE clustered_at IS NOT NULL ORDER BY id',
  );
  const wrong = rows.filter((m) => {
    const k = e.clusterOf(m.id);
    return (k ? resolve(byKey.get(k) ?? 'missing') : null) !== m.cluster_id;
  });
  expect(wrong).toEqual([]);
  // Counts kept up run by run (size, days, channels, first/last seen) equal a recount of the members.
  const drift = await db.query<{ id: string }>(
    `SELECT c.id FROM clusters c
       LEFT JOIN LATERAL (SELECT count(*)::int AS n, min(created_at) AS lo, max(created_at) AS hi FROM mentions m WHERE m.cluster_id = c.id) a ON true
       LEFT JOIN LATERAL (SELECT COALESCE(jsonb_object_agg(day, n), '{}') AS d
                            FROM (SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n
                                    FROM mentions m WHERE m.cluster_id = c.id GROUP BY 1) x) d ON true
       LEFT JOIN LATERAL (SELECT COALESCE(jsonb_object_agg(source, n), '{}') AS s
                            FROM (SELECT source, count(*) AS n FROM mentions m WHERE m.cluster_id = c.id GROUP BY 1) x) s ON true
      WHERE c.size <> a.n OR c.daily <> d.d OR c.channels <> s.s OR c.first_seen IS DISTINCT FROM a.lo OR c.last_seen IS DISTINCT FROM a.hi`,
  );
  expect(drift.rows).toEqual([]);
}

async function expectPlacedOnce(db: Db, n: number): Promise<void> {
  const { rows } = await db.query<{ placed: number; seqs: number; top: number }>(
    'SELECT count(*) AS placed, count(DISTINCT cluster_seq) AS seqs, max(cluster_seq) AS top FROM mentions WHERE clustered_at IS NOT NULL',
  );
  expect(rows[0]).toEqual({ placed: n, seqs: n, top: n });
  expect((await readEngineHead(db)).seq).toBe(n);
}

const assignments = (s: ClusterStage): unknown => s.engine?.assignments();

describe('the cluster stage placement log', () => {
  it('two stages alternating runs place everything once and agree; a third rebuilds by checkpoint + replay', async () => {
    const opts = { batch: 40, checkpointMin: 150 };
    const [a, b] = [createClusterStage(opts), createClusterStage(opts)];
    for (let round = 0; round < 12; round++) {
      await feed(t.db, 70);
      await (round % 2 === 0 ? a : b).run(t.db);
    }
    await a.run(t.db); // nothing pending: only catches up with b's last runs
    await expectPlacedOnce(t.db, 12 * 70);
    expect(a.version).toBe(b.version);
    expect(assignments(a)).toEqual(assignments(b));

    const head = await readEngineHead(t.db);
    expect(head.checkpointSeq).toBeLessThan(head.seq); // so the third copy has to replay
    const c = createClusterStage(opts);
    await feed(t.db, 70);
    await c.run(t.db);
    await a.run(t.db);
    await expectPlacedOnce(t.db, 13 * 70);
    expect(assignments(c)).toEqual(assignments(a));
    await expectStoreMatches(t.db, c.engine!);
  }, 60_000);

  it("a fresh process's engine (checkpoint + replay) assigns what the writer stored, as an engine that saw every add", async () => {
    const writer = createClusterStage({ batch: 100, checkpointMin: 300 });
    for (let i = 0; i < 9; i++) {
      await feed(t.db, 100);
      await writer.run(t.db);
    }
    const head = await readEngineHead(t.db);
    expect(head.checkpointSeq).toBeGreaterThan(100);
    expect(head.seq - head.checkpointSeq).toBeGreaterThan(0);

    const { engine, lastId } = await loadEngine(t.db);
    expect(engine.assignments()).toEqual(writer.engine!.assignments());
    expect(engine.clusters().map((c) => [c.id, c.size, c.label])).toEqual(
      writer.engine!.clusters().map((c) => [c.id, c.size, c.label]),
    );
    await expectStoreMatches(t.db, engine);

    // Determinism: one engine fed every mention in placement order, never restored, agrees too.
    const all = await t.db.query<{ id: string; text: string; created_at: Date }>(
      'SELECT id::text AS id, text, created_at FROM mentions ORDER BY cluster_seq',
    );
    const straight = createClusterer({ mergeEvery: 200 });
    for (const m of all.rows) straight.add({ id: m.id, text: m.text, createdAt: m.created_at.toISOString() });
    expect(engine.assignments()).toEqual(straight.assignments());
    expect(lastId).toBe(all.rows.at(-1)!.id);
    expect(engine.clusters().length).toBeGreaterThan(3);
  }, 60_000);

  it('a run that finds another holding the lock places nothing and says busy; the next run places all', async () => {
    await feed(t.db, 30);
    const holder = await t.db.connect();
    try {
      await holder.query('BEGIN');
      await lockClusters(holder);
      const blocked = await createClusterStage().run(t.db);
      expect(blocked).toMatchObject({ placed: 0, busy: true });
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const after = await createClusterStage().run(t.db);
    expect(after).toMatchObject({ placed: 30, busy: false });
    await expectPlacedOnce(t.db, 30);
  });

  it('writes checkpoints geometrically, not every run', async () => {
    const stage = createClusterStage({ batch: 100, checkpointMin: 100, checkpointRatio: 0.25 });
    const seen: Array<{ version: number; checkpointVersion: number; checkpointSeq: number }> = [];
    for (let run = 0; run < 20; run++) {
      await feed(t.db, 100);
      await stage.run(t.db);
      seen.push(await readEngineHead(t.db));
    }
    expect(seen.map((h) => h.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const at = [...new Set(seen.map((h) => h.checkpointSeq))];
    // First run, then whenever placements since reach max(100, 25 % of all placed).
    expect(at).toEqual([100, 200, 300, 400, 600, 800, 1100, 1500, 2000]);
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(at[i - 1]! - at[i - 2]!);
    await expectStoreMatches(t.db, stage.engine!);
  }, 60_000);
});
