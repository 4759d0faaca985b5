/**
 * Rebuilds the shipped sentiment model from labelled tweets (SemEval 2013–2016, the only data the
 * shipped model may learn from: its weights may ship, its tweets may not; the files are kept outside the
 * repository, in ../shared/data beside the main checkout):
 *
 *   npm run build-model -- --input ../shared/data/semeval-train.jsonl [--out models/sentiment-en] [--seed 1]
 *
 * Splits, all fixed by hashes and years so the build is reproducible:
 * - frozen: 10 % of rows by FNV-1a("frozen:" + id). Never trained or tuned on; scored once at the end.
 * - tune: the rest of the 2016-test rows (validation by year: the fit rows are 2013–2016 train/dev).
 *   Hyper-parameters and the class offsets are chosen on it. A file without 2016-test rows (a test
 *   fixture) tunes on 20 % by hash instead.
 * - fit: everything else.
 * The shipped model is then trained on fit + tune with the chosen settings. Writes
 * <out>.model (gzip, int8 weights) and <out>.json (provenance: data hash, counts, options, scores).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SentimentLabel } from '../src/domain/mention.ts';
import { evaluate, isSentimentLabel, lexiconModel } from '../src/analysis/sentiment/index.ts';
import type { FeatureOptions } from '../src/analysis/sentiment/features.ts';
import { SENTIMENT_LABELS } from '../src/analysis/sentiment/labels.ts';
import { argmax, LinearSentimentModel, type LinearWeights } from '../src/analysis/sentiment/linear-model.ts';
import { decodeShippedModel, encodeShippedModel, sha256 } from '../src/analysis/sentiment/shipped-model.ts';
import { trainWeights, type TrainOptions } from '../src/analysis/sentiment/train.ts';
import { splitOf } from './model-splits.ts';

interface Row {
  id: string;
  text: string;
  label: SentimentLabel;
  set: string;
}

interface Candidate {
  features: FeatureOptions;
  epochs: number;
  learningRate: number;
  l2: number;
  balanceClasses: boolean;
  runs: number;
}

const { values: args } = parseArgs({
  options: {
    input: { type: 'string' },
    out: { type: 'string', default: 'models/sentiment-en' },
    seed: { type: 'string', default: '1' },
    /** "full" tries the candidates below; "quick" trains the first only (tests, small fixtures). */
    grid: { type: 'string', default: 'full' },
    bits: { type: 'string', default: '20' },
  },
});
if (!args.input) {
  console.error(
    'usage: npm run build-model -- --input semeval-train.jsonl [--out models/sentiment-en] [--seed 1] [--grid full|quick]',
  );
  process.exit(2);
}
const seed = Number(args.seed);
const bits = Number(args.bits);
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

