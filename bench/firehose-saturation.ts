/**
 * What saturates while the firehose runs (issue #15, "scaling out"): sampled beside an end-to-end run.
 *   - CPU: seconds of user+system time from /proc/<pid>/stat for the bench process (the API), each
 *     `earshot worker`, every `postgres` process and `redis-server` (the PostgreSQL and Redis servers are
 *     shared with other work on this machine, so their figures are upper bounds for this run);
 *   - Redis round trips: `INFO commandstats` deltas (calls per processed mention, top commands);
 *   - PostgreSQL waits: pg_stat_activity sampled every 200 ms (sessions waiting on a heavyweight Lock,
 *     on an LWLock, on IO) and pg_locks' ungranted requests — only this run's sessions (application_name).
 * Then one line: which resource ran out first and what a user does next.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import type { Queryable } from '../src/storage/db.ts';
import { table } from './format.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds of one process, or 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size now and its peak (VmHWM), in MB; zeros once the process is gone. */
export function rssMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Pids of every process whose command name is `name` (e.g. postgres, redis-server). */
export function pidsNamed(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) out.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** Busy and total jiffies of the whole machine (all cores) from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait are fields 4 and 5 of the cpu line.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** CPU seconds per pid; pids that appear later (new postgres backends) start from their first sighting's total. */
function cpuOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, cpuSeconds(p)]));
}

async function commandStats(redis: Redis | null): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  if (!redis) return calls;
  const info = await redis.info('commandstats');
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1] as string, Number(m[2]));
  return calls;
}

export interface Saturation {
  wallSeconds: number;
  /** CPU cores used on average (CPU seconds / wall seconds) by each group. */
  cores: { api: number; workers: number; postgres: number; redis: number };
  machineCores: number;
  /** Cores busy on the whole machine, this run's processes and everything else. */
  machineBusy: number;
  /** CPU milliseconds per processed mention, by group (PostgreSQL's is an upper bound: shared server). */
  msPerMention: { api: number; workers: number; postgres: number };
  redisCallsPerMention: number | null;
  redisTop: string;
  /** Mean sessions of this database, per sample, by what they wait on. */
  pgActive: number;
  pgLockWaits: number;
  /** Of which on an advisory lock: only the cluster stage blocks on one (src/clusters/store.ts). */
  pgAdvisoryWaits: number;
  pgLwlockWaits: number;
  pgIoWaits: number;
  pgUngranted: number;
  pgTopWaits: string;
  verdict: string;
}

export interface Watch {
  stop(processedMentions: number): Promise<Saturation>;
}

