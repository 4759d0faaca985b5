import type { Sentiment, SentimentLabel } from '../../domain/mention.ts';
import { visitFeatures, type FeatureOptions } from './features.ts';
import { SENTIMENT_LABELS } from './labels.ts';
import type { LexiconModel } from './lexicon-model.ts';
import type { TrainedModelJson } from './model-file.ts';

const K = SENTIMENT_LABELS.length;

/**
 * A multinomial logistic regression over hashed features (features.ts), with the rule-based
 * model's output among its inputs. Weights are a dense Float32Array of dim × 3 for fast scoring.
 */
export class TrainedSentimentModel {
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  readonly features: FeatureOptions;

  constructor(
    readonly lexicon: LexiconModel,
    json: TrainedModelJson,
  ) {
    this.features = json.features;
    const dim = 1 << json.features.bits;
    this.weights = new Float32Array(dim * K);
    this.bias = Float64Array.from(json.bias);
    const { indices, values } = json.weights;
    for (let i = 0; i < indices.length; i++) {
      const base = (indices[i] as number) * K;
      for (let c = 0; c < K; c++) this.weights[base + c] = values[i * K + c] as number;
    }
  }

  classify(text: string): Sentiment {
    const analysis = this.lexicon.analyze(text);
    const logits = [this.bias[0] as number, this.bias[1] as number, this.bias[2] as number];
    const wordIdx: number[] = [];
    const wordVal: number[] = [];
    const wordText: string[] = [];
    const w = this.weights;
    visitFeatures(text, analysis, this.features, (index, value, word) => {
      const base = index * K;
      logits[0] = (logits[0] as number) + (w[base] as number) * value;
      logits[1] = (logits[1] as number) + (w[base + 1] as number) * value;
      logits[2] = (logits[2] as number) + (w[base + 2] as number) * value;
      if (word !== null) {
        wordIdx.push(base);
        wordVal.push(value);
        wordText.push(word);
      }
    });
    const p = softmax(logits);
    const best = argmax(p);
    // The word that pushed hardest towards the chosen class, so the reasons name the learned cue.
    let topWord: string | null = null;
    let topPush = 0;
    for (let i = 0; i < wordIdx.length; i++) {
      const base = wordIdx[i] as number;
      const push = ((w[base + best] as number) - meanOthers(w, base, best)) * (wordVal[i] as number);
      if (push > topPush) {
        topPush = push;
        topWord = wordText[i] as string;
      }
    }
    const label = SENTIMENT_LABELS[best] as SentimentLabel;
    const reasons = [`model:${label}(p=${(p[best] as number).toFixed(2)})`];
    if (topWord) reasons.push(`learned:${topWord}`);
    for (const r of analysis.sentiment.reasons) if (r !== 'no sentiment words') reasons.push(r);
    const score = (p[2] as number) - (p[0] as number);
    return { label, score: Math.round(score * 1000) / 1000, reasons };
  }
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
