/**
 * Running the embedded PostgreSQL when earshot is started as root. PostgreSQL refuses to run as
 * root, so it runs as the 'postgres' system user (created if missing), the way Debian's own
 * service does. That user must be able to enter every folder on the way to its binaries and data;
 * a project cloned into /root or any 0700 folder is out of its reach, so earshot then keeps both
 * under /var/lib/earshot, where system services keep theirs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const SYSTEM_DIR = '/var/lib/earshot';
export const POSTGRES_USER = 'postgres';

export interface SystemUser {
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The first folder above `path` that others may not enter (no o+x), or null. */
export function firstUntraversable(path: string): string | null {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
  }
  return null;
}

/** The 'postgres' system user, created (as Debian's postgresql package would) if it is missing. */
export function postgresUser(): SystemUser {
  const lookup = (): SystemUser | null => {
    try {
      const uid = Number(
        execFileSync('id', ['-u', POSTGRES_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
      const gid = Number(
        execFileSync('id', ['-g', POSTGRES_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
      return { uid, gid };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        SYSTEM_DIR,
        '--shell',
        '/usr/sbin/nologin',
        POSTGRES_USER,
      ],
      { stdio: 'ignore' },
    );
  } catch (err) {
    throw new Error(
      `started as root, earshot must run its embedded PostgreSQL as a '${POSTGRES_USER}' user and could not ` +
        `create one (${(err as Error).message}). Create it, run earshot as another user, or set DATABASE_URL.`,
    );
  }
  const created = lookup();
  if (!created) throw new Error(`useradd reported success but no '${POSTGRES_USER}' user exists`);
  return created;
}

/**
 * The folder of PostgreSQL binaries the postgres user can run: the packaged one when it can reach
 * it, otherwise a copy under /var/lib/earshot made once per version (about 60 MB).
 */
export function reachableBinaries(packaged: string, version: string, log: (msg: string) => void): string {
  if (firstUntraversable(join(packaged, 'bin')) === null) return packaged;
  const copy = join(SYSTEM_DIR, `postgres-${version}`);
  if (existsSync(join(copy, 'bin', 'postgres'))) return copy;
  mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 });
  chmodSync(SYSTEM_DIR, 0o755);
  const partial = `${copy}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(packaged, partial, { recursive: true, verbatimSymlinks: true });
  chmodSync(partial, 0o755);
  renameSync(partial, copy);
  log(`the postgres user cannot reach ${packaged}; copied PostgreSQL ${version} to ${copy}`);
  return copy;
}

/**
 * Where the embedded data lives when the default folder (inside the project) is out of the
 * postgres user's reach: /var/lib/earshot/data/<project>-<hash of its path>, so two clones never
 * share a database. An EARSHOT_DATA that was set explicitly is never moved.
 */
export function systemDataDir(projectDataDir: string): string {
  const hash = createHash('sha256').update(projectDataDir).digest('hex').slice(0, 8);
  return join(SYSTEM_DIR, 'data', `${basename(dirname(projectDataDir))}-${hash}`);
}

/** Makes `dir` (and /var/lib/earshot above it, when it is there) enterable, and gives it to the postgres user. */
export function handOver(dir: string, user: SystemUser): void {
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d.startsWith(SYSTEM_DIR) && d !== dirname(SYSTEM_DIR); d = dirname(d)) chmodSync(d, 0o755);
  chmodSync(dir, 0o755);
  chownSync(dir, user.uid, user.gid);
}

/** Throws a message naming the folder to open up, when the postgres user cannot reach `path`. */
export function assertReachable(path: string, what: string): void {
  const blocked = firstUntraversable(path);
  if (blocked === null) return;
  throw new Error(
    `started as root, earshot runs its embedded PostgreSQL as the '${POSTGRES_USER}' user, which cannot enter ${blocked} ` +
      `(on the way to ${what}, ${path}). Leave EARSHOT_DATA unset (earshot then keeps its data under ${SYSTEM_DIR}), ` +
      `chmod o+x ${blocked}, run earshot as another user, or set DATABASE_URL to a PostgreSQL server.`,
  );
}
