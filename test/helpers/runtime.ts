/** A real earshot runtime (PostgreSQL schema of its own, BullMQ queue of its own) for integration tests. */
import { inject } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { pendingCount } from '../../src/storage/inbox.ts';
import { testDatabase, uniqueName, type TestDatabase } from './db.ts';
import type { MentionInput } from '../../src/domain/mention.ts';

export const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface TestRuntime extends Runtime {
  database: TestDatabase;
}

/** `queue: 'redis'` uses the Redis the global setup found (or another given URL); 'postgres' BullMQ's PG backend. */
export async function testRuntime(
  opts: { queue?: 'redis' | 'postgres'; redisUrl?: string; env?: Record<string, string> } = {},
): Promise<TestRuntime> {
  const database = await testDatabase();
  const redisUrl = opts.queue === 'postgres' ? null : (opts.redisUrl ?? inject('redisUrl'));
  const config = testConfig(database, redisUrl, opts.env);
  const runtime = await openRuntime(config, createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    ...runtime,
    database,
    async close() {
      await runtime.close();
      await database.drop();
    },
  };
}

export function testConfig(database: TestDatabase, redisUrl: string | null, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: database.url,
    EARSHOT_DB_SCHEMA: database.schema,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    EARSHOT_QUEUE: uniqueName('q'),
    EARSHOT_RULES: RULES_DIR,
    EARSHOT_ADMIN_TOKEN: 'test-admin-token-0123456789abcdefghij',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

/** Waits until the inbox has nothing pending (or fails after `timeoutMs`, saying how much was left). */
export async function drained(rt: Runtime, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let left = -1;
  while (Date.now() < until) {
    left = await pendingCount(rt.db);
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`inbox still had ${left} pending rows after ${timeoutMs} ms`);
}

let seq = 0;
export function mention(over: Partial<MentionInput> = {}): MentionInput {
  seq++;
  // X and Facebook ids have their platform's shape (earshot refuses others); other sources take any id.
  const unique = `${seq}${Math.floor(Math.random() * 1e9)}`;
  const source = over.source ?? 'api';
  return {
    source,
    external_id:
      source === 'twitter'
        ? unique.slice(0, 19)
        : source === 'facebook'
          ? `777_${unique}`
          : `m-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    text: `My Lumio X200 has been stuck rebooting since the update, ticket ${seq} has not been answered in 3 days`,
    author: { handle: `customer${seq}` },
    created_at: new Date(Date.now() - 60_000).toISOString(),
    ...over,
  };
}
