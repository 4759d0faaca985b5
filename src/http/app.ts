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
import { supportContext } from '../support/context.ts';
import { slaFileOf } from '../support/sla.ts';
import { xUserContextConfigured } from '../channels/twitter/client.ts';
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

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
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

  const { db, queue, log, config, metrics } = deps;
  registerAuth(app, db, config.adminToken, config.support.cookieSecure);
  registerIdChecks(app);
  // Each route plugin gets only what it uses (never the whole config and its secrets).
  const now = deps.now ?? (() => new Date());
  const support = supportContext(deps.slaPolicy, config.rulesDir, now);
  const cookieMode = config.support.cookieSecure;
  const publicConfig = config.public;
  const site = { publicUrl: publicConfig.publicUrl, siteName: publicConfig.siteName };
  const ingest = { db, queue, log, metrics };
  const { sourceHealth, workerHealth } = deps;
  const health = {
    db,
    queue,
    metrics,
    sourceHealth,
    workerHealth,
    host: config.host,
    adminToken: config.adminToken,
    cookieMode,
  };
  const databaseUrl = deps.databaseUrl ?? config.databaseUrl ?? '';
  const live = { db, log, databaseUrl, databaseSchema: config.databaseSchema, pollMs: config.livePollMs };
  const x = config.channels.x;
  const { appSecret, verifyToken } = config.channels.facebook;
  const outreach = { db, queue, dryRun: config.dryRun, xDm: xUserContextConfigured(x) };
  const costPerHour = config.support.agentCostPerHour;
  const webhooks = metrics.channels.webhooks;
  const rules = { db, rulesDir: config.rulesDir, slaFile: slaFileOf(config), slaPolicy: deps.slaPolicy };
  // One route plugin a line: the order does not matter, and a new feature adds its own line.
  await app.register(healthRoutes, health);
  await app.register(mentionRoutes, { ...ingest, maxBacklog: config.maxBacklog });
  await app.register(caseRoutes, { db, support, site });
  await app.register(caseActionRoutes, { db, log, support, publicConfig });
  await app.register(customerRoutes, { db, rulesDir: config.rulesDir });
  await app.register(userRoutes, { db, cookieMode });
  await app.register(sessionRoutes, { db, cookieMode, sessionHours: config.support.sessionHours });
  await app.register(supportMetricsRoutes, { db, support, agentCostPerHour: costPerHour });
  await app.register(correctionRoutes, { db });
  await app.register(twitterWebhook, { ingest, webhooks, consumerSecret: x.consumerSecret });
  await app.register(facebookWebhook, { ingest, webhooks, appSecret, verifyToken });
  await app.register(sourceRoutes, { db, channels: config.channels });
  await app.register(replyRoutes, { db, queue, log });
  await app.register(statsRoutes, { db, now });
  await app.register(dashboardRoutes);
  await app.register(clusterRoutes, { db });
  await app.register(alertRoutes, { db });
  await app.register(eventRoutes, live);
  await app.register(alertDestinationRoutes, { db, alerts: config.alerts });
  await app.register(crisisRoutes, { db, now });
  await app.register(outreachRoutes, outreach);
  await app.register(kbRoutes, { db, site, minGroup: publicConfig.kbMinGroup });
  await app.register(publicCaseRoutes, { ...ingest, publicConfig });
  await app.register(surveyRoutes, { db, log, now, publicConfig });
  await app.register(ruleRoutes, rules);
  await app.register(inboxRoutes, ingest);
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
