/**
 * The queue in both shapes: BullMQ on Redis when REDIS_URL is set, otherwise BullMQ's PostgreSQL
 * backend in earshot's own database. Everything above this file sees the same Queue and Worker.
 */
import { Queue, Worker, UnrecoverableError, createPostgresBackend, type Job, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Value } from '@sinclair/typebox/value';
import { JOBS, RETENTION, type JobName, type JobPayload } from './catalogue.ts';
import { isConnectionError } from '../storage/db.ts';
import type { Logger } from '../log.ts';
import { queueErrorListener, type ConnectionErrorCounter } from './errors.ts';

export interface QueueSettings {
  name: string;
  redisUrl: string | null;
  /** Used when redisUrl is null. */
  databaseUrl: string;
  /** Schema of BullMQ's own tables on PostgreSQL. */
  pgSchema: string;
  /** Redis commands of the producer (enqueue, ping) fail after this instead of waiting forever. */
  commandTimeoutMs?: number;
  /** BullMQ lock duration; a dead worker's jobs are found stalled and re-run after about this long. */
  lockMs?: number;
  /** Where the clients' errors go (connection errors rate-limited, see errors.ts). */
  log: Logger;
  connectionErrors: ConnectionErrorCounter;
}

export type Handlers = { [N in JobName]: (payload: JobPayload<N>, job: Job) => Promise<unknown> };

export interface JobQueue {
  kind: 'redis' | 'postgres';
  /** A job id already in the queue is not added again; `delayMs` holds the job back that long. */
  add<N extends JobName>(name: N, payload: JobPayload<N>, jobId?: string, delayMs?: number): Promise<void>;
  addBulk<N extends JobName>(name: N, items: { payload: JobPayload<N>; jobId?: string }[]): Promise<void>;
  /** Creates or updates a BullMQ job scheduler that adds `name` every `everyMs` (ids must not contain ':'). */
  upsertJobScheduler<N extends JobName>(id: string, everyMs: number, name: N, payload: JobPayload<N>): Promise<void>;
  /** Waiting + active + delayed jobs, for /ready and /metrics. */
  counts(): Promise<Record<string, number>>;
  ping(): Promise<void>;
  /** The job next in line to be taken (oldest waiting) and how many wait; null when none waits. */
  nextWaiting(): Promise<{ id: string; waiting: number } | null>;
  startWorker(handlers: Handlers, concurrency: number, log: Logger): Worker;
  close(): Promise<void>;
}

export function createJobQueue(settings: QueueSettings): JobQueue {
  return settings.redisUrl ? redisQueue(settings, settings.redisUrl) : postgresQueue(settings);
}

function redisQueue(settings: QueueSettings, url: string): JobQueue {
  // The producer fails fast while Redis is away (the inbox keeps the delivery; the sweeper re-queues
  // it), instead of piling commands up in ioredis' unbounded offline queue (ioredis#76).
  const producer = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: settings.commandTimeoutMs ?? 5_000,
  });
  producer.on('error', queueErrorListener(settings.log, settings.connectionErrors, 'redis-producer'));
  const queue = new Queue(settings.name, { connection: producer, defaultJobOptions: RETENTION });
  queue.on('error', queueErrorListener(settings.log, settings.connectionErrors, 'queue'));
  const onWorkerConnectionError = queueErrorListener(settings.log, settings.connectionErrors, 'redis-worker');
  const workerConnection = (): ConnectionOptions => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    c.on('error', onWorkerConnectionError);
    return c;
  };
  return wrap(
    'redis',
    queue,
    (processor, concurrency) =>
      new Worker(settings.name, processor, workerOptions(workerConnection(), concurrency, settings.lockMs)),
    async () => {
      producer.disconnect();
    },
    async () => {
      if ((await producer.ping()) !== 'PONG') throw new Error('Redis did not answer PING');
    },
    settings.connectionErrors,
  );
}

