/**
 * One writer for the clustering engine, with two worker processes' worth of runtimes on the same
 * database and queue (each with concurrency 4), and after a restart: no placement is lost to a race
 * (a lost update would drop mentions from the snapshot), none is made twice, and a restarted process
 * continues from the snapshot instead of starting over.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { testRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { openRuntime, startService, type Service } from '../../src/runtime.ts';
import { createLogger } from '../../src/log.ts';
import { generateWorld } from '../../src/demo/world.ts';
import { importWorldCustomers, ingestWorld, toMentionInput, waitUntilDrained } from '../../src/demo/load.ts';
import { createClusterStage, loadEngine } from '../../src/clusters/stage.ts';
import { createModels } from '../../src/pipeline/models.ts';
import { processInbox } from '../../src/pipeline/process.ts';
import { insertDeliveries } from '../../src/storage/inbox.ts';

let rt: TestRuntime;
const world = generateWorld({
  seed: 11,
  customers: 6000,
  complaintRate: 0.15,
  noiseComplaints: 100,
  chatter: 150,
  days: 8,
});
const half = Math.floor(world.mentions.length / 2);

beforeAll(async () => {
  rt = await testRuntime();
  await importWorldCustomers(rt.db, world);
}, 30_000);
afterAll(async () => {
  await rt?.close();
});

/** A worker process of its own: same database schema, same queue, its own pool and engine copy. */
async function workerProcess(): Promise<Service> {
  const other = await openRuntime(rt.config, createLogger({ level: 'silent' }));
  return startService(other, { api: false, worker: true });
}

/** The stored engine: its checkpoint plus the placement log after it. */
async function snapshot(): Promise<{ version: number; mentions: number; ids: Set<string> }> {
  const { engine, head } = await loadEngine(rt.db);
  return {
    version: head.version,
    mentions: engine.stats().mentions,
    ids: new Set(engine.assignments().map((a) => a.id)),
  };
}

const candidates = async (): Promise<string[]> =>
  (
    await rt.db.query<{ id: string }>(
      // As text: the engine keys mentions by text.
      `SELECT id::text AS id FROM mentions WHERE sentiment = 'negative' AND actionable AND duplicate_of IS NULL ORDER BY id`,
    )
  ).rows.map((r) => r.id);

describe('the cluster stage with several workers', () => {
  let sizeBefore = 0;
  let versionBefore = 0;

  it('places every mention exactly once with two workers racing', async () => {
    const [a, b] = await Promise.all([workerProcess(), workerProcess()]);
    await ingestWorld(rt, world.mentions.slice(0, half));
    await waitUntilDrained(rt.db, { timeoutMs: 40_000 });
    const ids = await candidates();
    const snap = await snapshot();
    expect(ids.length).toBeGreaterThan(40);
    expect(snap.mentions).toBe(ids.length);
    expect(ids.every((id) => snap.ids.has(id))).toBe(true);
    // Every clustered mention sits in a live cluster row, and sizes add up.
    const rows = await rt.db.query<{ size: number; n: string }>(
      `SELECT c.size, (SELECT count(*) FROM mentions m WHERE m.cluster_id = c.id) AS n FROM clusters c WHERE c.merged_into IS NULL`,
    );
    expect(rows.rows.every((r) => r.size === Number(r.n))).toBe(true);
    sizeBefore = Math.max(...rows.rows.map((r) => r.size));
    versionBefore = snap.version;
    await Promise.all([a.stop(), b.stop()]);
  });

  it('continues from the snapshot after a restart', async () => {
    const c = await workerProcess();
    await ingestWorld(rt, world.mentions.slice(half));
    await waitUntilDrained(rt.db, { timeoutMs: 40_000 });
    const ids = await candidates();
    const snap = await snapshot();
    expect(snap.version).toBeGreaterThan(versionBefore);
    expect(snap.mentions).toBe(ids.length);
    const biggest = await rt.db.query<{ size: number }>(
      'SELECT max(size) AS size FROM clusters WHERE merged_into IS NULL',
    );
    expect(biggest.rows[0]!.size).toBeGreaterThan(sizeBefore);
    // The planted causes are still one cluster each, not a before-restart and an after-restart copy.
    const keys = await rt.db.query<{ profile_key: string; n: string }>(
      'SELECT profile_key, count(*) AS n FROM clusters WHERE merged_into IS NULL AND size > 0 AND profile_key IS NOT NULL GROUP BY 1',
    );
    expect(keys.rows.filter((k) => Number(k.n) > 1)).toEqual([]);
    await c.stop();
  });

  it('keeps two engine copies in step when their runs overlap round after round', async () => {
    // Two processes' stages, each with its own in-memory engine, started together after every batch:
    // without the lock both would write version n+1 from different pasts and placements would be lost.
    const models = await createModels(rt.config, createLogger({ level: 'silent' }));
    const [a, b] = [createClusterStage({ batch: 7 }), createClusterStage({ batch: 7 })];
    const more = world.mentions.map((m) => ({
      ...toMentionInput(m),
      external_id: `${m.id}-race`,
      text: `${m.text} again`,
    }));
    for (let i = 0; i < more.length; i += 60) {
      const { accepted } = await insertDeliveries(rt.db, more.slice(i, i + 60));
      await processInbox(
        rt.db,
        models,
        accepted.map((d) => d.id),
      );
      await Promise.all([a.run(rt.db), b.run(rt.db), a.run(rt.db)]);
    }
    models.close();
    const ids = await candidates();
    const snap = await snapshot();
    expect(snap.mentions).toBe(ids.length);
    expect(Math.max(a.version, b.version)).toBe(snap.version);
  }, 40_000);
});
