/**
 * The crisis watch in a running worker (real PostgreSQL, Redis, BullMQ job scheduler): a fire drill
 * flows through the pipeline, is alerted and marked as a drill, and is removed in one step; a real
 * spike of negative mentions is alerted with its evidence, then resolved by a person.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, type TestRuntime } from '../helpers/runtime.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { runDrill } from '../../src/crisis/drill.ts';
import type { AlertView } from '../../src/crisis/alerts.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
const admin = { authorization: 'Bearer test-admin-token-0123456789abcdefghij' };

beforeAll(async () => {
  rt = await testRuntime({ env: { EARSHOT_CRISIS_INTERVAL_MS: '1000' } });
  // Three quiet days of history (one mention a minute, a fifth of them negative), so the baseline is warm.
  await rt.db.query(
    `INSERT INTO mention_series (minute, brand, channel, sentiment, mentions)
     SELECT date_trunc('minute', now()) - make_interval(mins => g), '*', 'api', CASE WHEN g % 5 = 0 THEN 'negative' ELSE 'neutral' END, 1
       FROM generate_series(240, 72 * 60) AS g`,
  );
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
});

const alerts = async (): Promise<AlertView[]> =>
  (await app.inject({ url: '/api/alerts', headers: admin })).json<{ items: AlertView[] }>().items;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('fire drill', () => {
  it('is alerted through the real pipeline, marked as a drill, and removed with everything it made', async () => {
    const r = await runDrill(rt, 'outage');
    expect(r.accepted).toBe(40);
    await drained(rt, 90_000);
    const alert = await waitFor('a drill alert', async () =>
      (await alerts()).find((a) => a.drill && a.kind !== 'cluster_growth'),
    );
    expect(alert.kind).toMatch(/volume_spike|sentiment_shift/);
    expect(alert.message).toMatch(/^\[DRILL\]/);
    expect((alert.data.representatives as unknown[]).length).toBeGreaterThan(0);
    expect((await rt.db.query('SELECT 1 FROM mentions WHERE drill')).rowCount).toBe(40);
    // The cluster stage has seen the drill too (its clusters raise drill alerts).
    await waitFor('the cluster stage', async () =>
      (
        await rt.db.query(
          `SELECT 1 FROM mentions WHERE clustered_at IS NULL AND sentiment = 'negative' AND actionable AND duplicate_of IS NULL`,
        )
      ).rowCount === 0
        ? true
        : undefined,
    );
    expect((await alerts()).filter((a) => a.kind === 'cluster_growth' && !a.drill)).toEqual([]);

    const removed = await app.inject({ method: 'DELETE', url: '/api/drills', headers: admin });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ mentions: 40 });
    expect(removed.json<{ alerts: number }>().alerts).toBeGreaterThanOrEqual(1);
    expect((await rt.db.query('SELECT 1 FROM mentions WHERE drill')).rowCount).toBe(0);
    expect((await rt.db.query(`SELECT 1 FROM inbox WHERE external_id LIKE 'earshot-drill:%'`)).rowCount).toBe(0);
    expect((await rt.db.query('SELECT 1 FROM mention_series WHERE drill')).rowCount).toBe(0);
    expect((await alerts()).filter((a) => a.drill)).toEqual([]);
    // Clusters grown from the drill's mentions alone raised drill alerts, so none is left behind.
    expect((await alerts()).filter((a) => a.kind === 'cluster_growth')).toEqual([]);
  }, 180_000);
});

describe('a real crisis', () => {
  it('opens one alert with its evidence, which a person resolves', async () => {
    const now = Date.now();
    await ingest(
      rt,
      Array.from({ length: 30 }, (_, i) => ({
        source: 'api',
        external_id: `real-${i}`,
        text: `Lumio is down again, the app will not load and support ignores us, terrible ${i}`,
        author: { handle: `angry${i}`, followers: i === 0 ? 1_500_000 : 300 },
        created_at: new Date(now - 8 * 60_000 + i * 15_000).toISOString(),
      })),
    );
    await drained(rt, 90_000);
    const alert = await waitFor('a crisis alert', async () =>
      (await alerts()).find((a) => !a.drill && ['volume_spike', 'sentiment_shift'].includes(a.kind)),
    );
    expect(alert.drill).toBe(false);
    const one = (await app.inject({ url: `/api/alerts/${alert.id}`, headers: admin })).json<AlertView>();
    expect((one.data.top_reach as Array<{ author: string }>)[0]!.author).toBe('angry0');
    expect((one.data.top_terms as Array<{ term: string }>).map((t) => t.term)).toContain('lumio');

    const series = (await app.inject({ url: '/api/series?step=5', headers: admin })).json<{
      points: Array<{ negative: number }>;
    }>();
    expect(Math.max(...series.points.map((p) => p.negative))).toBeGreaterThanOrEqual(10);

    expect(
      (await app.inject({ method: 'POST', url: `/api/alerts/${alert.id}/resolve`, headers: admin })).statusCode,
    ).toBe(200);
    const resolved = (await app.inject({ url: `/api/alerts/${alert.id}`, headers: admin })).json<AlertView>();
    expect(resolved.resolved_by).toBe('EARSHOT_ADMIN_TOKEN');
    expect(resolved.acknowledged_at).not.toBeNull();
    const pr = (await app.inject({ url: '/api/metrics/pr', headers: admin })).json<{
      crises: number;
      resolved: number;
    }>();
    expect(pr).toMatchObject({ crises: 1, resolved: 1 });
    // One crisis, one alert: later runs update it rather than open another.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await alerts()).filter((a) => ['volume_spike', 'sentiment_shift'].includes(a.kind))).toHaveLength(1);
  }, 180_000);
});
