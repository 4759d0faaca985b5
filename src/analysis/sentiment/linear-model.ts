import type { Sentiment, SentimentLabel } from '../../domain/mention.ts';
import { visitFeatures, visitStackFeatures, type FeatureOptions, type FeatureSink } from './features.ts';
import { SENTIMENT_LABELS } from './labels.ts';
import type { LexiconModel } from './lexicon-model.ts';

const K = SENTIMENT_LABELS.length;
/** How many of the features that moved the decision most are named in the reasons. */
const MAX_FEATURE_REASONS = 3;

/** The parameters of a multinomial logistic regression over hashed features: dense, 3 weights per index. */
export interface LinearWeights {
  features: FeatureOptions;
  bias: ArrayLike<number>;
  /** (1 << features.bits) × 3, in label order. */
  weights: Float32Array;
}

/**
 * Scores a text with a linear model over hashed features (features.ts), the rule-based model's
 * verdict among them, and explains the decision by the named features that pushed it hardest.
 */
export class LinearSentimentModel {
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  readonly features: FeatureOptions;
  // Scratch space for one classification, reused: the hot path allocates only its result.
  private readonly namedIdx: number[] = [];
  private readonly namedVal: number[] = [];
  private readonly namedText: string[] = [];

  constructor(
    readonly lexicon: LexiconModel,
    params: LinearWeights,
    /** The model this one is stacked on (features.stack): its probabilities are features here. */
    readonly stackedOn?: LinearSentimentModel,
  ) {
    if (params.features.stack && !stackedOn) throw new Error('a stacked model needs the model it is stacked on');
    this.features = params.features;
    this.weights = params.weights;
    this.bias = Float64Array.from(params.bias);
    if (this.weights.length !== (1 << params.features.bits) * K)
      throw new Error('weights do not match the feature space');
  }

  /** Raw class scores (before softmax), for stacking a team's model on top of this one. */
  logits(text: string): [number, number, number] {
    const analysis = this.lexicon.analyze(text);
    let l0 = this.bias[0] as number;
    let l1 = this.bias[1] as number;
    let l2 = this.bias[2] as number;
    const w = this.weights;
    this.visit(text, analysis, (index, value) => {
      const base = index * K;
      l0 += (w[base] as number) * value;
      l1 += (w[base + 1] as number) * value;
      l2 += (w[base + 2] as number) * value;
    });
    return [l0, l1, l2];
  }

  /** This model's features of a text, with the stacked-on model's verdict when there is one. */
  private visit(text: string, analysis: ReturnType<LexiconModel['analyze']>, sink: FeatureSink): void {
    visitFeatures(text, analysis, this.features, sink);
    if (this.stackedOn) visitStackFeatures(softmax(this.stackedOn.logits(text)), this.features, sink);
  }

  classify(text: string): Sentiment {
    const analysis = this.lexicon.analyze(text);
    let l0 = this.bias[0] as number;
    let l1 = this.bias[1] as number;
    let l2 = this.bias[2] as number;
    const w = this.weights;
    const idx = this.namedIdx;
    const val = this.namedVal;
    const names = this.namedText;
    idx.length = 0;
    val.length = 0;
    names.length = 0;
    this.visit(text, analysis, (index, value, name) => {
      const base = index * K;
      l0 += (w[base] as number) * value;
      l1 += (w[base + 1] as number) * value;
      l2 += (w[base + 2] as number) * value;
      if (name !== null) {
        idx.push(base);
        val.push(value);
        names.push(name);
      }
    });
    const p = softmax([l0, l1, l2]);
    const best = argmax(p);
    const label = SENTIMENT_LABELS[best] as SentimentLabel;
    const reasons = [`model:${label}(p=${(p[best] as number).toFixed(2)})`];
    for (const r of topPushes(w, idx, val, names, best)) reasons.push(r);
    if (this.features.scheme !== 2)
      for (const r of analysis.sentiment.reasons) if (r !== 'no sentiment words') reasons.push(r);
    const score = (p[2] as number) - (p[0] as number);
    return { label, score: Math.round(score * 1000) / 1000, reasons };
  }
}

/**
 * The named features that pushed hardest towards the chosen class (their weight for it minus the
 * mean of the others, times their value), strongest first, as `learned:<name>(+push)`.
 */
function topPushes(w: Float32Array, idx: number[], val: number[], names: string[], best: number): string[] {
  const pushes = new Map<string, number>();
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i] as number;
    const push = ((w[base + best] as number) - meanOthers(w, base, best)) * (val[i] as number);
    const name = names[i] as string;
    pushes.set(name, (pushes.get(name) ?? 0) + push);
  }
  return [...pushes]
    .filter(([, push]) => push > 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_FEATURE_REASONS)
    .map(([name, push]) => `learned:${name}(+${push.toFixed(2)})`);
}

export function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}

function meanOthers(w: Float32Array, base: number, skip: number): number {
  let sum = 0;
  for (let c = 0; c < K; c++) if (c !== skip) sum += w[base + c] as number;
  return sum / (K - 1);
}
