/**
 * Firehose part `sentiment` (issue #15: "side by side in the same run"): the shipped sentiment model's
 * rate beside the peer libraries of bench/sentiment.ts (vader-sentiment, sentiment, wink-sentiment,
 * natural; nlp.js when installed), called exactly as that bench calls them, on the same texts:
 * the firehose's own mention texts and, when the evaluation data is found, tweeteval-val's tweets.
 * Single-threaded, in this process; best of 3 passes after a warm-up. Accuracy is bench/sentiment.ts's job.
 * Env: EARSHOT_EVAL_DATA (default ../shared/data beside the checkout or its worktree folder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shippedSentimentModel } from '../src/analysis/sentiment/index.ts';
import { table } from './format.ts';
import { peers, type System } from './sentiment.ts';
import { ROOT, load, mentions } from './firehose-harness.ts';

const PASSES = 3;

function tweets(): string[] | null {
  const dirs = [process.env.EARSHOT_EVAL_DATA, resolve(ROOT, '../shared/data'), resolve(ROOT, '../../shared/data')];
  for (const dir of dirs) {
    const file = dir ? join(dir, 'tweeteval-val.jsonl') : '';
    if (file && existsSync(file))
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => String((JSON.parse(l) as { text: unknown }).text));
  }
  return null;
}

/** Texts per second, best of PASSES, after classifying the first 200 to warm up the JIT. */
async function speed(system: System, texts: string[]): Promise<number> {
  for (const t of texts.slice(0, 200)) await system.classify(t);
  let best = Infinity;
  for (let p = 0; p < PASSES; p++) {
    const t0 = performance.now();
    for (const t of texts) {
      const r = system.classify(t);
      if (typeof r !== 'string') await r;
    }
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round((texts.length / best) * 1000);
}

export async function run(): Promise<Record<string, unknown>> {
  const model = shippedSentimentModel();
  const systems: System[] = [
    { name: 'earshot (shipped model)', classify: (t) => model.classify(t).label },
    ...(await peers()),
  ];
  const sets: [string, string[]][] = [['firehose mentions', mentions(5000).map((m) => m.text)]];
  const tweeteval = tweets();
  if (tweeteval) sets.push(['tweeteval-val', tweeteval]);
  const rows: Record<string, string | number>[] = [];
  for (const s of systems) {
    const row: Record<string, string | number> = { system: s.name };
    for (const [name, texts] of sets) row[`${name} (${texts.length}) /s`] = await speed(s, texts);
    row.load = load();
    rows.push(row);
  }
  console.log(
    '\n## Firehose: sentiment, the shipped model beside the libraries (mentions/s, one thread, same texts)\n',
  );
  console.log(
    table(
      Object.keys(rows[0] ?? {}),
      rows.map((r) => Object.values(r)),
    ),
  );
  if (!tweeteval) console.log('\ntweeteval-val not found (set EARSHOT_EVAL_DATA): firehose texts only.');
  return { rows };
}
