import type { SentimentLabel } from '../../domain/mention.ts';
import {
  DEFAULT_FEATURES,
  extractFeatures,
  visitStackFeatures,
  type FeatureOptions,
  type FeatureVector,
} from './features.ts';
import { SENTIMENT_LABELS } from './labels.ts';
import type { LexiconModel } from './lexicon-model.ts';
import { MODEL_FORMAT, MODEL_VERSION, type TrainedModelJson } from './model-file.ts';
import { softmax, type LinearSentimentModel, type LinearWeights } from './linear-model.ts';
import { denseWeights } from './trained-model.ts';
import { mulberry32 } from '../random.ts';

export interface LabelledText {
  text: string;
  label: SentimentLabel;
}

export interface TrainOptions {
  epochs?: number;
  /** AdaGrad step size. */
  learningRate?: number;
  /** L2 penalty per update, scaled by the step. */
  l2?: number;
  features?: Partial<FeatureOptions>;
  /**
   * Weigh classes by inverse frequency so rare classes count as much as common ones: the goal is
   * macro-F1, and a team's labels are usually mostly complaints.
   */
  balanceClasses?: boolean;
  /** Continue from an existing model (learning from agents' corrections) instead of starting at zero. */
  base?: TrainedModelJson;
  /**
   * The weights `base` is stored on top of (the shipped model, for a file with `baseModel`), or,
   * without `base`, the weights to start from; the file written then holds only the difference.
   */
  start?: { weights: LinearWeights; ref: NonNullable<TrainedModelJson['baseModel']> };
  /** Stack on this model (features.stack must be set): its verdict is a feature of the new one. */
  stackOn?: { model: LinearSentimentModel; ref: NonNullable<TrainedModelJson['stackedOn']> };
  /** Shuffling seed; the same data and seed give the same model. */
  seed?: number;
  /** Train this many times with different shuffles and average the weights (less variance). */
  runs?: number;
}

const K = SENTIMENT_LABELS.length;

interface Example {
  fv: FeatureVector;
  y: number;
}

interface Params {
  epochs: number;
  lr: number;
  l2: number;
  classWeight: number[];
}

/**
 * Multinomial logistic regression trained by SGD with AdaGrad step sizes over hashed features,
 * averaged over a few shuffles. Seconds for thousands of texts; pure TypeScript, nothing downloaded.
 */
export function trainLinearModel(
  examples: readonly LabelledText[],
  lexicon: LexiconModel,
  opts: TrainOptions = {},
): TrainedModelJson {
  const trained = trainWeights(examples, lexicon, opts);
  const { w, bias, features, perLabel, epochs } = trained;
  // A model trained on top of another is stored as the difference, so it stays small.
  const start = opts.start?.weights;
  const indices: number[] = [];
  const values: number[] = [];
  const dim = 1 << features.bits;
  for (let i = 0; i < dim; i++) {
    const base = i * K;
    const d = [0, 0, 0];
    for (let c = 0; c < K; c++) {
      const v = (w[base + c] as number) - (start ? (start.weights[base + c] as number) : 0);
      d[c] = Math.round(v * 1e5) / 1e5;
    }
    if (d[0] === 0 && d[1] === 0 && d[2] === 0) continue;
    indices.push(i);
    values.push(d[0] as number, d[1] as number, d[2] as number);
  }
  const basePerLabel = opts.base?.trainedOn.perLabel;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    language: lexicon.pack.code,
    labels: [...SENTIMENT_LABELS],
    features,
    ...(opts.start ? { baseModel: opts.start.ref } : {}),
    ...(opts.stackOn && features.stack ? { stackedOn: opts.stackOn.ref } : {}),
    bias: Array.from(bias, (b, c) => b - (start ? (start.bias[c] as number) : 0)),
    weights: { indices, values },
    trainedOn: {
      examples: examples.length + (opts.base?.trainedOn.examples ?? 0),
      perLabel: basePerLabel
        ? {
            negative: perLabel.negative + basePerLabel.negative,
            neutral: perLabel.neutral + basePerLabel.neutral,
            positive: perLabel.positive + basePerLabel.positive,
          }
        : perLabel,
      epochs,
      at: new Date().toISOString(),
    },
  };
}

export interface TrainedWeights {
  w: Float32Array;
  bias: Float64Array;
  features: FeatureOptions;
  perLabel: Record<SentimentLabel, number>;
  epochs: number;
}

