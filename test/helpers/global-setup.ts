import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/storage/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL every test file may create its own schema in. */
    databaseUrl: string;
    /** A Redis for BullMQ, or null when none runs here (then queue tests use BullMQ's PostgreSQL backend). */
    redisUrl: string | null;
  }
}

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

async function reachablePostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function reachableRedis(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

let embedded: EmbeddedPostgresHandle | undefined;
let embeddedDir: string | undefined;

/**
 * Finds the real services the integration tests use. In CI a missing server is a failure, never a
 * silent skip; on a developer's machine without them the tests run on the embedded default instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const pgUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_PG;
  const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS;

  let databaseUrl = pgUrl;
  if (!(await reachablePostgres(pgUrl))) {
    if (ci) throw new Error(`CI: PostgreSQL is not reachable at ${pgUrl}; .ci/run should have started it.`);
    embeddedDir = mkdtempSync(join(tmpdir(), 'earshot-test-pg-'));
    embedded = await startEmbeddedPostgres(embeddedDir);
    databaseUrl = embedded.url;
    console.warn(`PostgreSQL not reachable at ${pgUrl}: integration tests run on embedded PostgreSQL instead.`);
  }

  const haveRedis = await reachableRedis(redisUrl);
  if (!haveRedis) {
    if (ci) throw new Error(`CI: Redis is not reachable at ${redisUrl}; .ci/run should have started it.`);
    console.warn(`Redis not reachable at ${redisUrl}: queue tests run on BullMQ's PostgreSQL backend instead.`);
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', haveRedis ? redisUrl : null);

  return async () => {
    await embedded?.stop();
    if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  };
}
