/**
 * Clustering bench: earshot's incremental clusterer against TF-IDF + k-means (told the true k) and
 * GSDMM on the airline complaints that carry a reason, then the cost of one `add` as the store grows.
 *
 *   npx tsx bench/cluster.ts   (EARSHOT_EVAL_DATA overrides ../shared/data; EARSHOT_BENCH_SIZES=10000,100000
 *                               overrides the stored sizes of the cost curve, default 10k,100k,1M)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BATCH_STRAGGLER_FLOOR,
  agreement,
  createClusterer,
  extractTerms,
  type Agreement,
} from '../src/analysis/cluster/index.ts';
import { mentionStream } from '../src/demo/world.ts';
import { gsdmm } from './baselines/gsdmm.ts';
import { tfidfKmeans } from './baselines/tfidf-kmeans.ts';
import { airlineSplit } from './airline.ts';
import { clusterBatch } from './sweep.ts';
import { mdRow } from './format.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Row {
  id: string;
  text: string;
  reason: string | null;
}

function row(name: string, a: Agreement, ms: number): string {
  const f = (x: number): string => x.toFixed(3);
  return `| ${name} | ${f(a.nmi)} | ${f(a.ami)} | ${f(a.ari)} | ${f(a.purity)} | ${a.clusters} | ${a.unclustered} | ${ms.toFixed(0)} |`;
}

export function quality(rows: Row[]): string[] {
  const labelled = rows.filter((r): r is Row & { reason: string } => r.reason !== null);
  const truth = labelled.map((r) => r.reason);
  const k = new Set(truth).size;
  const docs = labelled.map((r) => extractTerms(r.text).stems);
  const out = [
    `Airline complaints with a reason: ${labelled.length} texts, ${k} reasons. Unclustered (null) items count as singleton clusters in every score.`,
    '',
    '| method | NMI | AMI | ARI | purity | clusters | unclustered | ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  let t = performance.now();
  const ours = clusterBatch(labelled, BATCH);
  out.push(row('earshot (incremental, k not given)', agreement(truth, ours), performance.now() - t));
  t = performance.now();
  const km = tfidfKmeans(docs, { k, seed: 1 }).map(String);
  out.push(
    row(`TF-IDF + k-means (k=${k} given, k-means++ seed 1, best of 5)`, agreement(truth, km), performance.now() - t),
  );
  t = performance.now();
  const gs = gsdmm(docs, { k: 40, alpha: 0.1, beta: 0.1, iterations: 15, seed: 1 }).map(String);
  out.push(row('GSDMM (K≤40, α=β=0.1, 15 iterations, seed 1)', agreement(truth, gs), performance.now() - t));
  out.push(
    row(
      'reference: every item its own singleton',
      agreement(
        truth,
        truth.map(() => null),
      ),
      0,
    ),
  );
  out.push(
    row(
      'reference: everything in one cluster',
      agreement(
        truth,
        truth.map(() => 'all'),
      ),
      0,
    ),
  );
  out.push('', scoredOtherWays(truth, ours));
  return out;
}

/** The batch settings `earshot cluster` and the outreach report use: the merge pass, then stragglers adopted. */
const BATCH = { stragglerFloor: BATCH_STRAGGLER_FLOOR };

/**
 * The reading: AMI with every unclustered item in one group (leaving items out never helps),
 * next to coverage, for earshot, k-means told the true k and GSDMM, on the tuning half (sweeps looked
 * at it) and the held-out half (never tuned on) side by side.
 */
export function splitTable(rows: Row[]): string[] {
  const { tune, heldOut } = airlineSplit(rows);
  const f = (x: number): string => x.toFixed(3);
  const cells = (part: Row[]): Record<string, string> => {
    const truth = part.map((r) => r.reason as string);
    const k = new Set(truth).size;
    const docs = part.map((r) => extractTerms(r.text).stems);
    const ours = clusterBatch(part, BATCH);
    const one = agreement(
      truth,
      ours.map((p) => p ?? '\u0000unclustered'),
    );
    const km = agreement(truth, tfidfKmeans(docs, { k, seed: 1 }).map(String));
    const gs = agreement(truth, gsdmm(docs, { k: 40, alpha: 0.1, beta: 0.1, iterations: 15, seed: 1 }).map(String));
    const coverage = ours.filter((p) => p !== null).length / ours.length;
    return {
      earshot: `${f(one.ami)} / ${f(one.ari)} / ${f(one.purity)} / ${(100 * coverage).toFixed(0)}% (${one.clusters - (coverage < 1 ? 1 : 0)} clusters)`,
      kmeans: `${f(km.ami)} / ${f(km.ari)} / ${f(km.purity)} / 100% (k=${k} given)`,
      gsdmm: `${f(gs.ami)} / ${f(gs.ari)} / ${f(gs.purity)} / 100%`,
    };
  };
  const a = cells(tune);
  const b = cells(heldOut);
  return [
    `AMI / ARI / purity / coverage, unclustered items as one group. Tuning half ${tune.length} complaints ` +
      `(the sweep looked at it), held-out half ${heldOut.length} (never tuned on); split by a hash of the tweet id.`,
    '',
    '| method | tuning half | held-out half |',
    '|---|---|---|',
    `| earshot (k not given) | ${a.earshot} | ${b.earshot} |`,
    `| TF-IDF + k-means (true k given, best of 5) | ${a.kmeans} | ${b.kmeans} |`,
    `| GSDMM (K≤40) | ${a.gsdmm} | ${b.gsdmm} |`,
  ];
}

