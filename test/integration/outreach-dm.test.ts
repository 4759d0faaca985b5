/**
 * Outreach by X direct message, end to end: a cluster with an at-risk list (rows inserted directly: a
 * planted X200 + firmware 4.1 cause), a `dm` campaign sent through the real 'outreach-send' jobs on
 * BullMQ and twitter-api-v2 (OAuth 1.0a) to the fake X over HTTP, and the closed loop's "fixed" DMs.
 * Each customer gets each message once, however often the send is asked for or the job runs.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Worker } from 'bullmq';
import { testRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startFakeX, type FakeX } from '../fakes/x.ts';
import { startPipelineWorker } from '../../src/runtime.ts';
import { createModels, type LiveModels } from '../../src/pipeline/models.ts';
import { buildApp } from '../../src/http/app.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { sendOutreach } from '../../src/outreach/send.ts';
import type { Db } from '../../src/storage/db.ts';

const CUSTOMERS = 270;
/** Customers with X200 on firmware 4.1: every ninth (i % 9 === 7); the first ten of them complained. */
const affected = (i: number) => i % 9 === 7;
const COMPLAINANTS = 10;
/** Every fifth customer has no X handle: their message goes to the export. */
const hasHandle = (i: number) => i % 5 !== 0;
const cid = (i: number) => `c${String(i).padStart(3, '0')}`;
const handleOf = (i: number) => `cust${i}`;

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Customers (attributes, handles — half of them valid on every channel), a cluster, and its complaints on X. */
async function seed(db: Db, x: FakeX): Promise<number> {
  for (let i = 0; i < CUSTOMERS; i++) {
    const attributes = {
      model: ['X100', 'X200', 'X300'][i % 3],
      firmware: ['3.9', '4.0', '4.1'][Math.floor(i / 3) % 3],
      region: ['north', 'south'][i % 2],
    };
    const { rows } = await db.query<{ id: string }>(
      'INSERT INTO customers (customer_id, name, email, attributes) VALUES ($1, $2, $3, $4) RETURNING id',
      [cid(i), `Customer ${i}`, `${cid(i)}@example.com`, JSON.stringify(attributes)],
    );
    if (hasHandle(i)) {
      await db.query('INSERT INTO customer_handles (customer_ref, source, handle) VALUES ($1, $2, $3)', [
        rows[0]!.id,
        i % 2 ? 'twitter' : '*',
        handleOf(i),
      ]);
      x.user(handleOf(i));
    }
  }
  const cluster = await db.query<{ id: string }>(
    `INSERT INTO clusters (label, size, status) VALUES ('["reboot","update"]', $1, 'new') RETURNING id`,
    [COMPLAINANTS],
  );
  const clusterId = Number(cluster.rows[0]!.id);
  const complainants = Array.from({ length: CUSTOMERS }, (_, i) => i)
    .filter(affected)
    .slice(0, COMPLAINANTS);
  for (const i of complainants) {
    const author = await db.query<{ id: string }>(
      `INSERT INTO authors (source, handle, customer_ref, link_origin) SELECT 'twitter', $1, id, 'handle' FROM customers WHERE customer_id = $2 RETURNING id`,
      [handleOf(i), cid(i)],
    );
    await db.query(
      `INSERT INTO mentions (source, external_id, author_id, text, created_at, sentiment, actionable, cluster_id, clustered_at)
       VALUES ('twitter', $1, $2, 'my X200 keeps rebooting since the update', now(), 'negative', true, $3, now())`,
      [`t-${i}`, author.rows[0]!.id, clusterId],
    );
  }
  return clusterId;
}

interface Row {
  id: number;
  customer_id: string;
  kind: string;
  status: string;
  delivery: string | null;
  platform_id: string | null;
  error: string | null;
  dry_run: boolean;
  fixed_state: string | null;
  fixed_error: string | null;
}

interface Env {
  x: FakeX;
  rt: TestRuntime;
  models: LiveModels;
  worker: Worker;
  app: FastifyInstance;
  product: { authorization: string };
  clusterId: number;
}