/** Starts sampling; `workerPids` are the `earshot worker` processes, the API is this process. */
export async function watchSaturation(
  db: Queryable,
  workerPids: number[],
  redisUrl: string | null,
  /** Only sessions with this application_name (the harness sets PGAPPNAME to the run's schema). */
  appName: string | null = process.env.PGAPPNAME ?? null,
): Promise<Watch> {
  const redis = redisUrl ? new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) : null;
  await redis?.connect();
  const t0 = performance.now();
  const api0 = cpuSeconds(process.pid);
  const workers0 = cpuOf(workerPids);
  const pg0 = cpuOf(pidsNamed('postgres'));
  const redis0 = cpuOf(pidsNamed('redis-server'));
  const calls0 = await commandStats(redis);
  const machine0 = machineJiffies();
  const waits = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let lock = 0;
  let lwlock = 0;
  let io = 0;
  let ungranted = 0;
  let sampling = false;
  const timer = setInterval(() => {
    if (sampling) return;
    sampling = true;
    Promise.all([
      db.query<{ type: string | null; event: string | null; n: string }>(
        `SELECT wait_event_type AS type, wait_event AS event, count(*) AS n FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
           AND ($1::text IS NULL OR application_name = $1) GROUP BY 1, 2`,
        [appName],
      ),
      db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
         WHERE NOT l.granted AND ($1::text IS NULL OR a.application_name = $1)`,
        [appName],
      ),
    ])
      .then(([activity, locks]) => {
        samples++;
        for (const r of activity.rows) {
          const n = Number(r.n);
          active += n;
          if (r.type === 'Lock') lock += n;
          if (r.type === 'LWLock') lwlock += n;
          if (r.type === 'IO') io += n;
          if (r.type) waits.set(`${r.type}:${r.event}`, (waits.get(`${r.type}:${r.event}`) ?? 0) + n);
        }
        ungranted += Number(locks.rows[0]?.n ?? 0);
      })
      .catch(() => {})
      .finally(() => (sampling = false));
  }, 200);
  return {
    async stop(processed) {
      clearInterval(timer);
      const wall = (performance.now() - t0) / 1000;
      const delta = (before: Map<number, number>, now: number[]) =>
        now.reduce((sum, p) => sum + Math.max(0, cpuSeconds(p) - (before.get(p) ?? 0)), 0);
      const calls1 = await commandStats(redis);
      const machine1 = machineJiffies();
      await redis?.quit();
      const callDeltas = [...calls1].map(([cmd, n]) => [cmd, n - (calls0.get(cmd) ?? 0)] as const);
      const totalCalls = callDeltas.reduce((s, [, n]) => s + n, 0);
      const per = (x: number) => (samples ? x / samples : 0);
      const msEach = (cores: number) => (processed ? (cores * wall * 1000) / processed : 0);
      const s: Omit<Saturation, 'verdict'> = {
        wallSeconds: wall,
        cores: {
          api: (cpuSeconds(process.pid) - api0) / wall,
          workers: delta(workers0, workerPids) / wall,
          // Backends that started during the run count from zero: their whole life was in it.
          postgres: delta(pg0, pidsNamed('postgres')) / wall,
          redis: delta(redis0, pidsNamed('redis-server')) / wall,
        },
        machineCores: cpus().length,
        msPerMention: { api: 0, workers: 0, postgres: 0 },
        machineBusy: ((machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total)) * cpus().length,
        redisCallsPerMention: redis && processed ? totalCalls / processed : null,
        redisTop: callDeltas
          .filter(([, n]) => n > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([cmd, n]) => `${cmd} ${n}`)
          .join(', '),
        pgActive: per(active),
        pgLockWaits: per(lock),
        pgAdvisoryWaits: per(waits.get('Lock:advisory') ?? 0),
        pgLwlockWaits: per(lwlock),
        pgIoWaits: per(io),
        pgUngranted: per(ungranted),
        pgTopWaits: [...waits]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([w, n]) => `${w} ${per(n).toFixed(2)}`)
          .join(', '),
      };
      s.msPerMention = {
        api: msEach(s.cores.api),
        workers: msEach(s.cores.workers),
        postgres: msEach(s.cores.postgres),
      };
      return { ...s, verdict: verdict(s) };
    },
  };
}

/** The first resource to run out, and the user's next step, from the sampled figures. */
export function verdict(s: Omit<Saturation, 'verdict'>): string {
  const used = s.cores.api + s.cores.workers + s.cores.postgres + s.cores.redis;
  const node = s.cores.api + s.cores.workers;
  if (s.pgLockWaits >= 0.5 && s.pgAdvisoryWaits >= s.pgLockWaits / 2)
    return `the cluster stage's single-writer lock (${s.pgAdvisoryWaits.toFixed(1)} sessions waiting on its advisory lock on average): cluster jobs in the other workers wait on it, each holding a worker slot and a connection — more workers make it worse; a stage that skips (try-lock) when another process is placing would free them`;
  if (s.pgLockWaits >= 0.5)
    return `PostgreSQL locks (${s.pgLockWaits.toFixed(1)} sessions waiting on a lock on average; top waits ${s.pgTopWaits}): more workers only queue on the same rows; shorten the transactions that hold them (the queue's own rows, with the PostgreSQL queue), partition the mentions table by month`;
  if (used >= 0.85 * s.machineCores && node >= s.cores.postgres)
    return `CPU, in earshot's processes (${node.toFixed(1)} of ${s.machineCores} cores; PostgreSQL ${s.cores.postgres.toFixed(1)}): run more \`earshot worker\` processes on more machines against the same PostgreSQL and Redis`;
  if (used >= 0.85 * s.machineCores)
    return `CPU, in PostgreSQL (${s.cores.postgres.toFixed(1)} of ${s.machineCores} cores): give PostgreSQL its own machine, send dashboard reads to a replica, partition the mentions table by month`;
  if (s.redisCallsPerMention !== null && s.cores.redis >= 0.5)
    return `Redis round trips (${s.redisCallsPerMention.toFixed(2)} calls per mention, Redis at ${s.cores.redis.toFixed(1)} cores): bigger batches per job`;
  if (s.pgLwlockWaits + s.pgIoWaits >= 0.5)
    return `PostgreSQL I/O and WAL (${(s.pgLwlockWaits + s.pgIoWaits).toFixed(1)} sessions waiting on LWLock/IO): faster disk or synchronous_commit=off for the inbox, fewer commits per mention`;
  if (s.machineBusy >= 0.85 * s.machineCores)
    return `the machine's CPUs, mostly by other work (${s.machineBusy.toFixed(1)} of ${s.machineCores} cores busy, this run ${used.toFixed(1)}): these figures are floors; rerun on a quiet machine`;
  return `nothing saturated (${used.toFixed(1)} of ${s.machineCores} cores busy): the time goes in round trips to PostgreSQL and Redis per batch; more workers (or a higher EARSHOT_WORKER_CONCURRENCY) should raise the rate`;
}

/** One row per run: cores used by each group, Redis calls per mention, PostgreSQL waits, the verdict. */
export function saturationTable(runs: { shape: string; saturation: Saturation }[]): string {
  return table(
    [
      'shape',
      'cores: API',
      'workers',
      'postgres (all)',
      'redis',
      'machine busy',
      'Redis calls/mention (top)',
      'PG active / Lock / LWLock / IO waits',
      'top PG waits (sessions)',
      'what saturates first → next step',
    ],
    runs.map(({ shape, saturation: s }) => [
      shape,
      s.cores.api.toFixed(2),
      s.cores.workers.toFixed(2),
      s.cores.postgres.toFixed(2),
      s.cores.redis.toFixed(2),
      s.machineBusy.toFixed(2),
      s.redisCallsPerMention === null ? '—' : `${s.redisCallsPerMention.toFixed(2)} (${s.redisTop})`,
      `${s.pgActive.toFixed(1)} / ${s.pgLockWaits.toFixed(2)} / ${s.pgLwlockWaits.toFixed(2)} / ${s.pgIoWaits.toFixed(2)}`,
      s.pgTopWaits || '—',
      s.verdict,
    ]),
  );
}

/**
 * Beyond this machine, from the CPU each mention cost here: the cores a target rate needs in the
 * workers, the API and PostgreSQL, assuming they scale out linearly (the workers do: they share nothing
 * but the database and the queue; PostgreSQL is one writer, so its figure is the ceiling).
 */
export function projection(s: Saturation, target = 10_000): string {
  const m = s.msPerMention;
  if (!m.workers) return '';
  const cores = (ms: number) => ((target * ms) / 1000).toFixed(1);
  const pgCeiling = m.postgres ? Math.round(1000 / m.postgres).toLocaleString('en-US') : '∞';
  return (
    `Simulated beyond this machine (CPU per mention here: workers ${m.workers.toFixed(3)} ms, API ${m.api.toFixed(3)} ms, ` +
    `PostgreSQL ≤ ${m.postgres.toFixed(3)} ms): ${target.toLocaleString('en-US')} mentions/s needs ≈ ${cores(m.workers)} worker cores, ` +
    `${cores(m.api)} API cores and ≤ ${cores(m.postgres)} PostgreSQL cores; one PostgreSQL core carries ≥ ${pgCeiling}/s. ` +
    `Past the PostgreSQL machine's cores: read replicas for the dashboard, the mentions table partitioned by month.`
  );
}
