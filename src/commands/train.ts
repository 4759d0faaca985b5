/** `earshot train`: learns a sentiment model from a team's labelled mentions. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fail } from './shared.ts';
import type { SentimentLabel } from '../domain/mention.ts';
import {
  evaluate,
  hashSplit,
  isSentimentLabel,
  learnFromCorrections,
  loadSentimentModel,
  sentimentModelFromJson,
  trainSentimentModel,
  type LabelledText,
  type TrainedModelJson,
} from '../analysis/sentiment/index.ts';
import { readModelFile } from '../analysis/sentiment/model-file.ts';

interface TrainFlags {
  input: string;
  out: string;
  epochs?: string;
  holdout?: string;
  base?: string;
  fromScratch?: boolean;
}

export function register(program: Command): void {
  program
    .command('train')
    .summary('train a sentiment model on labelled mentions, for classify --model and EARSHOT_MODEL')
    .description(
      'Train a sentiment model on labelled mentions (JSON Lines {"text","label"}, label negative|neutral|positive)\n' +
        'and write it as JSON for `earshot classify --model`. It learns on top of the shipped model (whose verdict is one\n' +
        'of its features). Pure TypeScript, seconds, nothing downloaded.',
    )
    .requiredOption('--input <file>', 'labelled JSON Lines')
    .requiredOption('--out <file>', 'where to write the model')
    .option('--epochs <n>', 'passes over the data (default 8; 5 with --base)')
    .option(
      '--holdout <percent>',
      'hold out this share (by a hash of each text) and report accuracy and macro-F1 on it',
    )
    .option('--base <model>', "continue from this model, e.g. to fold in agents' corrections")
    .option('--from-scratch', 'learn from your labels alone, not on top of the shipped model')
    .addHelpText(
      'after',
      '\nExamples:\n  earshot train --input labelled.jsonl --out model.json\n  earshot train --input corrections.jsonl --base model.json --out model-v2.json\n',
    )
    .action(async (flags: TrainFlags) => {
      try {
        await train(flags);
      } catch (err) {
        fail(`train: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
}

async function train(flags: TrainFlags): Promise<void> {
  const examples = parseLabelled(await readFile(flags.input, 'utf8'), flags.input);
  const epochs = flags.epochs === undefined ? undefined : Number(flags.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0))
    throw new Error('--epochs must be a positive whole number');
  const base = flags.base ? await readModelFile(flags.base) : undefined;
  const holdout = flags.holdout === undefined ? 0 : Number(flags.holdout);
  if (!(holdout >= 0 && holdout < 100)) throw new Error('--holdout must be a percentage from 0 to 99');

  const { train: trainSet, test } =
    holdout > 0 ? hashSplit(examples, (e) => e.text, holdout) : { train: examples, test: [] };
  const started = performance.now();
  const opts = epochs ? { epochs } : {};
  const model: TrainedModelJson = base
    ? learnFromCorrections(base, trainSet, opts)
    : trainSentimentModel(trainSet, { ...opts, mode: flags.fromScratch === true ? 'scratch' : 'stacked' });
  const seconds = (performance.now() - started) / 1000;
  await writeFile(flags.out, JSON.stringify(model));
  process.stderr.write(`trained on ${trainSet.length} examples in ${seconds.toFixed(1)} s → ${flags.out}\n`);
  if (test.length) {
    const m = sentimentModelFromJson(model);
    const e = evaluate(
      test.map((t) => t.label),
      test.map((t) => m.classify(t.text).label),
    );
    process.stderr.write(
      `held out ${test.length} (${holdout}% by text hash): accuracy ${e.accuracy.toFixed(3)}, ` +
        `macro-F1 ${e.macroF1.toFixed(3)}, negative F1 ${e.perClass.negative.f1.toFixed(3)}\n`,
    );
  }
  await loadSentimentModel(flags.out); // fail here, not in production, if the file does not load back
}

/** Reads {"text","label"} lines; a bad line stops training with its line number. */
export function parseLabelled(source: string, file: string): LabelledText[] {
  const out: LabelledText[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(err as Error).message}`);
    }
    const r = row as { text?: unknown; label?: unknown };
    if (typeof r !== 'object' || r === null || typeof r.text !== 'string')
      throw new Error(`${file}:${i + 1}: needs a "text" string`);
    if (!isSentimentLabel(r.label)) throw new Error(`${file}:${i + 1}: "label" must be negative, neutral or positive`);
    out.push({ text: r.text, label: r.label as SentimentLabel });
  }
  if (out.length === 0) throw new Error(`${file}: no labelled lines`);
  return out;
}
