import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { pendingCount, deadCount } from '../../storage/inbox.ts';
import { ping } from '../../storage/db.ts';
import { authenticate } from '../auth.ts';
import { isLoopbackHost } from '../exposure.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { Metrics } from '../../metrics.ts';
import type { JobQueue } from '../../queue/backend.ts';
import type { SupportConfig } from '../../support/config.ts';

const Check = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.String()) });

/** `work`, or a rejection after `timeoutMs`: a silent (blackholed) dependency must not hang /ready. */
function withinTime<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
}

async function check(work: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  try {
    await withinTime(work(), timeoutMs);
    return 'ok';
  } catch (err) {
    return `failing: ${(err as Error).message}`;
  }
}

/** 'failing: connect ECONNREFUSED 10.0.0.5:5432' → 'failing'; 'ok (rate limited until …)' → 'ok'. */
function withoutDetails(state: string): string {
  return /^[a-z]+/.exec(state)?.[0] ?? 'unknown';
}

export interface HealthRoutesOptions {
  db: Db;
  queue: JobQueue;
  /** Served at /metrics; the inbox and queue gauges are set at each scrape. */
  metrics: Metrics;
  /** Each polled source's state ('ok' or 'failing: …'), for /ready. */
  sourceHealth: () => Promise<Record<string, string>>;
  /** The worker watchdog's verdict; absent where none runs. */
  workerHealth?: () => string;
  host: string;
  adminToken: string | null;
  cookieMode: SupportConfig['cookieSecure'];
}

export default async function healthRoutes(app: RouteApp, deps: HealthRoutesOptions): Promise<void> {
  // Why a check fails (hosts, ports, upstream errors) is for staff unless only this machine can ask.
  const exposed = !isLoopbackHost(deps.host);
  const mayReadDetails = async (req: FastifyRequest) => {
    if (!exposed) return true;
    const p = await authenticate(req, deps.db, deps.adminToken, deps.cookieMode).catch(() => null);
    return p !== null && p.role !== 'ingest';
  };
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'The process is up',
        response: { 200: Type.Object({ status: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Database, queue and sources are reachable and healthy; "degraded" (still 200) when the inbox holds dead ' +
          'letters (why a check fails: for staff only when HOST is not loopback)',
        response: { 200: Check, 503: Check },
      },
    },
    async (req, reply) => {
      const checks: Record<string, string> = {
        database: await check(() => ping(deps.db)),
        queue: await check(() => deps.queue.ping()),
      };
      // Source states live in the database: when it is down, the database check already says so.
      const sources = await withinTime(deps.sourceHealth(), 2000).catch(() => ({}));
      for (const [name, state] of Object.entries(sources)) checks[`source:${name}`] = state;
      // Stalled workers are reported, not made a readiness failure: the API keeps accepting into the
      // inbox (nothing is lost), and a load balancer must not take it out of rotation for that.
      if (deps.workerHealth) checks.workers = deps.workerHealth();
      // Dead letters do not stop the service, but someone must look: 'degraded', still 200.
      const dead = checks.database === 'ok' ? await withinTime(deadCount(deps.db), 2000).catch(() => null) : null;
      checks.inbox = dead
        ? `degraded: ${dead} dead letter${dead === 1 ? '' : 's'} (GET /api/inbox/dead; earshot inbox retry)`
        : 'ok';
      const ready = checks.database === 'ok' && checks.queue === 'ok';
      if (!(await mayReadDetails(req)))
        for (const [name, state] of Object.entries(checks)) checks[name] = withoutDetails(state);
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? (dead ? 'degraded' : 'ready') : 'not ready', checks });
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: false } },
    async (_req, reply) => {
      await Promise.all([
        pendingCount(deps.db)
          .then((n) => deps.metrics.inboxPending.set(n))
          .catch(() => {}),
        deadCount(deps.db)
          .then((n) => deps.metrics.inboxDead.set(n))
          .catch(() => {}),
        deps.queue
          .counts()
          .then((c) => Object.entries(c).forEach(([state, n]) => deps.metrics.queueJobs.set({ state }, n)))
          .catch(() => {}),
      ]);
      const { registry } = deps.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