async function start(extra: Record<string, string> = {}): Promise<Env> {
  const x = await startFakeX({ bearerToken: 'bearer', consumerKey: 'ck-fake' });
  const rt = await testRuntime({
    env: {
      X_CONSUMER_KEY: 'ck-fake',
      X_CONSUMER_SECRET: 'cs-fake',
      X_ACCESS_TOKEN: 'at-fake',
      X_ACCESS_SECRET: 'as-fake',
      X_API_BASE: x.url,
      // A 429 whose reset is further away than this goes back to the queue (the job's retry).
      X_MAX_RATE_WAIT_MS: '100',
      ...extra,
    },
  });
  const models = await createModels(rt.config, rt.log);
  const worker = startPipelineWorker(rt, models);
  const app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  const product = { authorization: `Bearer ${await createToken(rt.db, 'product', 'product')}` };
  const clusterId = await seed(rt.db, x);
  return { x, rt, models, worker, app, product, clusterId };
}

async function stop(e: Env | undefined): Promise<void> {
  await e?.app.close();
  await e?.worker.close();
  e?.models.close();
  await e?.rt.close();
  await e?.x.close();
}

const post = (e: Env, url: string, payload: object) =>
  e.app.inject({ method: 'POST', url, headers: e.product, payload });
const rowsOf = async (e: Env, campaignId: number) =>
  (await e.app.inject({ url: `/api/outreach/campaigns/${campaignId}`, headers: e.product })).json<{
    customers: Row[];
  }>().customers;
const settled = (e: Env) => async () => {
  const c = await e.rt.queue.counts();
  const busy = await e.rt.db.query(
    `SELECT 1 FROM outreach WHERE (status IN ('queued', 'sending') AND delivery = 'dm') OR fixed_state IN ('queued', 'sending') LIMIT 1`,
  );
  return busy.rows.length === 0 && !c.waiting && !c.active && !c.delayed;
};

async function createDmCampaign(e: Env): Promise<{ id: number; added: number }> {
  const created = await post(e, `/api/clusters/${e.clusterId}/campaigns`, {
    name: 'Firmware 4.1 heads-up',
    channel: 'dm',
    template: 'Hi {first_name}, owners of {product} on firmware {firmware} have seen reboots. Here is the workaround.',
    fixed_template: 'Hi {first_name}, the reboot problem on {product} is fixed.',
    limit: CUSTOMERS / 9 - COMPLAINANTS,
  });
  expect(created.statusCode).toBe(201);
  const body = created.json<{ campaign: { id: number; delivery: string; note: string | null }; added: number }>();
  expect(body.campaign.delivery).toBe('x_dm');
  expect(body.campaign.note).toBeNull();
  return { id: body.campaign.id, added: body.added };
}

