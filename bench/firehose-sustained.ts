/**
 * Firehose part `sustained` (issue #15: "≥ 10,000 mentions/s sustained for 5 minutes"): POST
 * /api/mentions at the highest rate the service accepts (8 requests of 100 in flight, a refused batch
 * resent after its Retry-After) for BENCH_FIREHOSE_SUSTAIN_SECONDS, with EARSHOT_MAX_BACKLOG bounding
 * the inbox so acceptance follows processing. Every 10 s it prints the window's accepted/s and
 * processed/s (accepted minus the change in pending), the backlog, and the RSS of the API (this
 * process) and of each `earshot worker`; then the totals until the inbox is drained.
 * Env: BENCH_FIREHOSE_SUSTAIN_SECONDS (30; the issue asks 300), BENCH_FIREHOSE_SUSTAIN_WORKERS (2),
 * BENCH_FIREHOSE_SUSTAIN_BACKLOG (10000).
 */
import type { ChildProcess } from 'node:child_process';
import { startService } from '../src/runtime.ts';
import { pendingCount } from '../src/storage/inbox.ts';
import { createToken } from '../src/storage/tokens.ts';
import { table, rate } from './format.ts';
import { rssMb } from './firehose-saturation.ts';
import { dispose, environment, load, mentions, startWorker, stopWorker, untilDrained } from './firehose-harness.ts';

const SECONDS = Number(process.env.BENCH_FIREHOSE_SUSTAIN_SECONDS ?? 30);
const WORKERS = Number(process.env.BENCH_FIREHOSE_SUSTAIN_WORKERS ?? 2);
const BACKLOG = Number(process.env.BENCH_FIREHOSE_SUSTAIN_BACKLOG ?? 10_000);
const WINDOW_MS = 10_000;
const IN_FLIGHT = 8;

interface Window {
  'from s': number;
  'accepted/s': number;
  'processed/s': number;
  pending: number;
  'API RSS MB': number;
  'worker RSS MB (max)': number;
  load: string;
}

/** Sends batches of 100 until `until`; resends a 429/503 after Retry-After. Counts what was accepted. */
async function postUntil(
  url: string,
  token: string,
  until: number,
  counts: { accepted: number; refused: number },
): Promise<void> {
  const lane = async () => {
    while (performance.now() < until) {
      const body = JSON.stringify({ mentions: mentions(100, 'bench-sustain') });
      for (;;) {
        const res = await fetch(`${url}/api/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status === 202) {
          counts.accepted += 100;
          break;
        }
        if (res.status !== 429 && res.status !== 503) throw new Error(`POST /api/mentions answered ${res.status}`);
        counts.refused++;
        const wait = Number(res.headers.get('retry-after') ?? 1) * 1000;
        if (performance.now() + wait >= until) return;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

export async function run(): Promise<Record<string, unknown>> {
  const e = await environment({ EARSHOT_MAX_BACKLOG: String(BACKLOG) });
  const service = await startService(e.rt, { api: true, worker: false });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) children.push(await startWorker(e.env, i));
    const token = await createToken(e.rt.db, 'bench', 'ingest');
    const counts = { accepted: 0, refused: 0 };
    const windows: Window[] = [];
    const before = load();
    const t0 = performance.now();
    const sending = postUntil(service.url as string, token, t0 + SECONDS * 1000, counts);
    let last = { at: t0, accepted: 0, pending: 0 };
    let sent = false;
    void sending.then(() => (sent = true));
    while (!sent) {
      await Promise.race([sending, new Promise((r) => setTimeout(r, last.at + WINDOW_MS - performance.now()))]);
      const at = performance.now();
      if (sent && at - last.at < WINDOW_MS / 2) break; // a last sliver of a window says nothing
      const pending = await pendingCount(e.rt.db);
      const accepted = counts.accepted - last.accepted;
      const processed = accepted - (pending - last.pending);
      windows.push({
        'from s': Math.round((last.at - t0) / 1000),
        'accepted/s': rate(accepted, at - last.at),
        'processed/s': rate(processed, at - last.at),
        pending,
        'API RSS MB': rssMb(process.pid).rss,
        'worker RSS MB (max)': Math.max(...children.map((c) => rssMb(c.pid ?? 0).rss)),
        load: load(),
      });
      last = { at, accepted: counts.accepted, pending };
    }
    await sending;
    const sendMs = performance.now() - t0;
    await untilDrained(e.rt);
    const ms = performance.now() - t0;
    const peaks = {
      api: rssMb(process.pid).peak,
      worker: Math.max(...children.map((c) => rssMb(c.pid ?? 0).peak)),
    };
    const total = {
      mentions: counts.accepted,
      'accepted/s': rate(counts.accepted, sendMs),
      'processed/s (until drained)': rate(counts.accepted, ms),
      refused: counts.refused,
      'API peak RSS MB': peaks.api,
      'worker peak RSS MB': peaks.worker,
      load: `${before} → ${load()}`,
    };
    console.log(
      `\n## Firehose: sustained ${SECONDS} s at the highest accepted rate (${WORKERS} workers, EARSHOT_MAX_BACKLOG ${BACKLOG}, per 10-s window)\n`,
    );
    console.log(
      table(
        ['from s', 'accepted/s', 'processed/s', 'pending', 'API RSS MB', 'worker RSS MB (max)', 'load avg'],
        windows.map((w) => Object.values(w) as (string | number)[]),
      ),
    );
    console.log('');
    console.log(table(Object.keys(total), [Object.values(total)]));
    return { seconds: SECONDS, workers: WORKERS, backlog: BACKLOG, windows, total };
  } finally {
    for (const c of children) await stopWorker(c);
    await service.stop();
    await dispose(e, true);
  }
}