/**
 * Singletons raise NMI (see the reference row), so a clusterer can gain NMI by leaving more items
 * out. Two other readings of the same assignments show what the clusters themselves are worth.
 */
function scoredOtherWays(truth: string[], predicted: Array<string | null>): string {
  const f = (x: number): string => x.toFixed(3);
  const asOneGroup = agreement(
    truth,
    predicted.map((p) => p ?? 'unclustered'),
  );
  const kept = predicted.flatMap((p, i) => (p === null ? [] : [i]));
  const clusteredOnly = agreement(
    kept.map((i) => truth[i] as string),
    kept.map((i) => predicted[i] as string),
  );
  return (
    `earshot scored two other ways: unclustered items as one group NMI ${f(asOneGroup.nmi)}, AMI ${f(asOneGroup.ami)}; ` +
    `clustered items only (${((100 * kept.length) / truth.length).toFixed(0)}% of them) ` +
    `NMI ${f(clusteredOnly.nmi)}, AMI ${f(clusteredOnly.ami)}, ARI ${f(clusteredOnly.ari)}.`
  );
}

/**
 * CPU µs per add once `size` mentions are stored: `windows` windows of `window` adds each; the median
 * window is the figure. CPU time (process.cpuUsage), not wall time, so other processes on a shared
 * machine do not inflate it; the odd GC or Map rehash still makes single windows noisy. The count of
 * similarity computations per add is the machine-independent cost.
 */
export function costCurve(sizes: number[], window = 2000, windows = 10): string[] {
  const out = [
    mdRow([
      'mentions stored',
      `median CPU µs per add (${windows} windows of ${window} adds)`,
      'fastest window',
      'slowest window',
      'similarity computations per add',
      'live clusters (seeds included)',
      'heap MB',
    ]),
    '|---|---|---|---|---|---|---|',
  ];
  const clusterer = createClusterer();
  const stream = mentionStream(7);
  let stored = 0;
  const feed = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const m = stream.next().value;
      if (!m) return;
      clusterer.add({ id: m.id, text: m.text, createdAt: m.created_at });
      stored++;
    }
  };
  for (const size of sizes) {
    feed(size - stored);
    const before = clusterer.stats().comparisons;
    const times: number[] = [];
    for (let w = 0; w < windows; w++) {
      const t = process.cpuUsage();
      feed(window);
      const used = process.cpuUsage(t);
      times.push((used.user + used.system) / window);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    const { comparisons, live } = clusterer.stats();
    const perAdd = (comparisons - before) / (window * windows);
    const heap = (process.memoryUsage().heapUsed / 1e6).toFixed(0);
    const f = (x: number): string => x.toFixed(1);
    out.push(
      mdRow([
        size.toLocaleString('en-US'),
        f(median),
        f(times[0] as number),
        f(times[times.length - 1] as number),
        f(perAdd),
        live,
        heap,
      ]),
    );
  }
  return out;
}

export async function run(): Promise<void> {
  const dataDir = process.env.EARSHOT_EVAL_DATA ?? resolve(repoRoot, '../shared/data');
  const file = resolve(dataDir, 'airline-dev.jsonl');
  console.log('## Clustering quality (airline-dev.jsonl)\n');
  if (!existsSync(file)) console.log(`skipped: ${file} not found\n`);
  else {
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Row);
    console.log(`${quality(rows).join('\n')}\n`);
    console.log(`${splitTable(rows).join('\n')}\n`);
  }
  const sizes = (process.env.EARSHOT_BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  console.log(
    '## Incremental cost (synthetic complaint stream: templated complaints, everyday noise, open-vocabulary one-offs)\n',
  );
  console.log(`${costCurve(sizes).join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
