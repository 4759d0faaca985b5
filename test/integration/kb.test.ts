/**
 * The public knowledge base against a real earshot (PostgreSQL, queue, pipeline and cluster stage):
 * product publishes a cluster, the page shows what it should and nothing it must not — no names,
 * handles, addresses, and no attribute value fewer than k = 10 customers hold, however product or
 * the customers try to put one on it — and unpublishing takes the page down at once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, mention, type TestRuntime } from '../helpers/runtime.ts';
import { eventually } from '../helpers/browser.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { exportKb } from '../../src/kb/export.ts';

let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let product: string;
let clusterId = 0;

/** Held by 3 customers only (all of them complainants): must never be shown. */
const RARE = 'Moonbeam Dock';
const NAME = 'Dana Whitfield';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  rt = await testRuntime({ env: { EARSHOT_PUBLIC_URL: 'https://help.example.com' } });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  await app.ready();
  const ingest = await createToken(rt.db, 'kb ingest', 'ingest');
  product = await createToken(rt.db, 'kb product', 'product');
  const customers = Array.from({ length: 60 }, (_, i) => ({
    customer_id: `K${i}`,
    name: i === 0 ? NAME : `Person ${i}`,
    email: `k${i}@example.com`,
    handles: [{ handle: `kb_owner_${i}` }],
    attributes: {
      ...(i < 14
        ? { model: 'X200', firmware: '4.1' }
        : { model: i % 2 ? 'X100' : 'X300', firmware: i % 3 ? '3.9' : '4.0' }),
      ...(i < 3 ? { accessory: RARE } : { accessory: 'none' }),
    },
  }));
  const put = await app.inject({
    method: 'POST',
    url: '/api/customers/bulk',
    headers: auth(ingest),
    payload: { customers },
  });
  expect(put.statusCode).toBe(200);
  const words = [
    `my X200 with the ${RARE} is stuck in a reboot loop since firmware 4.1. It is useless`,
    `${NAME} here: after the 4.1 firmware update my X200 keeps rebooting over and over`,
    'X200 reboot loop again after updating to firmware 4.1, please fix @lumio https://t.co/x',
    'firmware 4.1 bricked my X200, it just reboots endlessly. Call me on 07700 900123',
    'X200 stuck rebooting after the 4.1 update, cannot use it at all',
    'the new firmware 4.1 put my X200 into a boot loop, so annoyed',
    'X200 keeps restarting in a loop since firmware 4.1 was installed',
    'reboot loop on my X200 after the firmware 4.1 update, terrible',
    'my X200 constantly reboots since the 4.1 firmware, awful',
    'X200 will not stop rebooting after firmware 4.1, really bad',
    'X200 rebooting all the time since firmware 4.1, mail me at k10@example.com',
    'since firmware 4.1 my X200 reboot loop never ends, horrible',
  ];
  const mentions = words.map((text, i) =>
    mention({ source: 'twitter', author: { handle: `kb_owner_${i}`, name: i === 0 ? NAME : undefined }, text }),
  );
  expect(
    (await app.inject({ method: 'POST', url: '/api/mentions', headers: auth(ingest), payload: { mentions } }))
      .statusCode,
  ).toBe(202);
  await drained(rt);
  clusterId = await eventually(async () => {
    const { rows } = await rt.db.query<{ id: number; size: number }>(
      'SELECT id::int AS id, size FROM clusters WHERE merged_into IS NULL ORDER BY size DESC LIMIT 1',
    );
    expect(rows[0]?.size ?? 0).toBeGreaterThanOrEqual(6);
    return rows[0]!.id;
  }, 60_000);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await service?.stop();
  await rt?.database.drop();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

