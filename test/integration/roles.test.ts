/**
 * The role matrix over EVERY route the app registers: each is either in the public allow-list
 * below or declares its roles, and each role gets exactly what the declaration says — 401 without
 * credentials, 403 for a role not admitted, and through the auth check (any other status) for one
 * that is. A new route without `config.roles` fails here until it is protected or listed as public.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { buildApp, type RouteEntry } from '../../src/http/app.ts';
import { createToken, type Role } from '../../src/storage/tokens.ts';
import { createUser } from '../../src/storage/users.ts';

/** Routes anyone may call, and why. */
const PUBLIC: Record<string, string> = {
  'GET /health': 'liveness probe',
  'GET /ready': 'readiness probe',
  'GET /metrics': 'Prometheus scrape (bind the port privately)',
  'POST /api/session': 'the login itself',
  'DELETE /api/session': 'logout acts only on the caller’s own cookie',
  'GET /webhooks/twitter': 'CRC challenge, answered with an HMAC',
  'POST /webhooks/twitter': 'verifies its signature before parsing',
  'GET /webhooks/facebook': 'subscription handshake with the verify token',
  'POST /webhooks/facebook': 'verifies its signature before parsing',
  'GET /': 'the dashboard page: static, holds no data (its API calls are authenticated)',
  'GET /*': 'the dashboard assets (public/): static, hold no data',
  'GET /vendor/uplot/*': 'uPlot, the charting library (its ES module and CSS from node_modules)',
  'GET /kb': 'the public knowledge base: published clusters only, anonymised',
  'GET /kb/issues/:id': 'a published known issue, anonymised (k = 10)',
  'GET /kb/sitemap.xml': 'the knowledge base for search engines',
  'GET /kb/kb.css': 'the knowledge base stylesheet',
  'GET /robots.txt': 'for search engines',
  'POST /api/public/cases': 'the website form: honeypot, size limits, rate limits per client and per address',
  'GET /kb/contact': 'the embeddable contact form',
  'POST /kb/contact': 'the contact form posting (same protections as POST /api/public/cases)',
  'GET /survey/:token': 'the satisfaction survey: the HMAC-signed, expiring token is the authorisation',
  'POST /survey/:token': 'answers the survey once; the signed token is the authorisation',
};
const isPublic = (r: RouteEntry) =>
  PUBLIC[`${r.method} ${r.url}`] !== undefined || r.url === '/docs' || r.url.startsWith('/docs/');

/** What support's routes must admit (beyond admin); a change here is a decision, not an accident. */
const EXPECTED: Record<string, readonly string[]> = {
  'GET /api/cases': ['agent', 'pr', 'product'],
  'GET /api/cases/:id': ['agent', 'pr', 'product'],
  'POST /api/cases/:id/assign': ['agent'],
  'POST /api/cases/:id/status': ['agent'],
  'POST /api/cases/:id/notes': ['agent'],
  'POST /api/cases/:id/tags': ['agent'],
  'POST /api/cases/:id/merge': ['agent'],
  'POST /api/cases/:id/split': ['agent'],
  'POST /api/cases/:id/link-customer': ['agent'],
  'GET /api/cases/:id/suggested-replies': ['agent', 'pr'],
  'POST /api/cases/:id/survey': ['agent'],
  'GET /api/customers': ['agent', 'pr', 'product'],
  'GET /api/customers/:customer_id': ['agent', 'pr', 'product'],
  'PUT /api/customers/:customer_id': ['ingest'],
  'POST /api/customers/bulk': ['ingest'],
  'GET /api/users': [],
  'POST /api/users': [],
  'PATCH /api/users/:id': [],
  'GET /api/tokens': [],
  'POST /api/tokens': [],
  'DELETE /api/tokens/:id': [],
  'GET /api/session': ['agent', 'pr', 'product', 'ingest'],
  'GET /api/metrics/support': ['agent', 'pr'],
  'POST /api/mentions/:id/corrections': ['agent'],
  'GET /api/corrections/export': ['pr', 'product'],
  'POST /api/mentions': ['ingest'],
  'GET /api/mentions': ['agent', 'pr', 'product'],
  // Clusters, alerts and outreach (src/clusters/README.md): product changes them, others read.
  'GET /api/clusters': ['product', 'pr', 'agent'],
  'GET /api/clusters/:id': ['product', 'pr', 'agent'],
  'POST /api/clusters/:id/merge': ['product'],
  'POST /api/clusters/:id/split': ['product'],
  'POST /api/clusters/:id/rename': ['product'],
  'POST /api/clusters/:id/status': ['product'],
  'POST /api/clusters/:id/solution': ['product'],
  'POST /api/clusters/:id/publish': ['product'],
  'POST /api/clusters/:id/unpublish': ['product'],
  'GET /api/alerts': ['pr', 'product'],
  'POST /api/alerts/:id/ack': ['pr', 'product'],
  'GET /api/alerts/:id': ['pr', 'product'],
  'POST /api/alerts/:id/resolve': ['pr', 'product'],
  'GET /api/alerts/:id/deliveries': ['pr', 'product'],
  'DELETE /api/drills': ['pr'],
  'GET /api/series': ['pr', 'product'],
  'GET /api/metrics/pr': ['pr', 'product'],
  'GET /api/alert-destinations': [],
  'POST /api/alert-destinations': [],
  'PATCH /api/alert-destinations/:id': [],
  'DELETE /api/alert-destinations/:id': [],
  'POST /api/alert-destinations/:id/test': [],
  'GET /api/events': ['agent', 'pr', 'product'],
  'POST /api/clusters/:id/campaigns': ['product'],
  'GET /api/outreach/campaigns': ['product', 'agent', 'pr'],
  'GET /api/outreach/campaigns/:id': ['product', 'agent', 'pr'],
  'POST /api/outreach/campaigns/:id/send': ['product'],
  'GET /api/outreach/export': ['product'],
  'POST /api/outreach/:id/status': ['product'],
  'GET /api/stats/volume': ['agent', 'pr', 'product'],
  // Dead letters of the inbox: operators only.
  'GET /api/inbox/dead': [],
  'POST /api/inbox/dead/retry': [],
};

