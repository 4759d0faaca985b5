/** The Fastify app: one error handler, schemas on every route, auth by route config, OpenAPI at /docs. */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';
import type { JobQueue } from '../queue/backend.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { SlaPolicy } from '../support/sla.ts';
import { isConnectionError } from '../storage/db.ts';
import { registerAuth } from './auth.ts';
import { statusOf, reasonOf } from './errors.ts';
import { isAppError, type AppError } from '../domain/errors.ts';
import { registerIdChecks } from './ids.ts';
import { staffOnlyWhenExposed } from './exposure.ts';
import healthRoutes from './routes/health.ts';
import mentionRoutes from './routes/mentions.ts';
import caseRoutes from './routes/cases.ts';
import caseActionRoutes from './routes/case-actions.ts';
import customerRoutes from './routes/customers.ts';
import userRoutes from './routes/users.ts';
import sessionRoutes from './routes/session.ts';
import supportMetricsRoutes from './routes/support-metrics.ts';
import correctionRoutes from './routes/corrections.ts';
import twitterWebhook from './routes/webhooks/twitter.ts';
import facebookWebhook from './routes/webhooks/facebook.ts';
import sourceRoutes from './routes/sources.ts';
import replyRoutes from './routes/replies.ts';
import statsRoutes from './routes/stats.ts';
import dashboardRoutes from './routes/dashboard.ts';
import clusterRoutes from './routes/clusters.ts';
import alertRoutes from './routes/alerts.ts';
import crisisRoutes from './routes/crisis.ts';
import alertDestinationRoutes from './routes/alert-destinations.ts';
import eventRoutes from './routes/events.ts';
import outreachRoutes from './routes/outreach.ts';
import kbRoutes from './routes/kb.ts';
import ruleRoutes from './routes/rules.ts';
import inboxRoutes from './routes/inbox.ts';
import publicCaseRoutes from './routes/public-cases.ts';
import surveyRoutes from './routes/survey.ts';

export interface AppDeps {
  config: Config;
  db: Db;
  queue: JobQueue;
  log: Logger;
  /** The runtime's Prometheus registry and collectors. */
  metrics: Metrics;
  /** The SLA calendar and targets in force, read once at start. */
  slaPolicy: SlaPolicy;
  /** Each polled source's state ('ok' or 'failing: …'), for /ready. */
  sourceHealth: () => Promise<Record<string, string>>;
  /** The worker watchdog's verdict ('ok' or 'failing: …') for /ready; absent where none runs. */
  workerHealth?: () => string;
  /** The database actually in use (the embedded one's when DATABASE_URL is unset), for LISTEN. */
  databaseUrl?: string;
  /** The clock support uses for SLA state; tests inject a fake one. */
  now?: () => Date;
}

/** Every route as registered, with the roles it admits (undefined: public); the role-matrix test reads it. */
export interface RouteEntry {
  method: string;
  url: string;
  roles: readonly string[] | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export type Plugin = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

export async function buildApp(deps: AppDeps, extraRoutes: Plugin[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    requestTimeout: 120_000,
    // Off unless EARSHOT_TRUST_PROXY says which proxies to believe: otherwise anyone could forge X-Forwarded-For.
    trustProxy: trustProxyOption(deps.config.trustProxy),
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  // Before the route table's hook, so the table shows the roles these routes really admit.
  staffOnlyWhenExposed(app, deps.config.host, ['/docs', '/metrics']);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat())
      routeTable.push({ method, url: r.url, roles: (r.config as { roles?: readonly string[] } | undefined)?.roles });
  });

  // Before any plugin (swagger's /docs too), so every route answers its errors through it.
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (isAppError(err)) {
      // A refusal the code meant: its message is written for the caller, whatever the status.
      const status = statusOf(err);
      if (status >= 500) req.log.warn({ code: err.code, error: err.message }, 'request refused');
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(status).send({ error: reasonOf(status), message: err.message, ...err.details });
    }
    if (err.validation) {
      const first = err.validation[0];
      const field = `${err.validationContext ?? 'body'}${first?.instancePath ?? ''}`.replace(/\//g, '.');
      const missing =
        first?.params && 'missingProperty' in first.params ? `.${String(first.params.missingProperty)}` : '';
      return reply.code(400).send({
        error: 'Bad Request',
        message: `${field}${missing} ${first?.message ?? 'is invalid'}`,
        field: `${field}${missing}`,
      });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: 'Payload Too Large',
        message: `the body exceeds ${deps.config.bodyLimitBytes} bytes (EARSHOT_BODY_LIMIT): send fewer mentions per request`,
      });
    }
    if (isConnectionError(err)) {
      // Senders (webhooks, bridges) retry a 503; nothing was accepted, so nothing is lost.
      req.log.warn({ err }, 'database unreachable');
      return reply.code(503).header('retry-after', '5').send({
        error: 'Service Unavailable',
        message: 'the database is unreachable; nothing was stored: retry in a few seconds',
      });
    }
    const sqlClass = sqlStateClass(err);
    if (sqlClass === '53') {
      // Insufficient resources (disk full, out of memory, too many connections): nothing was stored; retry later.
      req.log.error({ code: (err as { code?: string }).code, error: err.message }, 'database out of resources');
      return reply.code(503).header('retry-after', '30').send({
        error: 'Service Unavailable',
        message: 'the database is out of resources (e.g. disk full); nothing was stored: retry later',
      });
    }
    if (sqlClass === '22') {
      // Data exception (a value PostgreSQL cannot store: NUL in text, out-of-range number, bad encoding).
      req.log.warn(
        { code: (err as { code?: string }).code, error: err.message },
        'request data refused by the database',
      );
      return reply.code(400).send({ error: 'Bad Request', message: `a value cannot be stored: ${err.message}` });
    }
    const status = statusOf(err);
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.code(status).send({
        error: 'Internal Server Error',
        message: 'earshot failed to handle this request; the error is in its log',
      });
    }
    return reply.code(status).send({ error: reasonOf(status), message: err.message });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'earshot API', version: '0.1.0', description: 'Social listening that turns support proactive.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({
      method: req.method,
      route: req.routeOptions.url ?? 'unknown',
      status: String(reply.statusCode),
    });
  });

  registerAuth(app, deps.db, deps.config.adminToken, deps.config.support.cookieSecure);
  registerIdChecks(app);
  // One route plugin a line: the order does not matter, and a new feature adds its own line.
  const plugins: Plugin[] = [
    healthRoutes,
    mentionRoutes,
    caseRoutes,
    caseActionRoutes,
    customerRoutes,
    userRoutes,
    sessionRoutes,
    supportMetricsRoutes,
    correctionRoutes,
    twitterWebhook,
    facebookWebhook,
    sourceRoutes,
    replyRoutes,
    statsRoutes,
    dashboardRoutes,
    clusterRoutes,
    alertRoutes,
    eventRoutes,
    alertDestinationRoutes,
    crisisRoutes,
    outreachRoutes,
    kbRoutes,
    publicCaseRoutes,
    surveyRoutes,
    ruleRoutes,
    inboxRoutes,
    ...extraRoutes,
  ];
  for (const plugin of plugins) await plugin(app, deps);
  return app;
}

/** A hop count becomes "the nearest n hops" (what fastify does with a number; its types take only a function). */
function trustProxyOption(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/** The SQLSTATE class (first two characters) of a PostgreSQL error, or null for any other error. */
function sqlStateClass(err: unknown): string | null {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : null;
}
