/**
 * Sentiment. The shipped model is a logistic regression learned from SemEval tweets
 * (scripts/build-model.ts → models/sentiment-en.model), whose inputs include the verdict of the
 * rule-based English model (lexicon-model.ts). `earshot train` learns a team's labels on top of it
 * (train.ts, trained-model.ts). EARSHOT_SENTIMENT_MODEL=rules uses the rule-based model alone.
 */
import type { Sentiment, SentimentLabel } from '../../domain/mention.ts';
import { englishPack } from './en.ts';
import { LexiconModel } from './lexicon-model.ts';
import { readModelFile, validateModel, type TrainedModelJson } from './model-file.ts';
import { LinearSentimentModel } from './linear-model.ts';
import { readShippedModel, type LoadedShippedModel } from './shipped-model.ts';
import { TrainedSentimentModel } from './trained-model.ts';
import { trainLinearModel, type LabelledText, type TrainOptions } from './train.ts';

export interface SentimentModel {
  classify(text: string): Sentiment;
}

export type { LabelledText, TrainOptions, TrainedModelJson };
import { ModelFileError } from './model-file.ts';
export { ModelFileError };
export { evaluate, type Evaluation } from './metrics.ts';
export { hashSplit, isHeldOut } from './split.ts';
export { SENTIMENT_LABELS, isSentimentLabel } from './labels.ts';

let lexicon: LexiconModel | null = null;

/** The rule-based English model (lexicon, negation, modifiers, emoji, complaint patterns). */
export function lexiconModel(): LexiconModel {
  lexicon ??= new LexiconModel(englishPack());
  return lexicon;
}

let shippedFile: LoadedShippedModel | null = null;
let shipped: LinearSentimentModel | null = null;

/** The shipped model's weights and file hash, read on first use (a few tens of milliseconds). */
export function shippedModelFile(): LoadedShippedModel {
  shippedFile ??= readShippedModel();
  return shippedFile;
}

/** The learned model that ships with earshot. One instance per process, loaded on first use. */
export function shippedSentimentModel(): LinearSentimentModel {
  shipped ??= new LinearSentimentModel(lexiconModel(), shippedModelFile().weights);
  return shipped;
}

/** The default model of a kind (config.sentimentModel, EARSHOT_SENTIMENT_MODEL): the shipped learned one or the rule-based one. */
export function defaultSentimentModel(kind: 'learned' | 'rules'): SentimentModel {
  return kind === 'rules' ? lexiconModel() : shippedSentimentModel();
}

/** A model written by `earshot train` (or trainSentimentModel), ready to classify. */
export async function loadSentimentModel(file: string): Promise<SentimentModel> {
  return sentimentModelFromJson(await readModelFile(file), file);
}

export function sentimentModelFromJson(json: unknown, where = 'model'): SentimentModel {
  const model = validateModel(json, where);
  const base = model.baseModel ? shippedBase(model.baseModel, where).weights : undefined;
  if (model.stackedOn) shippedBase(model.stackedOn, where);
  return new TrainedSentimentModel(lexiconModel(), model, base, model.stackedOn ? shippedSentimentModel() : undefined);
}

/** The shipped model a file was trained on top of; another shipped model would give other results. */
function shippedBase(ref: NonNullable<TrainedModelJson['baseModel']>, where: string): LoadedShippedModel {
  const file = shippedModelFile();
  if (ref.sha256 !== file.sha256) {
    throw new ModelFileError(
      `${where}: trained on top of another shipped model (${ref.name} ${ref.sha256.slice(0, 12)}); train it again with this version`,
    );
  }
  return file;
}

function shippedRef(): { name: string; sha256: string } {
  return { name: 'sentiment-en', sha256: shippedModelFile().sha256 };
}

/**
 * How `earshot train` uses the shipped model: `stacked` (the default) learns the team's labels
 * with the shipped model's verdict as a feature; `warm-start` continues from the shipped weights;
 * `scratch` learns from the team's labels alone.
 */
export type TrainMode = 'stacked' | 'warm-start' | 'scratch';

/** Team models' own features when stacked or from scratch (the shipped model's verdict adds to them). */
const TEAM_FEATURES = { bits: 20, charGrams: true, lexiconWeight: 2 };
const STACK_WEIGHT = 2;

/**
 * Learns a model from labelled texts, by default on top of the shipped model (see TrainMode). The
 * result is plain JSON, to be saved or passed to sentimentModelFromJson.
 */
export function trainSentimentModel(
  examples: { text: string; label: SentimentLabel }[],
  opts: TrainOptions & { mode?: TrainMode } = {},
): TrainedModelJson {
  const { mode = 'stacked', ...rest } = opts;
  if (mode === 'warm-start')
    return trainLinearModel(examples, lexiconModel(), {
      start: { weights: shippedModelFile().weights, ref: shippedRef() },
      ...rest,
    });
  if (mode === 'scratch')
    return trainLinearModel(examples, lexiconModel(), { ...rest, features: { ...TEAM_FEATURES, ...rest.features } });
  return trainLinearModel(examples, lexiconModel(), {
    ...rest,
    features: { ...TEAM_FEATURES, stack: STACK_WEIGHT, ...rest.features },
    stackOn: { model: shippedSentimentModel(), ref: shippedRef() },
  });
}

/**
 * Folds agents' corrections ("not negative: neutral") into an existing model: a few passes over the
 * corrections, starting from its weights, so the rest of what it learned is kept.
 */
export function learnFromCorrections(
  model: TrainedModelJson,
  corrections: LabelledText[],
  opts: TrainOptions = {},
): TrainedModelJson {
  // Larger steps than a fresh training run: a handful of corrections must be able to move the model.
  const start = model.baseModel
    ? { weights: shippedBase(model.baseModel, 'model').weights, ref: model.baseModel }
    : undefined;
  if (model.stackedOn) shippedBase(model.stackedOn, 'model');
  const stackOn = model.stackedOn ? { model: shippedSentimentModel(), ref: model.stackedOn } : undefined;
  return trainLinearModel(corrections, lexiconModel(), {
    epochs: 5,
    learningRate: 0.1,
    ...opts,
    base: model,
    ...(start ? { start } : {}),
    ...(stackOn ? { stackOn } : {}),
  });
}
