/**
 * The shipped model file: a gzip of a small JSON header and the weights quantised to one byte each
 * (per class, w ≈ q × scale), so 2^20 hashed features × 3 classes fit in a few MB and load in
 * tens of milliseconds. Written by scripts/build-model.ts, read once per process on first use.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeatureOptions } from './features.ts';
import { SENTIMENT_LABELS } from './labels.ts';
import type { LinearWeights } from './linear-model.ts';
import { ModelFileError } from './model-file.ts';

const K = SENTIMENT_LABELS.length;
const MAGIC = 'ESM2';
export const SHIPPED_MODEL_FORMAT = 'earshot-sentiment-shipped';

interface Header {
  format: typeof SHIPPED_MODEL_FORMAT;
  version: 1;
  language: string;
  labels: string[];
  features: FeatureOptions;
  bias: number[];
  /** Per class: the weight one quantisation step stands for. */
  scale: number[];
}

/** models/sentiment-en.model, from src/analysis/sentiment or dist/analysis/sentiment alike. */
export const SHIPPED_MODEL_FILE = fileURLToPath(new URL('../../../models/sentiment-en.model', import.meta.url));

/**
 * Quantises per class to int8 with the step set so the 99.99th percentile of |w| maps to 127 (the
 * few larger weights are clipped), which keeps small weights distinguishable from zero.
 */
export function encodeShippedModel(model: LinearWeights, language = 'en'): Buffer {
  const { weights } = model;
  const dim = weights.length / K;
  const scale: number[] = [];
  for (let c = 0; c < K; c++) {
    const abs: number[] = [];
    for (let i = 0; i < dim; i++) {
      const v = Math.abs(weights[i * K + c] as number);
      if (v > 0) abs.push(v);
    }
    abs.sort((a, b) => a - b);
    const top = abs.length ? (abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.9999))] as number) : 1;
    scale.push(top / 127);
  }
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const c = i % K;
    q[i] = Math.max(-127, Math.min(127, Math.round((weights[i] as number) / (scale[c] as number))));
  }
  const header: Header = {
    format: SHIPPED_MODEL_FORMAT,
    version: 1,
    language,
    labels: [...SENTIMENT_LABELS],
    features: model.features,
    bias: Array.from(model.bias),
    scale,
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return gzipSync(Buffer.concat([Buffer.from(MAGIC, 'ascii'), len, head, Buffer.from(q.buffer)]), { level: 9 });
}

export function decodeShippedModel(file: Buffer, where = 'model'): LinearWeights {
  let raw: Buffer;
  try {
    raw = gunzipSync(file);
  } catch {
    throw new ModelFileError(`${where}: not a shipped sentiment model (not gzip)`);
  }
  if (raw.subarray(0, 4).toString('ascii') !== MAGIC)
    throw new ModelFileError(`${where}: not a shipped sentiment model (bad magic)`);
  const len = raw.readUInt32LE(4);
  const header = JSON.parse(raw.subarray(8, 8 + len).toString('utf8')) as Header;
  if (header.format !== SHIPPED_MODEL_FORMAT || header.version !== 1)
    throw new ModelFileError(`${where}: unsupported shipped model version`);
  const dim = 1 << header.features.bits;
  const body = raw.subarray(8 + len);
  if (body.length !== dim * K) throw new ModelFileError(`${where}: ${body.length} weight bytes, expected ${dim * K}`);
  const q = new Int8Array(body.buffer, body.byteOffset, body.length);
  const weights = new Float32Array(dim * K);
  for (let i = 0; i < weights.length; i++) weights[i] = (q[i] as number) * (header.scale[i % K] as number);
  return { features: header.features, bias: header.bias, weights };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface LoadedShippedModel {
  weights: LinearWeights;
  sha256: string;
}

export function readShippedModel(file = SHIPPED_MODEL_FILE): LoadedShippedModel {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new ModelFileError(`${file}: cannot read the shipped sentiment model: ${(err as Error).message}`);
  }
  return { weights: decodeShippedModel(data, file), sha256: sha256(data) };
}
