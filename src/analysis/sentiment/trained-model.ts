import { SENTIMENT_LABELS } from './labels.ts';
import type { LexiconModel } from './lexicon-model.ts';
import { LinearSentimentModel, type LinearWeights } from './linear-model.ts';
import type { TrainedModelJson } from './model-file.ts';

export { argmax, softmax } from './linear-model.ts';

const K = SENTIMENT_LABELS.length;

/**
 * The dense weights of a model file. A file trained on top of the shipped model (`base` set) holds
 * only what the team's labels changed; `base` must then be that shipped model's weights.
 */
export function denseWeights(json: TrainedModelJson, base?: LinearWeights): LinearWeights {
  const dim = 1 << json.features.bits;
  const weights = base ? Float32Array.from(base.weights) : new Float32Array(dim * K);
  if (weights.length !== dim * K) throw new Error('the base model has another feature space');
  const { indices, values } = json.weights;
  for (let i = 0; i < indices.length; i++) {
    const at = (indices[i] as number) * K;
    for (let c = 0; c < K; c++) weights[at + c] = (weights[at + c] as number) + (values[i * K + c] as number);
  }
  const bias = json.bias.map((b, c) => b + (base ? (base.bias[c] as number) : 0));
  return { features: json.features, bias, weights };
}

/** A model written by `earshot train`: a multinomial logistic regression over hashed features. */
export class TrainedSentimentModel extends LinearSentimentModel {
  constructor(lexicon: LexiconModel, json: TrainedModelJson, base?: LinearWeights, stackedOn?: LinearSentimentModel) {
    super(lexicon, denseWeights(json, base), stackedOn);
  }
}
