/**
 * Composes earshot from its parts for one process: database (embedded or DATABASE_URL), migrations,
 * queue (Redis or PostgreSQL), and on demand the HTTP API, the pipeline worker and the sweeper.
 * `earshot start` runs all three; `earshot worker` only the worker.
 */
import type { FastifyInstance } from 'fastify';
import type { Worker } from 'bullmq';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { createDb, type Db } from './storage/db.ts';
import { migrate } from './storage/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './storage/embedded.ts';
import { createJobQueue, type JobQueue } from './queue/backend.ts';
import { startSweeper } from './ingest/sweeper.ts';
import { startWatchdog } from './queue/watchdog.ts';
import { processIsolated } from './pipeline/isolate.ts';
import { startSlaChecker } from './support/sla-check.ts';
import { loadSlaPolicy, slaFileOf, type SlaPolicy } from './support/sla.ts';
import { createModels, type LiveModels } from './pipeline/models.ts';
import { buildApp } from './http/app.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { ingest } from './ingest/ingest.ts';
import { createChannels, type Channels } from './channels/service.ts';
import {
  getCursor,
  saveCursor,
  pauseCursor,
  recordPollSuccess,
  recordPollFailure,
  listSourceStates,
} from './storage/cursors.ts';
import { addUsage, usageToday } from './storage/usage.ts';
import { sendReply } from './replies/send.ts';
import { createClusterStage } from './clusters/stage.ts';
import { dispatchDms, sendOutreach } from './outreach/send.ts';
import { runCrisisDetection } from './crisis/job.ts';
import { deliverDue } from './alerts/deliver.ts';

export interface Runtime {
  config: Config;
  log: Logger;
  db: Db;
  databaseUrl: string;
  queue: JobQueue;
  /** This runtime's Prometheus registry and collectors (served at /metrics). */
  metrics: Metrics;
  /** The SLA calendar and targets, read once at start (a bad file stops it); routes and the SLA checker share it. */
  slaPolicy: SlaPolicy;
  /** X, Facebook and Google Alerts: poll targets, stream, reply adapters (src/channels/). */
  channels: Channels;
  close(): Promise<void>;
}

/** Reads the SLA policy, opens the database (starting the embedded one if no DATABASE_URL), migrates it and opens the queue. */
export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  const slaPolicy = loadSlaPolicy(slaFileOf(config));
  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const started = Date.now();
    embedded = await startEmbeddedPostgres(config.dataDir, {
      log: (msg) => log.warn(msg),
      defaultFolder: config.dataDirIsDefault,
    });
    databaseUrl = embedded.url;
    const runsAs = embedded.runsAs ? ` (started as root: PostgreSQL runs as the '${embedded.runsAs}' user)` : '';
    log.info(
      { dataDir: embedded.dataDir, ms: Date.now() - started },
      `embedded PostgreSQL started, data in ${embedded.dataDir}${runsAs}`,
    );
  }
  const db = createDb({
    url: databaseUrl,
    schema: config.databaseSchema,
    log,
    queryTimeoutMs: config.dbQueryTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  });
  try {
    const applied = await migrate(db, config.databaseSchema);
    if (applied.length) log.info({ applied }, 'database migrated');
  } catch (err) {
    await db.end();
    await embedded?.stop();
    throw err;
  }
  const metrics = createMetrics({ health: () => listSourceStates(db), readToday: () => usageToday(db) });
  const queue = createJobQueue({
    name: config.queueName,
    redisUrl: config.redisUrl,
    databaseUrl,
    pgSchema: config.databaseSchema === 'public' ? 'bullmq' : `${config.databaseSchema}_bullmq`,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    lockMs: config.jobLockMs,
    log,
    connectionErrors: metrics.queueConnectionErrors,
  });
  log.info({ queue: queue.kind, database: config.databaseUrl ? 'external' : 'embedded' }, 'storage and queue ready');
  const channels = openChannels(config, db, queue, log, metrics);
  return {
    config,
    log,
    db,
    databaseUrl,
    queue,
    metrics,
    slaPolicy,
    channels,
    async close() {
      await queue.close();
      await db.end();
      await embedded?.stop();
    },
  };
}

