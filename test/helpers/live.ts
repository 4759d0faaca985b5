/**
 * A live earshot server for attack and fault tests: `earshot start` as a child process in the
 * scaled-out shape (a PostgreSQL schema of its own, the test Redis, a queue of its own), reached
 * over real HTTP. Every suite that attacks a door starts one of these, never an in-process app.
 */
import { inject } from 'vitest';
import { freePort } from '../../src/storage/embedded.ts';
import { testDatabase, uniqueName, type TestDatabase } from './db.ts';
import { earshot, scaledOutEnv, waitForReady, type Child } from './process.ts';

export const LIVE_ADMIN_TOKEN = 'live-admin-token-0123456789abcdef';

export interface LiveServer {
  /** http://127.0.0.1:PORT */
  base: string;
  database: TestDatabase;
  child: Child;
  /** The server's environment: a CLI run with it works on the same database, schema and queue. */
  env: Record<string, string>;
  /** fetch against the server with the admin bearer token (unless headers say otherwise). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, wait for the exit, drop the schema. */
  stop(): Promise<void>;
}

export async function startLiveServer(
  opts: { env?: Record<string, string>; args?: string[] } = {},
): Promise<LiveServer> {
  const database = await testDatabase();
  const port = await freePort();
  const env = {
    ...scaledOutEnv(database, port, LIVE_ADMIN_TOKEN, inject('redisUrl'), uniqueName('live')),
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const child = earshot(['start', ...(opts.args ?? [])], env);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(`${base}/ready`, child);
  } catch (err) {
    child.proc.kill('SIGKILL');
    await database.drop();
    throw err;
  }
  return {
    base,
    database,
    child,
    env,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${LIVE_ADMIN_TOKEN}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${base}${path}`, { ...init, headers });
    },
    async stop() {
      if (child.proc.exitCode === null) {
        child.proc.kill('SIGTERM');
        await child.exited;
      }
      await database.drop();
    },
  };
}
