/**
 * The PostgreSQL pool. Connection faults must never crash the process: pg emits 'error' on idle
 * clients (pool) and on checked-out ones (client), and an unheard 'error' event kills Node
 * (brianc/node-postgres#2762), so both are listened to. Queries time out instead of hanging.
 */
import pg from 'pg';
import type { Logger } from '../log.ts';

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

export interface DbOptions {
  url: string;
  schema?: string;
  max?: number;
  log?: Logger;
  /** Client-side timeout for one query; also set as the server's statement_timeout. */
  queryTimeoutMs?: number;
  /** Giving up on opening a connection (a blackholed server never answers the handshake). */
  connectTimeoutMs?: number;
}

/** A bigint as a JavaScript number: exact up to 2^53 − 1 (the most an id may be, see http/ids.ts); beyond, the query fails. */
function bigintToNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} is beyond 2^53 - 1 and cannot be read exactly`);
  return n;
}

/**
 * The one place bigint is converted (src/storage/README.md): ids and counts arrive as numbers, so no SQL
 * casts an id to int and no code wraps one in Number(). numeric (sum of bigint, avg) stays a string.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? bigintToNumber
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export function createDb({
  url,
  schema = 'public',
  max = 10,
  log,
  queryTimeoutMs = 30_000,
  connectTimeoutMs = 10_000,
}: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    query_timeout: queryTimeoutMs,
    keepAlive: true,
    options: `-c search_path=${schema} -c statement_timeout=${queryTimeoutMs}`,
    types,
  });
  // pg attaches the whole client (connection parameters included) to these errors: log code and message only.
  const brief = (err: Error) => ({ code: (err as { code?: string }).code, error: err.message });
  pool.on('error', (err) => log?.warn(brief(err), 'idle database connection failed'));
  pool.on('connect', (client) => client.on('error', (err) => log?.warn(brief(err), 'database connection failed')));
  return pool;
}

/** Runs `work` in one transaction; a client whose connection broke is destroyed, not reused. */
/** One round trip: the database answers (readiness). */
export async function ping(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

export async function withTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release(broken && isConnectionError(broken) ? broken : undefined);
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

/** True for faults of the connection (database down or restarting), as opposed to bad data or SQL. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    err.message,
  );
}