describe('the public knowledge base', { timeout: 60_000 }, () => {
  it('publishes only a cluster with a solution, and only for product', async () => {
    const early = await app.inject({
      method: 'POST',
      url: `/api/clusters/${clusterId}/publish`,
      headers: auth(product),
    });
    expect([early.statusCode, early.json().message]).toEqual([409, expect.stringContaining('no solution text')]);
    expect((await get(`/kb/issues/${clusterId}`)).statusCode).toBe(404);
    const solution =
      `Unplug the ${RARE} if you have one, hold the power button for 10 seconds, then update to firmware 4.2 <b>now</b>.` +
      '\n\nFirmware 4.2 fixes the loop for good.';
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/clusters/${clusterId}/solution`,
          headers: auth(product),
          payload: { solution },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/clusters/${clusterId}/rename`,
          headers: auth(product),
          payload: { name: `X200 reboot loop with the ${RARE}` },
        })
      ).statusCode,
    ).toBe(200);
    const agent = await createToken(rt.db, 'kb agent', 'agent');
    expect(
      (await app.inject({ method: 'POST', url: `/api/clusters/${clusterId}/publish`, headers: auth(agent) }))
        .statusCode,
    ).toBe(403);
    const done = await app.inject({
      method: 'POST',
      url: `/api/clusters/${clusterId}/publish`,
      headers: auth(product),
    });
    expect(done.json()).toEqual({
      ok: true,
      cluster_id: clusterId,
      url: `https://help.example.com/kb/issues/${clusterId}`,
    });
  });

  it('renders the page with symptoms, who is affected, the fix, status and dates, escaped, under a strict CSP', async () => {
    const res = await get(`/kb/issues/${clusterId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.body;
    writeFileSync('/tmp/earshot-kb-issue.html', html); // for a human to look at
    expect(html).toContain('<h2>Symptoms</h2>');
    expect(html).toMatch(/reboot/i);
    expect(html).toContain('model X200 with firmware 4.1');
    expect(html).toContain('update to firmware 4.2 &lt;b&gt;now&lt;/b&gt;');
    expect(html).toContain('<span class="status status-new">Investigating</span>');
    expect(html).not.toMatch(/<script(?![^>]*application\/ld\+json)/);
    const ld = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]!) as {
      '@graph': Array<Record<string, unknown>>;
    };
    expect(ld['@graph'].map((n) => n['@type'])).toEqual(['Article', 'FAQPage']);
  });

  it(`never shows an attribute value fewer than k = 10 customers hold, a name, a handle or an address`, async () => {
    const pages = [
      await get(`/kb/issues/${clusterId}`),
      await get('/kb'),
      await get('/kb/sitemap.xml'),
      await get(`/kb?q=${encodeURIComponent('reboot')}`),
    ];
    for (const p of pages) {
      const body = p.body.toLowerCase();
      for (const leak of [
        RARE.toLowerCase(),
        'moonbeam',
        'whitfield',
        'dana',
        '@lumio',
        'kb_owner',
        't.co',
        '07700',
        'k10@example.com',
        'accessory',
      ])
        expect([p.raw.req.url, leak, body.includes(leak)]).toEqual([p.raw.req.url, leak, false]);
    }
    // Searching for the rare value finds nothing: search cannot be used to probe for it.
    expect((await get(`/kb?q=${encodeURIComponent('moonbeam')}`)).body).toContain('No known issue matches');
    // The cluster's own profile (staff API) does see the accessory; the public page left it out.
    const staff = await app.inject({
      url: `/api/clusters/${clusterId}`,
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
    });
    expect(JSON.stringify(staff.json().profile)).toMatch(/X200/);
  });

  it('lists and finds the page, and serves sitemap and robots.txt with absolute links', async () => {
    const index = await get('/kb?q=reboot+firmware');
    expect(index.body).toContain(`href="/kb/issues/${clusterId}"`);
    expect((await get('/kb?q=printer+jam')).body).not.toContain(`/kb/issues/${clusterId}`);
    const sitemap = await get('/kb/sitemap.xml');
    expect(sitemap.headers['content-type']).toMatch(/xml/);
    expect(sitemap.body).toContain(`<loc>https://help.example.com/kb/issues/${clusterId}</loc>`);
    expect((await get('/robots.txt')).body).toContain('Sitemap: https://help.example.com/kb/sitemap.xml');
  });

  it('offers a case of the published cluster a suggested reply linking to the page, first', async () => {
    const { rows } = await rt.db.query<{ id: number }>(
      'SELECT id::int AS id FROM cases WHERE cluster_id = $1 ORDER BY id LIMIT 1',
      [clusterId],
    );
    expect(rows[0], 'a case of the cluster').toBeDefined();
    const res = await app.inject({
      url: `/api/cases/${rows[0]!.id}/suggested-replies`,
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
    });
    const items = res.json().items as { id: string; text: string }[];
    expect(items[0]?.id).toBe('known-issue-page');
    expect(items[0]?.text).toContain(`https://help.example.com/kb/issues/${clusterId}`);
    const other = await rt.db.query<{ id: number }>(
      'SELECT id::int AS id FROM cases WHERE cluster_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1',
      [clusterId],
    );
    if (other.rows[0]) {
      const none = await app.inject({
        url: `/api/cases/${other.rows[0].id}/suggested-replies`,
        headers: { authorization: 'Bearer test-admin-token-0123456789abcdefghij' },
      });
      expect((none.json().items as { id: string }[]).map((i) => i.id)).not.toContain('known-issue-page');
    }
  });

  it('revalidates with an ETag (304 when unchanged)', async () => {
    const first = await get(`/kb/issues/${clusterId}`);
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const etag = String(first.headers.etag);
    expect((await get(`/kb/issues/${clusterId}`, { 'if-none-match': etag })).statusCode).toBe(304);
  });

  it('takes the page down at once when unpublished (410), and never-published ids are 404', async () => {
    expect(
      (await app.inject({ method: 'POST', url: `/api/clusters/${clusterId}/unpublish`, headers: auth(product) }))
        .statusCode,
    ).toBe(200);
    expect((await get(`/kb/issues/${clusterId}`)).statusCode).toBe(410);
    expect((await get('/kb')).body).not.toContain(`/kb/issues/${clusterId}`);
    expect((await get('/kb/sitemap.xml')).body).not.toContain(`/kb/issues/${clusterId}`);
    expect((await get('/kb/issues/999999')).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: `/api/clusters/${clusterId}/publish`, headers: auth(product) }))
        .statusCode,
    ).toBe(200);
    expect((await get(`/kb/issues/${clusterId}`)).statusCode).toBe(200);
  });

  it('exports the same pages as static files, and a re-export drops an unpublished one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-kb-'));
    try {
      const site = { base: 'https://help.example.com', name: 'Help centre' };
      const report = await exportKb(rt.db, dir, site, 10);
      expect(report.pages).toBe(1);
      expect(readFileSync(join(dir, 'kb', 'issues', String(clusterId), 'index.html'), 'utf8')).toBe(
        (await get(`/kb/issues/${clusterId}`)).body,
      );
      expect(readFileSync(join(dir, 'robots.txt'), 'utf8')).toContain(
        'Sitemap: https://help.example.com/kb/sitemap.xml',
      );
      expect(readFileSync(join(dir, 'kb', 'index.html'), 'utf8')).not.toContain('<form');
      await app.inject({ method: 'POST', url: `/api/clusters/${clusterId}/unpublish`, headers: auth(product) });
      await exportKb(rt.db, dir, site, 10);
      expect(existsSync(join(dir, 'kb', 'issues', String(clusterId)))).toBe(false);
      await app.inject({ method: 'POST', url: `/api/clusters/${clusterId}/publish`, headers: auth(product) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