describe('outreach by X direct message', () => {
  let e: Env;
  beforeAll(async () => {
    e = await start();
  }, 60_000);
  afterAll(() => stop(e));

  it('DMs each at-risk customer with an X handle once, records a refusal with its reason, exports the rest', async () => {
    const { id, added } = await createDmCampaign(e);
    expect(added).toBe(CUSTOMERS / 9 - COMPLAINANTS);
    const before = await rowsOf(e, id);
    // The planted cause: every customer on the list runs X200 on firmware 4.1 and did not complain.
    const indexOf = (r: Row) => Number(r.customer_id.slice(1));
    expect(before.every((r) => affected(indexOf(r)) && r.status === 'queued')).toBe(true);
    const withHandle = before.filter((r) => hasHandle(indexOf(r)));
    const without = before.filter((r) => !hasHandle(indexOf(r)));
    expect(withHandle.length).toBeGreaterThan(3);
    expect(without.length).toBeGreaterThan(0);
    // One recipient does not accept DMs from the brand; another is rate limited past the adapter's wait.
    const refused = withHandle[0]!;
    const limited = withHandle[1]!;
    e.x.refuseDms.add(handleOf(indexOf(refused)));
    const limitedUser = e.x.user(handleOf(indexOf(limited)));
    e.x.rateLimitStorm(new RegExp(`^/2/dm_conversations/with/${limitedUser.id}/messages$`), 1, 2);

    // Asked twice: the second send re-offers what is still queued, and the claim keeps it single.
    const sent = await post(e, `/api/outreach/campaigns/${id}/send`, {});
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ contacted: without.length, dm_queued: withHandle.length });
    expect(sent.json<{ campaign: { note: string } }>().campaign.note).toMatch(/sent by X direct message/);
    expect((await post(e, `/api/outreach/campaigns/${id}/send`, {})).statusCode).toBe(200);
    await until(settled(e), 'every DM job to finish');

    // The jobs run again (a retry, a stalled job taken over): nothing more is sent.
    for (const r of withHandle) await e.rt.queue.add('outreach-send', { outreachId: r.id }, `again-${r.id}`);
    const again = await Promise.all(
      withHandle.map((r) =>
        sendOutreach(
          { db: e.rt.db, log: e.rt.log, dryRun: false, messenger: (s) => e.rt.channels.directMessenger(s) },
          r.id,
        ),
      ),
    );
    expect(again.every((o) => o.startsWith('skipped'))).toBe(true);
    await until(settled(e), 'the repeated jobs to finish');

    const delivered = withHandle.filter((r) => r.id !== refused.id);
    expect(e.x.dms).toHaveLength(delivered.length);
    expect(new Set(e.x.dms.map((d) => d.username))).toEqual(new Set(delivered.map((r) => handleOf(indexOf(r)))));
    expect(e.x.dms.every((d) => /^OAuth .*oauth_token="at-fake"/.test(d.auth))).toBe(true);
    expect(e.x.dms[0]!.text).toMatch(/^Hi Customer, owners of X200 on firmware 4\.1 have seen reboots/);
    // The rate-limited one went through on the job's retry: a 429 then a 201.
    expect(
      e.x.log.filter((l) => l.path === `/2/dm_conversations/with/${limitedUser.id}/messages`).map((l) => l.status),
    ).toEqual([429, 201]);
    // Handles were resolved once each, then cached.
    const lookups = e.x.log.filter((l) => l.path.startsWith('/2/users/by/username/')).map((l) => l.path);
    expect(lookups.length).toBe(new Set(lookups).size);

    const after = new Map((await rowsOf(e, id)).map((r) => [r.id, r]));
    for (const r of delivered) {
      const row = after.get(r.id)!;
      expect(row).toMatchObject({ status: 'contacted', delivery: 'dm', error: null, dry_run: false });
      expect(e.x.dms.find((d) => d.eventId === row.platform_id)?.username).toBe(handleOf(indexOf(r)));
    }
    expect(after.get(refused.id)).toMatchObject({ status: 'failed', delivery: 'dm', platform_id: null });
    expect(after.get(refused.id)!.error).toMatch(/403.*cannot send messages/);
    for (const r of without)
      expect(after.get(r.id)).toMatchObject({
        status: 'contacted',
        delivery: 'export',
        error: expect.stringMatching(/no X handle/),
      });

    // The export holds only the customers the adapter could not reach.
    const exported = await e.app.inject({ url: `/api/outreach/export?campaign_id=${id}`, headers: e.product });
    const lines = exported.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { customer_id: string });
    expect(lines.map((l) => l.customer_id).sort()).toEqual(without.map((r) => r.customer_id).sort());
  });

  it('sends the fixed message once by DM to everyone contacted or complaining (with a handle) when the cluster is fixed', async () => {
    const contactBefore = e.x.dms.length;
    const rows = await e.rt.db.query<{
      id: string;
      customer_id: string;
      kind: string;
      status: string;
      delivery: string | null;
    }>(
      `SELECT o.id, c.customer_id, o.kind, o.status, o.delivery FROM outreach o JOIN customers c ON c.id = o.customer_ref WHERE o.cluster_id = $1`,
      [e.clusterId],
    );
    const contactedByDm = rows.rows
      .filter((r) => r.status === 'contacted' && r.delivery === 'dm')
      .map((r) => r.customer_id);
    const complainantsWithHandle = Array.from({ length: CUSTOMERS }, (_, i) => i)
      .filter(affected)
      .slice(0, COMPLAINANTS)
      .filter(hasHandle)
      .map(cid);

    const fixed = await post(e, `/api/clusters/${e.clusterId}/status`, { status: 'fixed' });
    expect(fixed.statusCode).toBe(200);
    // The dispatcher queues what is due (scheduled in service; run here once, like the schedule would).
    await e.rt.queue.add('outreach-dispatch', {}, 'dispatch-1');
    await until(settled(e), 'the fixed DMs to be sent');
    // Twice fixed, dispatched twice: nobody is told twice.
    await post(e, `/api/clusters/${e.clusterId}/status`, { status: 'fixed' });
    await e.rt.queue.add('outreach-dispatch', {}, 'dispatch-2');
    // And every job runs again (a retry, a stalled job taken over): nothing more is sent.
    const ids = (
      await e.rt.db.query<{ id: string }>('SELECT id FROM outreach WHERE cluster_id = $1', [e.clusterId])
    ).rows.map((r) => Number(r.id));
    for (const id of ids) await e.rt.queue.add('outreach-send', { outreachId: id }, `fixed-again-${id}`);
    const deps = {
      db: e.rt.db,
      log: e.rt.log,
      dryRun: false,
      messenger: (s: string) => e.rt.channels.directMessenger(s),
    };
    expect((await Promise.all(ids.map((id) => sendOutreach(deps, id)))).every((o) => o.startsWith('skipped'))).toBe(
      true,
    );
    await until(settled(e), 'the second dispatch and the repeated jobs to finish');

    const fixedDms = e.x.dms.slice(contactBefore);
    expect(fixedDms.every((d) => /the reboot problem on X200 is fixed\.$/.test(d.text))).toBe(true);
    const handleToCustomer = (u: string | undefined) => cid(Number(u!.replace('cust', '')));
    expect(fixedDms.map((d) => handleToCustomer(d.username)).sort()).toEqual(
      [...contactedByDm, ...complainantsWithHandle].sort(),
    );
    const states = await e.rt.db.query<{ fixed_state: string | null; n: string }>(
      `SELECT fixed_state, count(*) AS n FROM outreach WHERE cluster_id = $1 AND fixed_at IS NOT NULL GROUP BY 1`,
      [e.clusterId],
    );
    expect(Object.fromEntries(states.rows.map((r) => [r.fixed_state ?? 'export', Number(r.n)]))).toMatchObject({
      sent: fixedDms.length,
    });
  });
});