const ROLES: Role[] = ['agent', 'pr', 'product', 'admin', 'ingest'];
let rt: TestRuntime;
let app: FastifyInstance;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  rt = await testRuntime({ queue: 'postgres' });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}) });
  await app.ready();
  for (const role of ROLES) tokens.set(role, await createToken(rt.db, `matrix ${role}`, role));
});
afterAll(async () => {
  await app.close();
  await rt.close();
});

const fill = (url: string) =>
  url
    .replace(/:customer_id/g, 'nobody')
    .replace(/:[a-z_]+/g, '999999')
    .replace(/\*/g, 'x');
// The event stream never ends: its answer is read as a stream (status and headers), then dropped.
const STREAMS = new Set(['/api/events']);
const call = async (r: RouteEntry, headers: Record<string, string>) => {
  const res = await app.inject({
    method: r.method as 'GET',
    url: fill(r.url),
    headers,
    ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: {} } : {}),
    ...(STREAMS.has(r.url) ? { payloadAsStream: true } : {}),
  });
  if (STREAMS.has(r.url)) {
    res.stream().destroy();
    return { statusCode: res.statusCode, body: '' };
  }
  return res;
};
const routes = () => app.routeTable.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

describe('role × route matrix', () => {
  it('protects every route that is not explicitly public', () => {
    const unprotected = routes()
      .filter((r) => r.roles === undefined && !isPublic(r))
      .map((r) => `${r.method} ${r.url}`);
    expect(unprotected, 'add config.roles to these routes, or list them in PUBLIC with the reason').toEqual([]);
    const stalePublic = Object.keys(PUBLIC).filter((k) =>
      routes().some((r) => `${r.method} ${r.url}` === k && r.roles !== undefined),
    );
    expect(stalePublic).toEqual([]);
  });

  it("gives support's routes the roles decided for them", () => {
    const declared = Object.fromEntries(routes().map((r) => [`${r.method} ${r.url}`, r.roles]));
    for (const [route, roles] of Object.entries(EXPECTED)) expect([route, declared[route]]).toEqual([route, roles]);
  });

  it('answers 401 without credentials, 403 to roles not admitted, and lets admitted roles through', async () => {
    const protectedRoutes = routes().filter((r) => r.roles !== undefined);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    const wrong: string[] = [];
    for (const r of protectedRoutes) {
      const anonymous = await call(r, {});
      if (anonymous.statusCode !== 401) wrong.push(`${r.method} ${r.url} anonymous → ${anonymous.statusCode}`);
      for (const role of ROLES) {
        const res = await call(r, { authorization: `Bearer ${tokens.get(role)}` });
        const admitted = role === 'admin' || (r.roles ?? []).includes(role);
        const ok = admitted ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === 403;
        if (!ok) wrong.push(`${r.method} ${r.url} as ${role} → ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('applies the same matrix to cookie sessions, which also need the CSRF token to change anything', async () => {
    await createUser(rt.db, { email: 'pr@example.com', role: 'pr', password: 'pr-password-123' });
    const login = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'pr@example.com', password: 'pr-password-123' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const csrf = login.json().csrf_token as string;
    expect((await app.inject({ url: '/api/cases', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/users', headers: { cookie } })).statusCode).toBe(403);
    const note = { method: 'POST' as const, url: '/api/cases/1/notes', payload: { text: 'x' } };
    expect((await app.inject({ ...note, headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(403); // pr may not work cases
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/tokens',
          headers: { cookie },
          payload: { name: 'x', role: 'ingest' },
        })
      ).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/api/cases', headers: { cookie: 'earshot_session=forged' } })).statusCode).toBe(
      401,
    );
  });

  it('marks the cookie Secure when configured for https', async () => {
    const secure = await buildApp({
      ...rt,
      config: { ...rt.config, support: { ...rt.config.support, cookieSecure: 'always' } },
      sourceHealth: async () => ({}),
    });
    const login = await secure.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'pr@example.com', password: 'pr-password-123' },
    });
    expect(String(login.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    await secure.close();
  });
});