const source = readFileSync(args.input);
const rows: Row[] = [];
for (const line of source.toString('utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { id?: unknown; text?: unknown; label?: unknown; set?: unknown };
  if (typeof r.text !== 'string' || !isSentimentLabel(r.label)) throw new Error(`bad row: ${line.slice(0, 80)}`);
  rows.push({ id: String(r.id ?? r.text), text: r.text, label: r.label, set: typeof r.set === 'string' ? r.set : '' });
}
const byYear = rows.some((r) => r.set === '2016-test');
const frozen = rows.filter((r) => splitOf(r, byYear) === 'frozen');
const tune = rows.filter((r) => splitOf(r, byYear) === 'tune');
const fit = rows.filter((r) => splitOf(r, byYear) === 'fit');
log(
  `rows ${rows.length}: fit ${fit.length}, tune ${tune.length} (${byYear ? '2016-test' : '20% by hash'}), frozen ${frozen.length}`,
);

const base: Candidate = {
  features: { bits, charGrams: true, lexiconWeight: 2, scheme: 2 },
  epochs: 8,
  learningRate: 0.05,
  l2: 1e-6,
  balanceClasses: true,
  runs: 1,
};
const candidates: Candidate[] =
  args.grid === 'quick'
    ? [base]
    : [
        base,
        { ...base, epochs: 12 },
        { ...base, features: { ...base.features, lexiconWeight: 1 } },
        { ...base, runs: 3 },
      ];

const lexicon = lexiconModel();
const train = (data: Row[], c: Candidate): LinearWeights => {
  const opts: TrainOptions = { ...c, seed };
  const t = trainWeights(data, lexicon, opts);
  return { features: t.features, bias: Array.from(t.bias), weights: t.w };
};
const logitsOf = (model: LinearWeights, data: Row[]): [number, number, number][] => {
  const m = new LinearSentimentModel(lexicon, model);
  return data.map((r) => m.logits(r.text));
};
const f1With = (logits: [number, number, number][], data: Row[], offsets: number[]) =>
  evaluate(
    data.map((r) => r.label),
    logits.map((l) => SENTIMENT_LABELS[argmax(l.map((v, c) => v + (offsets[c] as number)))] as SentimentLabel),
  );

/** Class offsets added to the bias, chosen on the tune split for macro-F1 (neutral stays at 0). */
function tuneOffsets(logits: [number, number, number][], data: Row[]): number[] {
  let best = [0, 0, 0];
  let bestF1 = f1With(logits, data, best).macroF1;
  for (let neg = -1; neg <= 1.0001; neg += 0.1) {
    for (let pos = -1; pos <= 1.0001; pos += 0.1) {
      const o = [Math.round(neg * 10) / 10, 0, Math.round(pos * 10) / 10];
      const f1 = f1With(logits, data, o).macroF1;
      if (f1 > bestF1 + 1e-9) {
        bestF1 = f1;
        best = o;
      }
    }
  }
  return best;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
const scores = (e: ReturnType<typeof evaluate>) => ({
  n: e.n,
  accuracy: round(e.accuracy),
  macroF1: round(e.macroF1),
  negativeF1: round(e.perClass.negative.f1),
});

// 1. Choose hyper-parameters on the tune split, with models that never saw it.
const tried: { candidate: Candidate; tuneMacroF1: number; tuneMacroF1WithOffsets: number; offsets: number[] }[] = [];
let chosen: { candidate: Candidate; model: LinearWeights; offsets: number[]; f1: number } | null = null;
for (const candidate of candidates) {
  const started = performance.now();
  const model = train(fit, candidate);
  const logits = logitsOf(model, tune);
  const plain = f1With(logits, tune, [0, 0, 0]).macroF1;
  const offsets = tuneOffsets(logits, tune);
  const tuned = f1With(logits, tune, offsets).macroF1;
  tried.push({ candidate, tuneMacroF1: round(plain), tuneMacroF1WithOffsets: round(tuned), offsets });
  log(
    `candidate ${JSON.stringify(candidate)}: tune macro-F1 ${plain.toFixed(3)}, ` +
      `with offsets ${JSON.stringify(offsets)} ${tuned.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  if (!chosen || tuned > chosen.f1) chosen = { candidate, model, offsets, f1: tuned };
}
if (!chosen) throw new Error('no candidate');
const withOffsets = (m: LinearWeights, offsets: number[]): LinearWeights => ({
  ...m,
  bias: Array.from(m.bias, (b, c) => b + (offsets[c] as number)),
});

// 2. The validation model (fit only) on the frozen split: the by-year model's untouched figure.
const validation = withOffsets(chosen.model, chosen.offsets);
const validationFrozen = f1With(logitsOf(validation, frozen), frozen, [0, 0, 0]);
const validationTune = f1With(logitsOf(validation, tune), tune, [0, 0, 0]);

// 3. The shipped model: fit + tune, the chosen settings, quantised.
const final = withOffsets(train([...fit, ...tune], chosen.candidate), chosen.offsets);
const file = encodeShippedModel(final);
const shipped = decodeShippedModel(file);
const frozenFloat = f1With(logitsOf(final, frozen), frozen, [0, 0, 0]);
const frozenShipped = f1With(logitsOf(shipped, frozen), frozen, [0, 0, 0]);
log(
  `frozen: validation model ${validationFrozen.macroF1.toFixed(3)}, ` +
    `shipped (float) ${frozenFloat.macroF1.toFixed(3)}, shipped (int8) ${frozenShipped.macroF1.toFixed(3)}`,
);

const count = (data: Row[]) =>
  Object.fromEntries(SENTIMENT_LABELS.map((l) => [l, data.filter((r) => r.label === l).length]));
const provenance = {
  model: `${args.out.split('/').pop()}.model`,
  modelSha256: sha256(file),
  modelBytes: file.length,
  built: 'npm run build-model -- --input <semeval-train.jsonl>' + (args.seed !== '1' ? ` --seed ${args.seed}` : ''),
  data: { file: args.input.split('/').pop(), sha256: sha256(source), rows: rows.length, perLabel: count(rows) },
  splits: {
    rule:
      'frozen = FNV-1a("frozen:" + id) mod 100 < 10; tune = ' +
      (byYear ? 'set 2016-test' : 'FNV-1a("tune:" + id) mod 100 < 20') +
      ' outside frozen; fit = the rest',
    fit: { rows: fit.length, perLabel: count(fit) },
    tune: { rows: tune.length, perLabel: count(tune) },
    frozen: { rows: frozen.length, perLabel: count(frozen) },
  },
  seed,
  trainer:
    'multinomial logistic regression, SGD with AdaGrad steps, classes weighted by inverse frequency; ' +
    'class offsets on the bias tuned for macro-F1 on the tune split',
  chosen: { ...chosen.candidate, offsets: chosen.offsets },
  tried,
  quantisation: 'int8 per class, step = 99.99th percentile of |w| / 127',
  figures: {
    note: 'validation = trained on fit only (by year: without 2016-test); shipped = trained on fit + tune. Frozen was used for nothing else.',
    validationOnTune: scores(validationTune),
    validationOnFrozen: scores(validationFrozen),
    shippedOnFrozenFloat: scores(frozenFloat),
    shippedOnFrozen: scores(frozenShipped),
  },
};
writeFileSync(`${args.out}.model`, file);
writeFileSync(`${args.out}.json`, JSON.stringify(provenance, null, 2) + '\n');
log(`wrote ${args.out}.model (${(file.length / 1e6).toFixed(2)} MB) and ${args.out}.json`);
