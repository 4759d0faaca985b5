/**
 * Parameter sweeps on tuning data only: the clusterer on the tuning half of the airline complaints
 * (AMI with every unclustered item as one group, coverage ≥ 85 % required), and the outreach report on
 * the tuning hard worlds (seeds 100–109). The frozen worlds and the held-out half are never looked at
 * here; bench/cluster.ts and bench/outreach.ts score the chosen defaults on them.
 *
 *   npm run bench -- sweep
 */
import { pathToFileURL } from 'node:url';
import { agreement, createClusterer, type ClustererOptions } from '../src/analysis/cluster/index.ts';
import { sweep, type Grid } from '../src/analysis/cluster/sweep.ts';
import type { OutreachOptions } from '../src/analysis/profile/index.ts';
import { airlineSplit, readAirline, type AirlineRow } from './airline.ts';
import { generateHardWorld, TUNING_SEEDS } from './worlds/hard-world.ts';
import { scoreWorlds } from './worlds/score.ts';

type BatchOptions = Partial<ClustererOptions> & { stragglerFloor?: number };

/** The clusterer as batch commands run it: add all, merge pass, adopt stragglers. */
export function clusterBatch(
  rows: ReadonlyArray<{ id: string; text: string }>,
  options: BatchOptions = {},
): Array<string | null> {
  const { stragglerFloor, ...clusterer } = options;
  const c = createClusterer(clusterer);
  for (const r of rows) c.add({ id: String(r.id), text: r.text });
  c.consolidate();
  if (stragglerFloor !== undefined) c.adoptStragglers(stragglerFloor);
  return c.assignments().map((a) => a.cluster);
}

export function amiAsOneGroup(rows: AirlineRow[], predicted: Array<string | null>): { ami: number; coverage: number } {
  const truth = rows.map((r) => r.reason as string);
  return {
    ami: agreement(
      truth,
      predicted.map((p) => p ?? '\u0000unclustered'),
    ).ami,
    coverage: predicted.filter((p) => p !== null).length / Math.max(1, predicted.length),
  };
}

export async function run(): Promise<void> {
  const rows = readAirline();
  if (rows) {
    const { tune } = airlineSplit(rows);
    const grid: Grid<BatchOptions> = {
      mergeThreshold: [0.35, 0.5],
      sameLeadMergeThreshold: [0.2, 0.3],
      stragglerFloor: [undefined, 0.1],
    };
    const results = sweep(grid, (o) => {
      const { ami, coverage } = amiAsOneGroup(tune, clusterBatch(tune, o));
      return coverage >= 0.85 ? ami : ami - 1;
    });
    console.log(
      `## Clusterer sweep on the airline tuning half (${tune.length} complaints), best 5 of ${results.length}\n`,
    );
    console.log('| options | AMI (unclustered as one group) |\n|---|---|');
    for (const r of results.slice(0, 5)) console.log(`| ${JSON.stringify(r.options)} | ${r.score.toFixed(3)} |`);
    console.log('');
  }
  const worlds = TUNING_SEEDS.map((seed) => generateHardWorld({ seed }));
  const grid: Grid<{ closeMatch: number; minSimilarity: number; minShare: number }> = {
    closeMatch: [0.35, 0.4, 0.5],
    minSimilarity: [0.05],
    minShare: [0.5],
  };
  const results = sweep(grid, (o) => {
    const opts: Partial<OutreachOptions> = {
      closeMatch: o.closeMatch,
      consolidate: { minSimilarity: o.minSimilarity, minShare: o.minShare },
    };
    const f = scoreWorlds(worlds, opts);
    return f.precisionAtK + f.ruleRecovery + f.bestShare - f.falseAlarms / 10;
  });
  console.log(
    `## Outreach sweep on the tuning hard worlds (seeds ${TUNING_SEEDS[0]}–${TUNING_SEEDS[TUNING_SEEDS.length - 1]}): ` +
      'precision@K + rule recovery + best share − false alarms / 10\n',
  );
  console.log('| options | score |\n|---|---|');
  for (const r of results.slice(0, 5)) console.log(`| ${JSON.stringify(r.options)} | ${r.score.toFixed(3)} |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