/** The learning itself, returning dense weights (the build script quantises them; train writes JSON). */
export function trainWeights(
  examples: readonly LabelledText[],
  lexicon: LexiconModel,
  opts: TrainOptions = {},
): TrainedWeights {
  if (examples.length === 0) throw new Error('no training examples');
  const init = opts.base ? denseWeights(opts.base, opts.start?.weights) : opts.start?.weights;
  const features: FeatureOptions = { ...(init?.features ?? DEFAULT_FEATURES), ...(init ? {} : opts.features) };
  const dim = 1 << features.bits;
  if (features.stack && !opts.stackOn) throw new Error('features.stack needs the model to stack on');
  const data: Example[] = examples.map((e) => {
    const fv = extractFeatures(e.text, lexicon.analyze(e.text), features);
    if (features.stack && opts.stackOn) {
      visitStackFeatures(softmax(opts.stackOn.model.logits(e.text)), features, (index, value, word) => {
        fv.indices.push(index);
        fv.values.push(value);
        fv.words.push(word);
      });
    }
    return { fv, y: SENTIMENT_LABELS.indexOf(e.label) };
  });
  const perLabel = { negative: 0, neutral: 0, positive: 0 };
  for (const e of examples) perLabel[e.label]++;
  const params: Params = {
    epochs: opts.epochs ?? (opts.start ? 3 : 8),
    lr: opts.learningRate ?? 0.05,
    l2: opts.l2 ?? 1e-6,
    classWeight: SENTIMENT_LABELS.map((l) =>
      opts.balanceClasses === false || perLabel[l] === 0 ? 1 : examples.length / (K * perLabel[l]),
    ),
  };

  const runs = Math.max(1, opts.runs ?? 1);
  const w = new Float32Array(dim * K);
  const bias = new Float64Array(K);
  for (let r = 0; r < runs; r++) {
    const run = sgd(data, dim, params, init, (opts.seed ?? 1) + r);
    for (let k = 0; k < w.length; k++) w[k] = (w[k] as number) + (run.w[k] as number) / runs;
    for (let c = 0; c < K; c++) bias[c] = (bias[c] as number) + (run.bias[c] as number) / runs;
  }
  return { w, bias, features, perLabel, epochs: params.epochs };
}

/** One SGD run from `init` (or zero) over shuffled data. */
function sgd(
  data: Example[],
  dim: number,
  p: Params,
  init: LinearWeights | undefined,
  seed: number,
): { w: Float32Array; bias: Float64Array } {
  const w = init ? Float32Array.from(init.weights) : new Float32Array(dim * K);
  const g2 = new Float32Array(dim * K);
  const bias = new Float64Array(K);
  const biasG2 = new Float64Array(K);
  if (init) for (let c = 0; c < K; c++) bias[c] = init.bias[c] as number;
  const rand = mulberry32(seed);
  const order = data.map((_, i) => i);
  const logits = [0, 0, 0];
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    shuffle(order, rand);
    for (const i of order) {
      const { fv, y } = data[i] as Example;
      for (let c = 0; c < K; c++) logits[c] = bias[c] as number;
      for (let j = 0; j < fv.indices.length; j++) {
        const base = (fv.indices[j] as number) * K;
        const v = fv.values[j] as number;
        for (let c = 0; c < K; c++) logits[c] = (logits[c] as number) + (w[base + c] as number) * v;
      }
      const prob = softmax(logits);
      const cw = p.classWeight[y] as number;
      for (let c = 0; c < K; c++) {
        const grad = ((prob[c] as number) - (c === y ? 1 : 0)) * cw;
        biasG2[c] = (biasG2[c] as number) + grad * grad;
        bias[c] = (bias[c] as number) - (p.lr * grad) / Math.sqrt((biasG2[c] as number) + 1e-8);
        for (let j = 0; j < fv.indices.length; j++) {
          const k = (fv.indices[j] as number) * K + c;
          const gk = grad * (fv.values[j] as number) + p.l2 * (w[k] as number);
          g2[k] = (g2[k] as number) + gk * gk;
          w[k] = (w[k] as number) - (p.lr * gk) / Math.sqrt((g2[k] as number) + 1e-8);
        }
      }
    }
  }
  return { w, bias };
}

function shuffle(xs: number[], rand: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = xs[i] as number;
    xs[i] = xs[j] as number;
    xs[j] = t;
  }
}
