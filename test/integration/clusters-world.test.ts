/**
 * Clusters in the running service, from a generated world that goes in through ingest: the real
 * pipeline, the real queue, the cluster stage; then the API over what it found, product's actions on
 * clusters, and an outreach campaign through its closed loop.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { generateWorld, type World } from '../../src/demo/world.ts';
import { importWorldCustomers, ingestWorld, waitUntilDrained } from '../../src/demo/load.ts';
import type { OutreachReport, ReportCluster } from '../../src/analysis/profile/index.ts';
import { scoreWorld } from '../../src/demo/evaluate.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let world: World;
const auth: Record<string, { authorization: string }> = {};

beforeAll(async () => {
  rt = await testRuntime({ queue: 'postgres', env: { EARSHOT_DRY_RUN: 'true' } });
  world = generateWorld({
    seed: 7,
    customers: 6000,
    complaintRate: 0.15,
    noiseComplaints: 120,
    chatter: 200,
    days: 10,
  });
  await importWorldCustomers(rt.db, world);
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  for (const role of ['product', 'agent', 'pr'] as const)
    auth[role] = { authorization: `Bearer ${await createToken(rt.db, role, role)}` };
  await ingestWorld(rt, world.mentions);
  await waitUntilDrained(rt.db, { timeoutMs: 50_000 });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
});

interface Summary {
  id: number;
  size: number;
  growth: number;
  label: string[];
  name: string | null;
  status: string;
}
interface Detail extends Summary {
  profile: ReportCluster['profile'];
  at_risk: ReportCluster['at_risk'];
  at_risk_total: number;
  trend: Array<{ day: string; count: number }>;
  representatives: Array<{ id: number }>;
  cases: Array<{ id: number }>;
  channels: Record<string, number>;
}

const list = async (query = ''): Promise<Summary[]> =>
  (await app.inject({ url: `/api/clusters${query}`, headers: auth.agent })).json<{ items: Summary[] }>().items;
const detail = async (id: number): Promise<Detail> =>
  (await app.inject({ url: `/api/clusters/${id}?at_risk_limit=10000`, headers: auth.pr })).json<Detail>();
const complainantsOf = async (id: number): Promise<string[]> =>
  (
    await rt.db.query<{ customer_id: string }>(
      'SELECT DISTINCT c.customer_id FROM mentions m JOIN authors a ON a.id = m.author_id JOIN customers c ON c.id = a.customer_ref WHERE m.cluster_id = $1',
      [id],
    )
  ).rows.map((r) => r.customer_id);
const post = (url: string, payload: object, role = 'product') =>
  app.inject({ method: 'POST', url, payload, headers: auth[role] });

/** The API's clusters as an `earshot outreach` report, to score against the world's truth. */
async function report(): Promise<OutreachReport> {
  const clusters: ReportCluster[] = [];
  for (const s of await list()) {
    const d = await detail(s.id);
    clusters.push({
      cluster: String(s.id),
      label: d.label,
      size: d.size,
      mentions: [],
      complainants: await complainantsOf(s.id),
      shared_profile: d.profile.length > 0,
      profile: d.profile,
      at_risk: d.at_risk,
    });
  }
  return { clusters, stats: { mentions: 0, actionable: 0, clustered: 0, linked_authors: 0 } };
}

