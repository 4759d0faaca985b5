/**
 * The figures the root-cause issue asks for, over a set of worlds: mean precision@K of the at-risk
 * lists, rule recovery (the planted conjunction among the top three profile rows of the cause's best
 * cluster), false-alarm clusters, and the share of a cause's complainants its best cluster holds.
 */
import { buildCustomerBase, buildOutreachReport, type OutreachOptions } from '../../src/analysis/profile/index.ts';
import { falseAlarms, scoreWorld } from '../../src/demo/evaluate.ts';
import { defaultSentimentModel } from '../../src/analysis/sentiment/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { World } from '../../src/demo/world.ts';
import { mdRow } from '../format.ts';

export interface WorldFigures {
  worlds: number;
  causes: number;
  precisionAtK: number;
  ruleRecovery: number;
  /** Rule recovery over three-value causes only. */
  ruleRecovery3: number;
  falseAlarms: number;
  bestShare: number;
  clustersPerWorld: number;
}

export function scoreWorlds(worlds: Iterable<World>, options: Partial<OutreachOptions> = {}): WorldFigures {
  const model = defaultSentimentModel(loadConfig().sentimentModel);
  let causes = 0;
  let p = 0;
  let recovered = 0;
  let threes = 0;
  let recovered3 = 0;
  let alarms = 0;
  let share = 0;
  let clusters = 0;
  let count = 0;
  for (const world of worlds) {
    count++;
    const base = buildCustomerBase(world.customers);
    const report = buildOutreachReport(base, world.mentions, {
      isActionable: (m) => model.classify(m.text).label === 'negative',
      ...options,
    });
    clusters += report.clusters.length;
    alarms += falseAlarms(world, report).length;
    scoreWorld(world, report).forEach((s, i) => {
      const cause = world.truth.causes[i]!;
      const three = Object.keys(cause.conjunction).length === 3;
      const ok = s.pairRank !== null && s.pairRank <= 3;
      causes++;
      p += s.precisionAtK;
      share += s.bestShare;
      if (ok) recovered++;
      if (three) {
        threes++;
        if (ok) recovered3++;
      }
    });
  }
  return {
    worlds: count,
    causes,
    precisionAtK: p / Math.max(1, causes),
    ruleRecovery: recovered / Math.max(1, causes),
    ruleRecovery3: recovered3 / Math.max(1, threes),
    falseAlarms: alarms,
    bestShare: share / Math.max(1, causes),
    clustersPerWorld: clusters / Math.max(1, count),
  };
}

export function figuresRow(name: string, f: WorldFigures): string {
  const x = (v: number): string => v.toFixed(3);
  return mdRow([
    name,
    f.worlds,
    f.causes,
    x(f.precisionAtK),
    x(f.ruleRecovery),
    x(f.ruleRecovery3),
    f.falseAlarms,
    x(f.bestShare),
    f.clustersPerWorld.toFixed(1),
  ]);
}

export const FIGURES_HEADER = [
  '| worlds | n | causes | precision@K | rule recovery (top 3) | of 3-value causes | false alarms | best-cluster share | clusters per world |',
  '|---|---|---|---|---|---|---|---|---|',
];