/** The channels get their storage as small interfaces; this is where PostgreSQL and the inbox are plugged in. */
function openChannels(config: Config, db: Db, queue: JobQueue, log: Logger, metrics: Metrics): Channels {
  return createChannels({
    config: config.channels,
    log,
    metrics: metrics.channels,
    cursors: {
      get: (source, key) => getCursor(db, source, key),
      save: (source, key, patch) => saveCursor(db, source, key, patch),
      pause: (source, key, until, reason) => pauseCursor(db, source, key, until, reason),
    },
    health: {
      success: (source, key) => recordPollSuccess(db, source, key),
      failure: (source, key, error, threshold) => recordPollFailure(db, source, key, error, threshold),
      list: () => listSourceStates(db),
    },
    ingest: async (mentions) => {
      const r = await ingest({ db, queue, log, metrics }, mentions);
      return { accepted: r.accepted.length, duplicates: r.duplicates.length };
    },
    countUsage: (source, kind, n) => addUsage(db, source, kind, n),
  });
}

/** Batches finishing within this window share one cluster job. */
const CLUSTER_COALESCE_MS = 250;

export function startPipelineWorker(rt: Runtime, models: LiveModels): Worker {
  // This process's copy of the clustering engine; the advisory lock and the versioned snapshot keep
  // every process's copy in step (src/clusters/stage.ts).
  const clusterStage = createClusterStage();
  /**
   * Clustering has its own job (one writer), queued after the commit; a lost enqueue is caught up by the
   * 'cluster-catch-up' schedule. The stage takes every unplaced mention whatever the payload, so one job
   * per CLUSTER_COALESCE_MS window (the queue drops a repeated job id) does the work of all the batches
   * committed within it. The job is held back to the window's end, so it starts after every one of
   * those commits and none of their mentions waits for the catch-up schedule.
   */
  async function queueClusterRun(ids: readonly number[]): Promise<void> {
    const now = Date.now();
    const windowEnd = (Math.floor(now / CLUSTER_COALESCE_MS) + 1) * CLUSTER_COALESCE_MS;
    await rt.queue
      .add('cluster-mentions', { mentionIds: ids.slice(0, 1000) }, `cluster-${windowEnd}`, windowEnd - now)
      .catch((err: unknown) =>
        rt.log.warn({ err }, 'cluster job not queued; the catch-up schedule will place these mentions'),
      );
  }
  return rt.queue.startWorker(
    {
      'process-inbox': async ({ inboxIds }) => {
        const end = rt.metrics.batchSeconds.startTimer();
        // A failing batch is split until its bad rows stand alone; they are counted and, at the limit, set aside.
        const outcome = await processIsolated(rt.db, models, inboxIds, {
          reopenWindowMs: rt.config.support.reopenWindowHours * 3_600_000,
          slaPolicy: rt.slaPolicy,
          maxAttempts: rt.config.inboxMaxAttempts,
        });
        end();
        rt.metrics.inboxFailures.inc(outcome.failed.length);
        for (const f of outcome.failed) {
          if (f.dead)
            rt.log.error(
              { inboxId: f.inboxId, error: f.error },
              'inbox row is a dead letter after too many failed attempts (earshot inbox list-dead / retry)',
            );
          else rt.log.warn({ inboxId: f.inboxId, error: f.error }, 'inbox row failed; the sweeper will try it again');
        }
        rt.metrics.mentionsProcessed.inc(outcome.mentions);
        rt.metrics.casesOpened.inc(outcome.casesOpened);
        rt.metrics.rejected.inc(outcome.rejected.length);
        for (const r of outcome.rejected) rt.log.warn({ inboxId: r.inboxId, error: r.error }, 'inbox row rejected');
        // After the commit, so the cluster run sees these mentions.
        const ids = outcome.mentionIds ?? [];
        if (ids.length > 0) await queueClusterRun(ids);
        return { ...outcome, mentionIds: undefined, failed: outcome.failed.length };
      },
      'cluster-mentions': async () => {
        const r = await clusterStage.run(rt.db);
        // The run holding the lock may have read its batch before our mentions committed: run again after it.
        if (r.busy) await queueClusterRun([]);
        if (r.alerts > 0) rt.log.warn({ alerts: r.alerts, clusters: r.touched }, 'fast-growing clusters raised alerts');
        return { placed: r.placed, clusters: r.touched.length, alerts: r.alerts, version: r.version };
      },
      'poll-source': ({ source, key }) => rt.channels.poll(source, key),
      'send-reply': ({ replyId }, job) =>
        sendReply(
          {
            db: rt.db,
            log: rt.log,
            dryRun: rt.config.dryRun,
            replier: (s) => rt.channels.replier(s),
            metrics: rt.metrics.channels,
          },
          replyId,
          job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        ),
      'outreach-send': ({ outreachId }, job) =>
        sendOutreach(
          { db: rt.db, log: rt.log, dryRun: rt.config.dryRun, messenger: (s) => rt.channels.directMessenger(s) },
          outreachId,
          job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        ),
      'outreach-dispatch': () => dispatchDms(rt.db, rt.queue),
      'crisis-detect': async () => {
        const r = await runCrisisDetection(rt.db);
        if (r.opened.length) {
          rt.log.warn({ alerts: r.opened }, 'crisis alert opened');
          // The delivery schedule sends it anyway within seconds; enqueueing now only saves the wait.
          await rt.queue
            .add('alert-deliver', {}, `deliver-${r.opened[0]}`)
            .catch((err: unknown) =>
              rt.log.warn({ err }, 'alert delivery not queued now; the delivery schedule will send it'),
            );
        }
        return r;
      },
      'alert-deliver': () => deliverDue(rt.db, rt.config.alerts, rt.log),
    },
    rt.config.workerConcurrency,
    rt.log,
  );
}

