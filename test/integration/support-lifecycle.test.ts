/**
 * The whole life of a case through the HTTP API against real PostgreSQL and the real worker:
 * a customer's complaint opens it, follow-ups thread onto it, an agent logged in by cookie assigns
 * it, the SLA breaches on a fake clock and the premium customer is escalated, the agent answers and
 * resolves it, the customer posts again and it reopens; merge, split, linking and metrics follow.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testRuntime, drained, mention, type TestRuntime } from '../helpers/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { startService, type Service } from '../../src/runtime.ts';
import { createToken } from '../../src/storage/tokens.ts';
import { slaCheckOnce } from '../../src/support/sla-check.ts';
import { loadSlaPolicy } from '../../src/support/sla.ts';

const admin = { authorization: 'Bearer test-admin-token-0123456789abcdefghij' };
const M = 60_000;
let rt: TestRuntime;
let service: Service;
let app: FastifyInstance;
let dir: string;
let ingest: Record<string, string>;
let clock = Date.now();
const fakeNow = () => new Date(clock);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'earshot-sla-'));
  // Round the clock, so the test does not depend on the weekday it runs on.
  writeFileSync(
    join(dir, 'sla.yaml'),
    `calendar: { time_zone: UTC, weekdays: [sun, mon, tue, wed, thu, fri, sat], hours: { start: "00:00", end: "24:00" } }
targets:
  low: { first_response: 30m, resolution: 4h }
  normal: { first_response: 30m, resolution: 4h }
  high: { first_response: 30m, resolution: 4h }
  urgent: { first_response: 30m, resolution: 4h }
premium: { escalate_after: 15m }
`,
  );
  rt = await testRuntime({
    env: {
      EARSHOT_SLA_FILE: join(dir, 'sla.yaml'),
      EARSHOT_SLA_CHECK_INTERVAL_MS: '86400000', // the test runs the check itself, on its fake clock
      EARSHOT_DRY_RUN: '1',
    },
  });
  service = await startService(rt, { api: false, worker: true });
  app = await buildApp({ ...rt, sourceHealth: async () => ({}), now: fakeNow });
  ingest = { authorization: `Bearer ${await createToken(rt.db, 'bridge', 'ingest')}` };
});
afterAll(async () => {
  await app.close();
  await service.stop();
  await rt.database.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  cookie: string;
  csrf: string;
}
let agent: Session;

async function login(email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/^earshot_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
  return { cookie: setCookie.split(';')[0] as string, csrf: res.json().csrf_token };
}

const as = (s: Session, csrf = true) => ({ cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) });
const act = async (s: Session, url: string, payload: object) => {
  const res = await app.inject({ method: 'POST', url, headers: as(s), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};
const getCase = async (id: number) => (await app.inject({ url: `/api/cases/${id}`, headers: as(agent, false) })).json();
const ingestMentions = async (...mentions: object[]) => {
  expect(
    (await app.inject({ method: 'POST', url: '/api/mentions', headers: ingest, payload: { mentions } })).statusCode,
  ).toBe(202);
  await drained(rt);
};
const caseOf = async (handle: string) => {
  const items: { id: number; author: { handle: string }; status: string }[] = (
    await app.inject({ url: '/api/cases?limit=200', headers: admin })
  ).json().items;
  return items.filter((c) => c.author.handle === handle);
};

describe('the life of a case', () => {
  let caseId: number;
  const complaint = mention({
    source: 'twitter',
    author: { handle: 'Dana_K', name: 'Dana Kowalski' },
    text: 'Charged twice for my Lumio subscription this month and nobody answers my emails',
  });

  it('admin creates an agent, who logs in with a cookie session', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { email: 'sam@example.com', role: 'agent', team: 'billing-team' },
    });
    expect(created.statusCode).toBe(201);
    const password = created.json().password as string;
    expect(password).toHaveLength(20);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/session',
          payload: { email: 'sam@example.com', password: 'wrong password!' },
        })
      ).statusCode,
    ).toBe(401);
    agent = await login('SAM@example.com', password);
    const me = await app.inject({ url: '/api/session', headers: as(agent, false) });
    expect(me.json()).toMatchObject({
      user: { name: 'sam@example.com', role: 'agent', team: 'billing-team' },
      csrf_token: agent.csrf,
    });
  });

  it('a premium customer is imported through the API', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/customers/C-1',
      headers: ingest,
      payload: {
        name: 'Dana Kowalski',
        email: 'dana@example.com',
        attributes: { tier: 'premium', plan: 'pro' },
        handles: [{ source: 'twitter', handle: '@DANA_K' }],
      },
    });
    expect(res.json()).toEqual({ inserted: 1, updated: 0, authors_linked: 0 });
  });

  it('opens one case for a complaint and threads the follow-up onto it', async () => {
    await ingestMentions(complaint);
    const [c] = await caseOf('dana_k');
    expect(c).toBeDefined();
    caseId = (c as { id: number }).id;
    await ingestMentions(
      mention({
        source: 'twitter',
        author: { handle: '@dana_k' },
        text: 'Hello?? still waiting, this is ridiculous',
        in_reply_to: complaint.external_id,
      }),
    );
    expect(await caseOf('dana_k')).toHaveLength(1);
    const detail = await getCase(caseId);
    expect(detail.mention_count).toBe(2);
    expect(detail.status).toBe('new');
    expect(detail.author.customer_id).toBe('C-1');
    expect(detail.customer).toMatchObject({ customer_id: 'C-1', link_origin: 'handle' });
    expect(detail.sla.first_response.state).toBe('ok');
    expect(detail.suggested_replies.map((s: { id: string }) => s.id)).toContain('move-to-private');
    expect(detail.suggested_replies[0].text).toMatch(/^Hi Dana,/);
  });

  it('refuses a cookie-authenticated change without the CSRF header', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/notes`,
      headers: as(agent, false),
      payload: { text: 'x' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('x-csrf-token');
  });

  it('assigns, notes and tags, each in the history with who and when', async () => {
    await act(agent, `/api/cases/${caseId}/assign`, { assignee: 'sam@example.com', queue: 'billing' });
    await act(agent, `/api/cases/${caseId}/notes`, { text: 'Checked Stripe: two charges on the 3rd.' });
    expect((await act(agent, `/api/cases/${caseId}/tags`, { add: ['Refund', 'double-charge'] })).tags).toEqual([
      'double-charge',
      'refund',
    ]);
    const d = await getCase(caseId);
    expect(d).toMatchObject({
      status: 'assigned',
      assignee: 'sam@example.com',
      queue: 'billing',
      tags: ['double-charge', 'refund'],
    });
    expect(d.notes).toEqual([
      expect.objectContaining({ actor: 'sam@example.com', text: 'Checked Stripe: two charges on the 3rd.' }),
    ]);
    const kinds = d.events.map((e: { kind: string; actor: string }) => `${e.kind}:${e.actor}`);
    expect(kinds).toEqual([
      'opened:pipeline',
      'mention_added:pipeline',
      'mention_added:pipeline',
      'assigned:sam@example.com',
      'status:sam@example.com',
      'note:sam@example.com',
      'tags:sam@example.com',
    ]);
    expect(d.events.find((e: { kind: string }) => e.kind === 'status').data).toMatchObject({
      from: 'new',
      to: 'assigned',
    });
  });

  it('breaches the first-response SLA on the fake clock, tops the queue, and escalates the premium customer', async () => {
    clock += 45 * M;
    const d = await getCase(caseId);
    expect(d.sla.first_response.state).toBe('breached');
    const other = mention({
      source: 'twitter',
      author: { handle: 'eve_r' },
      text: 'My parcel never arrived and tracking is broken, really annoyed',
    });
    await ingestMentions(other);
    const queue = (await app.inject({ url: '/api/cases?sort=sla', headers: as(agent, false) })).json().items;
    // Both are late on the fake clock; Dana's was due first, so hers leads the queue.
    expect(queue.map((c: { id: number }) => c.id)[0]).toBe(caseId);
    expect(queue[1]).toMatchObject({ author: { handle: 'eve_r' }, sla: { state: 'breached' } });

    const check = await slaCheckOnce(
      rt.db,
      loadSlaPolicy(rt.config.support.slaFile as string),
      rt.config.support.premium,
      fakeNow(),
    );
    expect(check.escalated).toEqual([caseId]);
    expect(check.breached).toContainEqual({ caseId, clock: 'first_response' });
    expect(
      (
        await slaCheckOnce(
          rt.db,
          loadSlaPolicy(rt.config.support.slaFile as string),
          rt.config.support.premium,
          fakeNow(),
        )
      ).breached,
    ).toEqual([]); // once
    const after = await getCase(caseId);
    expect(after.escalated_at).not.toBeNull();
    expect(after.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['escalated', 'sla_breached']),
    );
  });

  it('answers, waits on the customer, resolves; the customer posts again and the case reopens', async () => {
    const replyRoute = app.routeTable.some((r) => r.method === 'POST' && r.url === '/api/cases/:id/replies');
    if (replyRoute) {
      // The channels engineer's reply endpoint, in dry-run mode (EARSHOT_DRY_RUN=1).
      const res = await app.inject({
        method: 'POST',
        url: `/api/cases/${caseId}/replies`,
        headers: as(agent),
        payload: { text: 'Hi Dana, refund on its way.' },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      for (let i = 0; i < 100 && (await getCase(caseId)).first_response_at === null; i++)
        await new Promise((r) => setTimeout(r, 100));
    } else {
      // What a sent reply does (src/replies sets it): first_response_at and a 'replied' event.
      await rt.db.query('UPDATE cases SET first_response_at = $2 WHERE id = $1 AND first_response_at IS NULL', [
        caseId,
        fakeNow(),
      ]);
      await rt.db.query(
        "INSERT INTO case_events (case_id, actor, kind, data) VALUES ($1, 'sam@example.com', 'replied', '{}')",
        [caseId],
      );
    }
    expect((await getCase(caseId)).first_response_at).not.toBeNull();
    await act(agent, `/api/cases/${caseId}/status`, { status: 'waiting' });
    clock += 30 * M;
    await act(agent, `/api/cases/${caseId}/status`, { status: 'resolved' });
    const resolved = await getCase(caseId);
    expect(resolved.status).toBe('resolved');
    expect(resolved.sla.resolution.state).toBe('met');
    const bad = await app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/status`,
      headers: as(agent),
      payload: { status: 'waiting' },
    });
    expect(bad.statusCode).toBe(409);

    await ingestMentions(
      mention({
        source: 'twitter',
        author: { handle: 'dana_k' },
        text: 'It happened AGAIN, charged twice this month, unbelievable',
      }),
    );
    expect(await caseOf('dana_k')).toHaveLength(1);
    const reopened = await getCase(caseId);
    expect(reopened).toMatchObject({ status: 'reopened', reopen_count: 1, resolved_at: null, mention_count: 3 });
    expect(reopened.events.at(-2)).toMatchObject({ kind: 'reopened', actor: 'pipeline' });
    await act(agent, `/api/cases/${caseId}/status`, { status: 'resolved' });
  });

  it('merges a case into another and splits it back out, keeping both histories', async () => {
    const [eve] = await caseOf('eve_r');
    const eveId = (eve as { id: number }).id;
    const eveMentions = (await getCase(eveId)).mentions.map((m: { id: number }) => m.id);
    await ingestMentions(
      mention({
        source: 'twitter',
        author: { handle: 'dana_k' },
        text: 'And now my invoice shows the wrong amount, sort it out please',
      }),
    );
    const [dana] = (await caseOf('dana_k')).filter((c) => c.status !== 'resolved');
    const target = (dana as { id: number }).id;
    await act(agent, `/api/cases/${eveId}/merge`, { into: target });
    const merged = await getCase(eveId);
    expect(merged).toMatchObject({ status: 'resolved', merged_into: target, mention_count: 0 });
    expect((await getCase(target)).mentions.map((m: { id: number }) => m.id)).toEqual(
      expect.arrayContaining(eveMentions),
    );
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/cases/${eveId}/merge`,
          headers: as(agent),
          payload: { into: target },
        })
      ).statusCode,
    ).toBe(409);

    const split = await act(agent, `/api/cases/${target}/split`, { mention_ids: eveMentions });
    const fresh = await getCase(split.case_id);
    expect(fresh.mentions.map((m: { id: number }) => m.id)).toEqual(eveMentions);
    expect(fresh.author.handle).toBe('eve_r');
    expect(fresh.events[0]).toMatchObject({ kind: 'opened', data: { split_from: target } });
    expect((await getCase(target)).events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['merged_from', 'split']),
    );

    // Eve was never linked: linking her by hand from the case brings her earlier case along.
    await app.inject({ method: 'PUT', url: '/api/customers/C-2', headers: ingest, payload: { name: 'Eve R' } });
    await act(agent, `/api/cases/${split.case_id}/link-customer`, { customer_id: 'C-2' });
    const view = (await app.inject({ url: '/api/customers/C-2', headers: as(agent, false) })).json();
    expect(view.authors).toEqual([expect.objectContaining({ handle: 'eve_r', link_origin: 'manual' })]);
    expect(view.cases.map((c: { id: number }) => c.id).sort()).toEqual([eveId, split.case_id].sort());
    await act(agent, `/api/cases/${target}/status`, { status: 'resolved' });
  });

  it('shows the customer with mentions, cases and the attributes that raise priority', async () => {
    const view = (await app.inject({ url: '/api/customers/C-1', headers: as(agent, false) })).json();
    expect(view.mentions.length).toBeGreaterThanOrEqual(4);
    expect(view.cases.length).toBeGreaterThanOrEqual(1);
    expect(view.value_attributes).toEqual({ tier: 'premium' });
    expect(view.authors).toEqual([
      expect.objectContaining({ source: 'twitter', handle: 'dana_k', link_origin: 'handle' }),
    ]);
  });

  it('reports the metrics over the range, as JSON and CSV', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(clock + 3_600_000).toISOString();
    const res = await app.inject({
      url: `/api/metrics/support?from=${from}&to=${to}&group_by=agent`,
      headers: as(agent, false),
    });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.total.opened).toBe(2); // Dana's and the one split out; the merged one counts on the case it joined
    expect(m.total.resolved).toBe(1);
    expect(m.total.sla_breaches.first_response).toBeGreaterThanOrEqual(1);
    expect(m.total.reopen_rate_pct).toBe(100);
    const sam = m.groups.find((g: { group: string }) => g.group === 'sam@example.com');
    expect(sam).toMatchObject({ resolved: 1, first_response_minutes: { count: 1 } });
    const csv = await app.inject({
      url: `/api/metrics/support?from=${from}&to=${to}&group_by=team`,
      headers: { ...as(agent, false), accept: 'text/csv' },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toMatch(/^group,opened,resolved,backlog,/);
    expect(csv.body).toContain('billing-team,');
  });

  it('reports the last 30 days when no "from" is given', async () => {
    const to = new Date(clock + 3_600_000);
    const res = await app.inject({ url: `/api/metrics/support?to=${to.toISOString()}`, headers: as(agent, false) });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(new Date(m.from).getTime()).toBe(to.getTime() - 30 * 86_400_000);
    expect(m.total.opened).toBe(2);
  });

  it("records an agent's correction and exports it for training", async () => {
    const d = await getCase(caseId);
    const mentionId = d.mentions[0].id;
    const res = await app.inject({
      method: 'POST',
      url: `/api/mentions/${mentionId}/corrections`,
      headers: as(agent),
      payload: { kind: 'sentiment', value: 'neutral' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      kind: 'sentiment',
      before: 'negative',
      after: 'neutral',
      actor: 'sam@example.com',
    });
    await app.inject({
      method: 'POST',
      url: `/api/mentions/${mentionId}/corrections`,
      headers: as(agent),
      payload: { kind: 'not_actionable' },
    });
    const out = await app.inject({ url: '/api/corrections/export', headers: admin });
    const lines = out.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({
        mention_id: mentionId,
        label: 'neutral',
        actionable: false,
        corrected: ['actionable', 'sentiment'],
      }),
    ]);
  });

  it('links an e-mail author to the customer with that address on the way in', async () => {
    await ingestMentions(
      mention({
        source: 'email',
        author: { handle: 'Dana@Example.com' },
        text: 'Still no refund for the double charge, please call me back',
      }),
    );
    const view = (await app.inject({ url: '/api/customers/C-1', headers: admin })).json();
    expect(view.authors).toContainEqual(
      expect.objectContaining({ source: 'email', handle: 'dana@example.com', link_origin: 'email' }),
    );
    const [mailCase] = await caseOf('dana@example.com');
    expect((await getCase((mailCase as { id: number }).id)).author.customer_id).toBe('C-1');
  });

  it('logs out: the cookie stops working', async () => {
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: agent.cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await app.inject({ url: '/api/cases', headers: { cookie: agent.cookie } })).statusCode).toBe(401);
  });
});

describe('the SLA policy', () => {
  it('is read once, at start: GET /api/sla reports the policy in force, not the file as edited since', async () => {
    const inForce = rt.slaPolicy;
    expect(inForce.targets.normal.resolutionMs).toBe(4 * 60 * M);
    writeFileSync(join(dir, 'sla.yaml'), 'targets:\n  normal: { first_response: 1h, resolution: 8h }\n');
    const res = await app.inject({ url: '/api/sla', headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().targets.normal).toEqual({ first_response_minutes: 30, resolution_minutes: 240 });
    expect(rt.slaPolicy).toBe(inForce);
  });
});
