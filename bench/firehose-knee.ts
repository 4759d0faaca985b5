/**
 * Firehose part `knee` (issue #15, back-pressure: "print the knee of the curve"): offered load steps
 * up, each step for a few seconds, open loop (batches of 100 sent on schedule, however the service
 * answers; a refused batch is counted, not resent), with EARSHOT_MAX_BACKLOG set. Per step: the rate
 * actually offered, accepted/s, the share refused with 429/503 and whether each refusal carried
 * Retry-After, the inbox backlog's maximum (sampled every 250 ms), and p50/p99 from acceptance to
 * the case for the step's accepted mentions (the inbox is drained between steps). The knee is the last
 * step where accepted ≈ offered (≥ 95 %) and p99 stays within BENCH_FIREHOSE_KNEE_P99_MS.
 * Env: BENCH_FIREHOSE_KNEE_RATES (500,1000,2000,4000,8000), BENCH_FIREHOSE_KNEE_SECONDS (5; 20 for the
 * full curve), BENCH_FIREHOSE_KNEE_WORKERS (2), BENCH_FIREHOSE_MAX_BACKLOG (2000),
 * BENCH_FIREHOSE_KNEE_P99_MS (1000, the latency goal).
 */
import type { ChildProcess } from 'node:child_process';
import { startService } from '../src/runtime.ts';
import { pendingCount } from '../src/storage/inbox.ts';
import { createToken } from '../src/storage/tokens.ts';
import { table, rate } from './format.ts';
import { dispose, environment, load, mentions, startWorker, stopWorker, untilDrained } from './firehose-harness.ts';

const RATES = (process.env.BENCH_FIREHOSE_KNEE_RATES ?? '500,1000,2000,4000,8000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_FIREHOSE_KNEE_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_FIREHOSE_KNEE_WORKERS ?? 2);
const MAX_BACKLOG = Number(process.env.BENCH_FIREHOSE_MAX_BACKLOG ?? 2000);
const P99_MS = Number(process.env.BENCH_FIREHOSE_KNEE_P99_MS ?? 1000);
/** Requests in flight at most: enough for 8,000/s at 100 ms a request. */
const LANES = 16;

interface Step {
  offered: number;
  'offered (achieved)/s': number;
  'accepted/s': number;
  'refused %': number;
  'with Retry-After %': number | string;
  'backlog max': number;
  'p50 ms': number;
  'p99 ms': number;
  load: string;
}

interface Sent {
  sent: number;
  accepted: number;
  refused: number;
  withRetryAfter: number;
}

/** Sends batches of 100 on an open-loop schedule for `seconds`; refusals are counted, never resent. */
async function offer(url: string, token: string, perSecond: number, source: string): Promise<Sent> {
  const batches = Math.max(1, Math.round((perSecond * SECONDS) / 100));
  const out: Sent = { sent: 0, accepted: 0, refused: 0, withRetryAfter: 0 };
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= batches) return;
      const wait = t0 + ((i * 100) / perSecond) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      out.sent += 100;
      const res = await fetch(`${url}/api/mentions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mentions: mentions(100, source) }),
      });
      await res.arrayBuffer();
      if (res.status === 202) out.accepted += 100;
      else if (res.status === 429 || res.status === 503) {
        out.refused += 100;
        if (res.headers.get('retry-after')) out.withRetryAfter += 100;
      } else throw new Error(`POST /api/mentions answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const e = await environment({ EARSHOT_MAX_BACKLOG: String(MAX_BACKLOG) });
  const service = await startService(e.rt, { api: true, worker: false });
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < WORKERS; i++) children.push(await startWorker(e.env, i));
    const token = await createToken(e.rt.db, 'bench', 'ingest');
    const steps: Step[] = [];
    for (const offered of RATES) {
      const source = `bench-knee-${offered}`;
      let backlogMax = 0;
      const sampler = setInterval(() => {
        void pendingCount(e.rt.db).then((n) => (backlogMax = Math.max(backlogMax, n)));
      }, 250);
      const t0 = performance.now();
      const sent = await offer(service.url as string, token, offered, source);
      const ms = performance.now() - t0;
      clearInterval(sampler);
      await untilDrained(e.rt);
      const { rows } = await e.rt.db.query<{ p50: number | null; p99: number | null }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
         FROM (SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms FROM inbox WHERE source = $1) t`,
        [source],
      );
      steps.push({
        offered,
        'offered (achieved)/s': rate(sent.sent, ms),
        'accepted/s': rate(sent.accepted, ms),
        'refused %': Math.round((100 * sent.refused) / Math.max(1, sent.sent)),
        'with Retry-After %': sent.refused ? Math.round((100 * sent.withRetryAfter) / sent.refused) : '—',
        'backlog max': backlogMax,
        'p50 ms': Math.round(rows[0]?.p50 ?? 0),
        'p99 ms': Math.round(rows[0]?.p99 ?? 0),
        load: load(),
      });
    }
    const within = (s: Step) => s['accepted/s'] >= 0.95 * s['offered (achieved)/s'] && s['p99 ms'] <= P99_MS;
    let knee: Step | null = null;
    for (const s of steps) {
      if (!within(s)) break;
      knee = s;
    }
    console.log(
      `\n## Firehose: the back-pressure curve (${WORKERS} workers, EARSHOT_MAX_BACKLOG ${MAX_BACKLOG}, ${SECONDS} s a step, open loop: refusals not resent)\n`,
    );
    console.log(
      table(
        Object.keys(steps[0] ?? {}),
        steps.map((s) => Object.values(s) as (string | number)[]),
      ),
    );
    console.log(
      knee
        ? `\nKnee: ${knee.offered.toLocaleString('en-US')} mentions/s offered — the last step with accepted ≥ 95 % of offered and p99 ≤ ${P99_MS} ms.`
        : `\nKnee: below ${RATES[0]} mentions/s — even the first step refused more than 5 % or had p99 > ${P99_MS} ms.`,
    );
    return { workers: WORKERS, maxBacklog: MAX_BACKLOG, seconds: SECONDS, steps, knee: knee?.offered ?? null };
  } finally {
    for (const c of children) await stopWorker(c);
    await service.stop();
    await dispose(e, true);
  }
}
