import { readFile } from 'node:fs/promises';
import type { SentimentLabel } from '../../domain/mention.ts';
import type { FeatureOptions } from './features.ts';

export const MODEL_FORMAT = 'earshot-sentiment';
export const MODEL_VERSION = 1;

/** What `earshot train` writes and `classify --model` reads. Weights are stored sparsely. */
export interface TrainedModelJson {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  language: string;
  labels: SentimentLabel[];
  features: FeatureOptions;
  /**
   * Set when the model was trained on top of the shipped model: weights and bias are then the
   * difference from it, and it is needed (the same file, by hash) to use this one.
   */
  baseModel?: { name: string; sha256: string };
  /** Set when the model is stacked on the shipped model (features.stack): it reads that model's verdict. */
  stackedOn?: { name: string; sha256: string };
  bias: number[];
  /** Feature indices with a non-zero weight, and their weights, 3 per index in label order. */
  weights: { indices: number[]; values: number[] };
  trainedOn: { examples: number; perLabel: Record<SentimentLabel, number>; epochs: number; at: string };
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

export async function readModelFile(file: string): Promise<TrainedModelJson> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ModelFileError(`${file}: cannot read the model: ${(err as Error).message}`);
  }
  return validateModel(parsed, file);
}

export function validateModel(value: unknown, where = 'model'): TrainedModelJson {
  const fail = (why: string): never => {
    throw new ModelFileError(`${where}: not an earshot sentiment model: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const m = value as Partial<TrainedModelJson>;
  if (m.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION) fail(`version ${String(m.version)} is not supported (expected ${MODEL_VERSION})`);
  const f = m.features;
  if (!f || !Number.isInteger(f.bits) || f.bits < 8 || f.bits > 24 || typeof f.charGrams !== 'boolean')
    fail('bad "features"');
  const lw = (f as FeatureOptions).lexiconWeight;
  if (lw !== undefined && (typeof lw !== 'number' || !Number.isFinite(lw) || lw < 0 || lw > 100))
    fail('bad "features.lexiconWeight"');
  const scheme = (f as FeatureOptions).scheme;
  if (scheme !== undefined && scheme !== 1 && scheme !== 2) fail('bad "features.scheme"');
  const b = m.baseModel;
  for (const [key, ref] of [
    ['baseModel', b],
    ['stackedOn', m.stackedOn],
  ] as const) {
    if (
      ref !== undefined &&
      (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string' || typeof ref.sha256 !== 'string')
    )
      fail(`bad "${key}"`);
  }
  const stack = (f as FeatureOptions).stack;
  if (stack !== undefined && (typeof stack !== 'number' || !Number.isFinite(stack) || stack < 0 || stack > 100))
    fail('bad "features.stack"');
  if (stack && !m.stackedOn) fail('"features.stack" without "stackedOn"');
  if (!Array.isArray(m.bias) || m.bias.length !== 3) fail('"bias" must hold 3 numbers');
  const w = m.weights;
  if (!w || !Array.isArray(w.indices) || !Array.isArray(w.values) || w.values.length !== w.indices.length * 3) {
    fail('"weights" must hold indices and 3 values per index');
  }
  const dim = 1 << (f as FeatureOptions).bits;
  for (const i of (w as TrainedModelJson['weights']).indices)
    if (!Number.isInteger(i) || i < 0 || i >= dim) fail(`weight index ${i} out of range`);
  return m as TrainedModelJson;
}