function postgresQueue(settings: QueueSettings): JobQueue {
  const connection = { connectionString: settings.databaseUrl, schema: settings.pgSchema, migrate: true, max: 4 };
  const queue = new Queue(settings.name, { connection, defaultJobOptions: RETENTION }, createPostgresBackend);
  queue.on('error', queueErrorListener(settings.log, settings.connectionErrors, 'queue'));
  return wrap(
    'postgres',
    queue as unknown as Queue,
    (processor, concurrency) =>
      new Worker(
        settings.name,
        processor,
        workerOptions(connection, concurrency, settings.lockMs),
        createPostgresBackend,
      ) as unknown as Worker,
    async () => {},
    async () => {
      await queue.getJobCounts('waiting');
    },
    settings.connectionErrors,
  );
}

function workerOptions<C>(connection: C, concurrency: number, lockMs = 30_000) {
  // A limiter must be set for worker.rateLimit() to take effect (the database-down circuit breaker).
  // Stalled jobs are looked for as often as a lock lasts, so a killed worker's jobs wait at most ~2 locks.
  return {
    connection,
    concurrency,
    limiter: { max: 100_000, duration: 1000 },
    lockDuration: lockMs,
    stalledInterval: lockMs,
    autorun: true,
  };
}

type Processor = (job: Job) => Promise<unknown>;

function wrap(
  kind: JobQueue['kind'],
  queue: Queue,
  makeWorker: (processor: Processor, concurrency: number) => Worker,
  closeExtra: () => Promise<void>,
  ping: () => Promise<void>,
  connectionErrors: ConnectionErrorCounter,
): JobQueue {
  const workers: Worker[] = [];
  return {
    kind,
    async add(name, payload, jobId, delayMs) {
      await queue.add(name, payload, { ...JOBS[name].options, jobId, ...(delayMs ? { delay: delayMs } : {}) });
    },
    async addBulk(name, items) {
      await queue.addBulk(
        items.map((i) => ({ name, data: i.payload, opts: { ...JOBS[name].options, ...RETENTION, jobId: i.jobId } })),
      );
    },
    async upsertJobScheduler(id, everyMs, name, payload) {
      await queue.upsertJobScheduler(
        id,
        { every: everyMs },
        { name, data: payload, opts: { ...JOBS[name].options, ...RETENTION } },
      );
    },
    counts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    ping,
    async nextWaiting() {
      const waiting = await queue.getWaitingCount();
      if (waiting === 0) return null;
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      return oldest?.id ? { id: oldest.id, waiting } : null;
    },
    startWorker(handlers, concurrency, log) {
      let worker: Worker | undefined = undefined;
      const processor: Processor = async (job) => {
        const name = job.name as JobName;
        const spec = JOBS[name];
        if (!spec) throw new UnrecoverableError(`unknown job "${job.name}"`);
        if (!Value.Check(spec.payload, job.data)) {
          const first = [...Value.Errors(spec.payload, job.data)][0];
          throw new UnrecoverableError(
            `bad payload for ${name}: ${first ? `${first.path} ${first.message}` : 'invalid'}`,
          );
        }
        try {
          return await (handlers[name] as (p: unknown, j: Job) => Promise<unknown>)(job.data, job);
        } catch (err) {
          if (isConnectionError(err) && worker) {
            // The database is away: pause this worker instead of burning the job's attempts.
            log.warn({ err, job: job.id }, 'database unreachable; pausing the worker for 2 s');
            await worker.rateLimit(2000);
            throw Worker.RateLimitError();
          }
          throw err;
        }
      };
      worker = makeWorker(processor, concurrency);
      worker.on('error', queueErrorListener(log, connectionErrors, 'worker'));
      worker.on('failed', (job, err) =>
        log.error({ err, job: job?.id, name: job?.name, attempts: job?.attemptsMade }, 'job failed'),
      );
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      await closeExtra();
    },
  };
}