export interface Service {
  app?: FastifyInstance;
  url?: string;
  stop(): Promise<void>;
}

export interface ServiceParts {
  api: boolean;
  worker: boolean;
}

/**
 * Starts the chosen parts. stop() is the graceful shutdown: stop taking requests, let in-flight jobs
 * finish (BullMQ's close waits for them; what does not finish in time returns to the queue when its
 * lock lapses), then close the queue and the database.
 */
export async function startService(rt: Runtime, parts: ServiceParts): Promise<Service> {
  const models = await createModels(rt.config, rt.log);
  const worker = parts.worker ? startPipelineWorker(rt, models) : undefined;
  const stopSweeper = parts.worker
    ? startSweeper(rt, rt.config.sweepIntervalMs, { olderThanMs: rt.config.sweepAfterMs })
    : () => {};
  // Poll schedules live in the queue (one per source, upserted, so restarts and several workers agree).
  if (parts.worker && (await rt.channels.schedule(rt.queue)) > 0) {
    rt.log.info({ sources: rt.channels.targets.map((t) => `${t.source}/${t.key}`) }, 'source polling scheduled');
  }
  if (parts.worker)
    await rt.queue.upsertJobScheduler('cluster-catch-up', 60_000, 'cluster-mentions', { mentionIds: [] });
  // Outreach DMs that are due but have no job: the closed loop's "fixed" messages (queued inside the
  // cluster's status change) and any enqueue lost after a campaign's send.
  if (parts.worker) await rt.queue.upsertJobScheduler('outreach-dispatch', 10_000, 'outreach-dispatch', {});
  if (parts.worker)
    await rt.queue.upsertJobScheduler(
      'alert-deliver',
      Math.min(10_000, rt.config.alerts.retryBaseMs),
      'alert-deliver',
      {},
    );
  if (parts.worker) await rt.queue.upsertJobScheduler('crisis-detect', rt.config.crisisIntervalMs, 'crisis-detect', {});
  const stream = parts.worker
    ? await rt.channels.startStream().catch((err: unknown) => (rt.log.error({ err }, 'X stream could not start'), null))
    : null;
  // Escalations and breach marks, by the policy the runtime read at start.
  const stopSlaChecker = parts.worker
    ? startSlaChecker(rt, () => rt.slaPolicy, rt.config.support.premium, rt.config.support.slaCheckIntervalMs)
    : () => {};
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  const watchdog = parts.api
    ? startWatchdog(rt.queue, rt.config.watchdogStallMs, rt.log, rt.metrics.workersStalled)
    : undefined;
  if (parts.api) {
    app = await buildApp({ ...rt, sourceHealth: () => rt.channels.health(), workerHealth: watchdog?.state });
    url = await app.listen({ port: rt.config.port, host: rt.config.host });
    rt.log.info({ url, docs: `${url}/docs` }, 'earshot is listening');
  }
  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    stop() {
      stopping ??= (async () => {
        stopSweeper();
        watchdog?.stop();
        await stream?.stop();
        stopSlaChecker();
        models.close();
        await app?.close();
        await withDeadline(worker?.close() ?? Promise.resolve(), rt.config.shutdownTimeoutMs, () =>
          rt.log.warn('shutdown deadline passed; unfinished jobs return to the queue when their locks lapse'),
        );
        await rt.close();
      })();
      return stopping;
    },
  };
}

async function withDeadline(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, ms);
  });
  await Promise.race([work.then(() => undefined), deadline]);
  clearTimeout(timer);
}