describe('clusters from ingest', () => {
  it('finds the planted causes: their pair on top of the profile, at-risk lists with precision ≥ 0.9', async () => {
    const scores = scoreWorld(world, await report());
    expect(scores).toHaveLength(3);
    for (const s of scores) {
      expect([s.cause, s.pairRank]).toEqual([s.cause, 1]);
      expect(s.precisionAtK, `${s.cause} ${s.conjunction}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('shows a cluster with its trend, channels, representatives, cases, and readable profile', async () => {
    const [top] = await list();
    const d = await detail(top!.id);
    expect(d.size).toBeGreaterThan(10);
    expect(d.trend.reduce((s, t) => s + t.count, 0)).toBe(d.size);
    expect(Object.values(d.channels).reduce((s, n) => s + n, 0)).toBe(d.size);
    expect(d.representatives.length).toBeGreaterThan(0);
    expect(d.cases.length).toBeGreaterThan(0);
    expect(d.profile[0]?.text).toMatch(/of \d+ complainants/);
    expect(d.at_risk[0]?.reason).toMatch(/^has /);
    const linked = new Set(await complainantsOf(top!.id));
    expect(d.at_risk.filter((a) => linked.has(a.customer_id))).toEqual([]);
    const cases = await rt.db.query<{ n: string }>('SELECT count(*) AS n FROM cases WHERE cluster_id = $1', [top!.id]);
    expect(Number(cases.rows[0]?.n)).toBe(d.cases.length);
  });

  it('sorts by size and growth, filters by status', async () => {
    const bySize = await list('?sort=size');
    const byGrowth = await list('?sort=growth');
    const sizes = bySize.map((c) => c.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // In size order the growth figures are not already sorted, so this checks that the growth sort reorders.
    const growthInSizeOrder = bySize.map((c) => c.growth);
    expect(growthInSizeOrder).not.toEqual([...growthInSizeOrder].sort((a, b) => b - a));
    // Fastest-growing first; among equal growth, the bigger cluster first.
    for (const [prev, next] of byGrowth.slice(1).map((c, i) => [byGrowth[i]!, c] as const))
      expect(
        prev.growth > next.growth || (prev.growth === next.growth && prev.size >= next.size),
        `cluster ${prev.id} (growth ${prev.growth}, size ${prev.size}) before ${next.id} (${next.growth}, ${next.size})`,
      ).toBe(true);
    expect(new Set(byGrowth.map((c) => c.id))).toEqual(new Set(bySize.map((c) => c.id)));
    expect(await list('?status=dismissed')).toEqual([]);
  });

  it('raises no growth alert for causes that grow steadily over days', async () => {
    // The world spreads each cause over ten days: nothing doubles within 24 h (clusters-alerts tests a burst).
    const alerts = (await app.inject({ url: '/api/alerts', headers: auth.pr })).json<{
      items: Array<{ kind: string; message: string }>;
    }>().items;
    expect(alerts.filter((a) => a.kind === 'cluster_growth')).toEqual([]);
  });

  it('merges, splits, renames and dismisses; the engine leaves split mentions where product put them', async () => {
    const small = (await list()).filter((c) => c.size >= 3).slice(-3);
    const [a, b, c] = small as [Summary, Summary, Summary];
    expect((await post(`/api/clusters/${a.id}/merge`, { from: [b.id] })).statusCode).toBe(200);
    const merged = await detail(a.id);
    expect(merged.size).toBe(a.size + b.size);
    expect((await list()).some((x) => x.id === b.id)).toBe(false);
    expect((await post(`/api/clusters/${a.id}/merge`, { from: [b.id] })).statusCode).toBe(409);

    const moved = merged.representatives.slice(0, 2).map((m) => m.id);
    const split = await post(`/api/clusters/${a.id}/split`, { mention_ids: moved, name: 'split off' });
    expect(split.statusCode).toBe(200);
    const created = split.json<{ created: number }>().created;
    expect((await detail(created)).size).toBe(2);
    expect((await detail(a.id)).size).toBe(a.size + b.size - 2);
    expect((await post(`/api/clusters/${a.id}/split`, { mention_ids: moved })).statusCode).toBe(400);

    expect((await post(`/api/clusters/${c.id}/rename`, { name: 'Courier problems' })).statusCode).toBe(200);
    expect((await post(`/api/clusters/${c.id}/status`, { status: 'dismissed' })).statusCode).toBe(200);
    expect((await list('?status=dismissed')).map((x) => [x.id, x.name])).toEqual([[c.id, 'Courier problems']]);
    expect((await post(`/api/clusters/${c.id}/solution`, { solution: 'We replaced the courier.' })).statusCode).toBe(
      200,
    );
    expect((await post(`/api/clusters/${c.id}/rename`, { name: 'x' }, 'agent')).statusCode).toBe(403);

    // More mentions arrive: the stage runs again and must not pull the split mentions back.
    const again = world.mentions.slice(0, 40).map((m) => ({
      source: m.source,
      external_id: `${m.id}-again`,
      text: `${m.text} (still)`,
      author: { handle: `${m.author.handle}` },
      created_at: m.created_at,
    }));
    await ingest(rt, again);
    await waitUntilDrained(rt.db, { timeoutMs: 30_000 });
    const pinned = await rt.db.query<{ cluster_id: string }>(
      'SELECT cluster_id FROM mentions WHERE id = ANY($1::bigint[])',
      [moved],
    );
    expect(pinned.rows.map((r) => Number(r.cluster_id))).toEqual([created, created]);
  });
});

describe('outreach from a cluster', () => {
  it('runs end to end: at-risk contacted via export, a contacted customer who complains is marked, fixed is told once', async () => {
    const scores = scoreWorld(world, await report());
    const clusterId = Number(scores[0]!.cluster);
    const before = await detail(clusterId);
    const created = await post(`/api/clusters/${clusterId}/campaigns`, {
      name: 'Heads-up about a known issue',
      channel: 'email',
      template: 'Hi {first_name}, customers with {product} in {region} have seen a problem. Here is what to do.',
      fixed_template: 'Hi {first_name}, the problem with {product} is fixed.',
    });
    expect(created.statusCode).toBe(201);
    const { campaign, added } = created.json<{ campaign: { id: number }; added: number }>();
    expect(added).toBe(before.at_risk_total);
    // Never the same customer twice for the same cluster: a second campaign adds nobody.
    const second = await post(`/api/clusters/${clusterId}/campaigns`, {
      name: 'again',
      channel: 'dm',
      template: 'Hi {name}',
    });
    expect(second.json<{ added: number; skipped: number; campaign: { note: string } }>()).toMatchObject({
      added: 0,
      skipped: added,
    });
    expect(second.json<{ campaign: { note: string } }>().campaign.note).toMatch(/direct messages are not available/);

    const sent = await post(`/api/outreach/campaigns/${campaign.id}/send`, {});
    expect(sent.json<{ contacted: number; campaign: { note: string } }>()).toMatchObject({ contacted: added });
    expect(sent.json<{ campaign: { note: string } }>().campaign.note).toMatch(/EARSHOT_DRY_RUN/);
    const exported = await app.inject({
      url: `/api/outreach/export?campaign_id=${campaign.id}&format=jsonl`,
      headers: auth.product,
    });
    const lines = exported.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { to: string; subject: string; body: string });
    expect(lines).toHaveLength(added);
    expect(lines[0]).toMatchObject({ subject: 'Heads-up about a known issue' });
    expect(lines[0]!.to).toMatch(/@example\.com$/);
    expect(lines.every((l) => !l.body.includes('{'))).toBe(true);
    const csv = await app.inject({
      url: `/api/outreach/export?campaign_id=${campaign.id}&format=csv`,
      headers: auth.product,
    });
    expect(csv.body.split('\r\n')[0]).toBe('to,customer_id,name,subject,body');
    expect((await app.inject({ url: `/api/outreach/campaigns/${campaign.id}`, headers: auth.agent })).statusCode).toBe(
      200,
    );

    // A contacted customer complains anyway, in the cluster's own words.
    const rows = (await app.inject({ url: `/api/outreach/campaigns/${campaign.id}`, headers: auth.agent })).json<{
      customers: Array<{ customer_id: string; status: string }>;
    }>().customers;
    const target = rows[0]!.customer_id;
    const handle = (
      await rt.db.query<{ handle: string }>(
        'SELECT h.handle FROM customer_handles h JOIN customers c ON c.id = h.customer_ref WHERE c.customer_id = $1',
        [target],
      )
    ).rows[0]?.handle;
    expect(handle).toBeTruthy();
    const cause = world.truth.causes.find((c) => c.id === scores[0]!.cause)!;
    const words = world.mentions.find((m) => m.id === cause.mentionIds[0])!.text;
    await ingest(rt, [
      {
        source: 'x',
        external_id: 'late-complaint',
        text: `${words} and now it happened to me too`,
        author: { handle: handle! },
        created_at: new Date().toISOString(),
      },
    ]);
    await waitUntilDrained(rt.db, { timeoutMs: 30_000 });
    const late = await rt.db.query<{ status: string }>(
      'SELECT o.status FROM outreach o JOIN customers c ON c.id = o.customer_ref WHERE c.customer_id = $1 AND o.cluster_id = $2',
      [target, clusterId],
    );
    expect(late.rows[0]?.status).toBe('complained');

    // The closed loop: everyone who complained or was contacted, once.
    const complainants = (await complainantsOf(clusterId)).length;
    const fixed = await post(`/api/clusters/${clusterId}/status`, { status: 'fixed' });
    expect(fixed.json<{ fixed_notified: number }>().fixed_notified).toBe(added - 1 + complainants);
    const fixedExport = await app.inject({
      url: `/api/outreach/export?cluster_id=${clusterId}&phase=fixed`,
      headers: auth.product,
    });
    const fixedLines = fixedExport.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { body: string; subject: string });
    expect(fixedLines).toHaveLength(added - 1 + complainants);
    expect(fixedLines[0]!.body).toMatch(/is fixed\.$/);
    expect(
      (await post(`/api/clusters/${clusterId}/status`, { status: 'fixed' })).json<{ fixed_notified: number }>()
        .fixed_notified,
    ).toBe(0);
    expect(
      (await post(`/api/clusters/${clusterId}/campaigns`, { name: 'x', channel: 'csv', template: 'x' }, 'agent'))
        .statusCode,
    ).toBe(403);
  });
});