describe('outreach by X direct message under EARSHOT_DRY_RUN', () => {
  let e: Env;
  beforeAll(async () => {
    e = await start({ EARSHOT_DRY_RUN: 'true' });
  }, 60_000);
  afterAll(() => stop(e));

  it('records every DM as contacted (dry run) and sends nothing, the fixed ones included', async () => {
    const { id } = await createDmCampaign(e);
    const sent = await post(e, `/api/outreach/campaigns/${id}/send`, {});
    expect(sent.json<{ campaign: { note: string } }>().campaign.note).toMatch(/EARSHOT_DRY_RUN/);
    await until(settled(e), 'the dry-run jobs to finish');
    const rows = await rowsOf(e, id);
    const dm = rows.filter((r) => r.delivery === 'dm');
    expect(dm.length).toBeGreaterThan(0);
    expect(dm.every((r) => r.status === 'contacted' && r.dry_run && r.platform_id === null)).toBe(true);

    await post(e, `/api/clusters/${e.clusterId}/status`, { status: 'fixed' });
    await e.rt.queue.add('outreach-dispatch', {}, 'dispatch-dry');
    await until(settled(e), 'the dry-run fixed jobs to finish');
    const states = await e.rt.db.query<{ fixed_state: string | null }>(
      `SELECT DISTINCT fixed_state FROM outreach WHERE cluster_id = $1 AND fixed_at IS NOT NULL`,
      [e.clusterId],
    );
    expect(states.rows.map((r) => r.fixed_state).filter((s) => s !== null)).toEqual(['dry_run']);
    expect(e.x.dms).toHaveLength(0);
    expect(e.x.log.filter((l) => l.path.startsWith('/2/dm_conversations'))).toHaveLength(0);
  });
});
