/**
 * On a HOST that is not loopback, /metrics, /docs (and its JSON) and the reasons a /ready check
 * fails are for staff only; on loopback they stay open to the operator. Both against live servers.
 * The exposed server polls a Google Alerts feed on a closed port, so its source check really fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer } from '../helpers/live.ts';
import { eventually } from '../helpers/browser.ts';
import { isLoopbackHost } from '../../src/http/exposure.ts';

let exposed: LiveServer;
let local: LiveServer;
const FEED = 'http://127.0.0.1:9/alerts/feed';

beforeAll(async () => {
  const env = { GOOGLE_ALERTS_FEEDS: FEED, GOOGLE_ALERTS_POLL_INTERVAL_MS: '1000' };
  [exposed, local] = await Promise.all([
    startLiveServer({ env: { ...env, HOST: '0.0.0.0' } }),
    startLiveServer({ env }),
  ]);
}, 180_000);
afterAll(async () => Promise.all([exposed?.stop(), local?.stop()]));

const anonymous = (server: LiveServer, path: string) => fetch(`${server.base}${path}`);

async function staffToken(server: LiveServer, role: string): Promise<string> {
  const res = await server.api('/api/tokens', {
    method: 'POST',
    body: JSON.stringify({ name: `${role} token`, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('HOST=0.0.0.0', () => {
  it('answers 401 to anonymous /metrics, /docs and /docs/json, and serves them to staff', async () => {
    for (const path of ['/metrics', '/docs', '/docs/json', '/docs/static/index.html'])
      expect((await anonymous(exposed, path)).status, path).toBe(401);
    const agent = await staffToken(exposed, 'agent');
    const asAgent = { headers: { authorization: `Bearer ${agent}` } };
    expect((await fetch(`${exposed.base}/metrics`, asAgent)).status).toBe(200);
    expect((await fetch(`${exposed.base}/docs/json`, asAgent)).status).toBe(200);
    // An ingest token (a bridge) is not staff.
    const ingest = await staffToken(exposed, 'ingest');
    expect((await fetch(`${exposed.base}/metrics`, { headers: { authorization: `Bearer ${ingest}` } })).status).toBe(
      403,
    );
  });

  it('shows anonymous callers that a /ready check fails, not why', async () => {
    const detailed = await eventually(async () => {
      const body = (await (await exposed.api('/ready')).json()) as { checks: Record<string, string> };
      const state = Object.entries(body.checks).find(([k]) => k.startsWith('source:google-alerts'))?.[1] ?? '';
      if (!state.startsWith('failing:')) throw new Error(`source not failing yet: ${JSON.stringify(body.checks)}`);
      return body.checks;
    }, 60_000);
    const anon = (await (await anonymous(exposed, '/ready')).json()) as {
      status: string;
      checks: Record<string, string>;
    };
    expect(Object.keys(anon.checks)).toEqual(Object.keys(detailed));
    for (const [name, state] of Object.entries(anon.checks)) expect(state, name).toMatch(/^(ok|failing)$/);
    expect(JSON.stringify(anon)).not.toContain('127.0.0.1');
    expect(anon.status).toBe('ready');
  }, 90_000);

  it('keeps /health and /ready public', async () => {
    expect((await anonymous(exposed, '/health')).status).toBe(200);
    expect((await anonymous(exposed, '/ready')).status).toBe(200);
  });
});

describe('HOST=127.0.0.1', () => {
  it('leaves /metrics, /docs and the reasons in /ready open to the operator on this machine', async () => {
    for (const path of ['/metrics', '/docs/json']) expect((await anonymous(local, path)).status, path).toBe(200);
    await eventually(async () => {
      const body = (await (await anonymous(local, '/ready')).json()) as { checks: Record<string, string> };
      const state = Object.entries(body.checks).find(([k]) => k.startsWith('source:google-alerts'))?.[1] ?? '';
      if (!state.startsWith('failing:')) throw new Error(`no reason shown: ${state}`);
    }, 60_000);
  }, 90_000);

  it('treats only loopback names and addresses as loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'earshot.example.com', '128.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
