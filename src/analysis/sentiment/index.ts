/**
 * Sentiment: a rule-based English model that works out of the box (lexicon-model.ts) and a
 * trainable linear model on top of it (train.ts, trained-model.ts) for a team's own labels.
 */
import type { Sentiment, SentimentLabel } from '../../domain/mention.ts';
import { englishPack } from './en.ts';
import { LexiconModel } from './lexicon-model.ts';
import { readModelFile, validateModel, type TrainedModelJson } from './model-file.ts';
import { TrainedSentimentModel } from './trained-model.ts';
import { trainLinearModel, type LabelledText, type TrainOptions } from './train.ts';

export interface SentimentModel {
  classify(text: string): Sentiment;
}

export type { LabelledText, TrainOptions, TrainedModelJson };
export { ModelFileError } from './model-file.ts';
export { evaluate, type Evaluation } from './metrics.ts';
export { hashSplit, isHeldOut } from './split.ts';
export { SENTIMENT_LABELS, isSentimentLabel } from './labels.ts';

let lexicon: LexiconModel | null = null;

/** The rule-based English model (lexicon, negation, modifiers, emoji, complaint patterns). */
export function lexiconModel(): LexiconModel {
  lexicon ??= new LexiconModel(englishPack());
  return lexicon;
}

/** The shipped model: rule-based, needs no training. One instance per process. */
export function defaultSentimentModel(): SentimentModel {
  return lexiconModel();
}

/** A model written by `earshot train` (or trainSentimentModel), ready to classify. */
export async function loadSentimentModel(file: string): Promise<SentimentModel> {
  return new TrainedSentimentModel(lexiconModel(), await readModelFile(file));
}

export function sentimentModelFromJson(json: unknown): SentimentModel {
  return new TrainedSentimentModel(lexiconModel(), validateModel(json));
}

/** Learns a model from labelled texts; the result is plain JSON, to be saved or passed to sentimentModelFromJson. */
export function trainSentimentModel(examples: { text: string; label: SentimentLabel }[], opts?: TrainOptions): TrainedModelJson {
  return trainLinearModel(examples, lexiconModel(), opts);
}

/** Short name used by the corrections flow. */
export const trainModel = trainSentimentModel;

/**
 * Folds agents' corrections ("not negative: neutral") into an existing model: a few passes over the
 * corrections, starting from its weights, so the rest of what it learned is kept.
 */
export function learnFromCorrections(model: TrainedModelJson, corrections: LabelledText[], opts: TrainOptions = {}): TrainedModelJson {
  // Larger steps than a fresh training run: a handful of corrections must be able to move the model.
  return trainLinearModel(corrections, lexiconModel(), { epochs: 5, learningRate: 0.1, ...opts, base: model });
}
