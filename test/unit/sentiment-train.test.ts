import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentimentLabel } from '../../src/domain/mention.ts';
import {
  learnFromCorrections,
  loadSentimentModel,
  ModelFileError,
  sentimentModelFromJson,
  shippedModelFile,
  trainSentimentModel,
} from '../../src/analysis/sentiment/index.ts';

// Made-up product words carry no sentiment in any lexicon, so whatever the model knows about them it learned.
const templates: [string, SentimentLabel][] = [
  ['the zorblax update is out', 'neutral'],
  ['my order came with the zorblax', 'neutral'],
  ['zorblax arrived on tuesday', 'neutral'],
  ['my flimwick broke again', 'negative'],
  ['the flimwick keeps failing me', 'negative'],
  ['flimwick stopped after a day', 'negative'],
  ['the quoppa is a joy', 'positive'],
  ['quoppa made my week', 'positive'],
  ['got the quoppa, so happy', 'positive'],
];
const examples = Array.from({ length: 20 }, (_, i) =>
  templates.map(([text, label]) => ({ text: `${text} #${i}`, label })),
).flat();

describe('trainable sentiment model', () => {
  const json = trainSentimentModel(examples, { epochs: 10 });

  it('learns cues that are in no lexicon', () => {
    const model = sentimentModelFromJson(json);
    expect(model.classify('the flimwick is here').label).toBe('negative');
    expect(model.classify('another quoppa for me').label).toBe('positive');
    const s = model.classify('my flimwick');
    expect(s.reasons[0]).toMatch(/^model:negative\(p=/);
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThanOrEqual(1);
  });

  it('is deterministic for the same data and seed', () => {
    expect(trainSentimentModel(examples, { epochs: 2 }).weights).toEqual(
      trainSentimentModel(examples, { epochs: 2 }).weights,
    );
  });

  it('round-trips through a model file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-model-'));
    const file = join(dir, 'model.json');
    writeFileSync(file, JSON.stringify(json));
    const loaded = await loadSentimentModel(file);
    const inMemory = sentimentModelFromJson(json);
    for (const [text] of templates) expect(loaded.classify(text)).toEqual(inMemory.classify(text));
  });

  it('rejects files that are not models, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-model-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'something-else' }));
    await expect(loadSentimentModel(file)).rejects.toThrow(ModelFileError);
    await expect(loadSentimentModel(file)).rejects.toThrow(file);
  });

  it("folds in agents' corrections", () => {
    const before = sentimentModelFromJson(json);
    const text = 'the zorblax update is out';
    expect(before.classify(text).label).toBe('neutral');
    const corrections = Array.from({ length: 10 }, () => ({ text, label: 'negative' as const }));
    const after = sentimentModelFromJson(learnFromCorrections(json, corrections));
    expect(after.classify(text).label).toBe('negative');
    // What it knew about other cues is kept.
    expect(after.classify('quoppa made my week').label).toBe('positive');
  });

  it('stacks on the shipped model by default: its verdict is a feature, and the file names it by hash', () => {
    expect(json.stackedOn?.sha256).toBe(shippedModelFile().sha256);
    expect(json.features.stack).toBeGreaterThan(0);
    expect(json.baseModel).toBeUndefined();
    const model = sentimentModelFromJson(json);
    // Text unlike the team's labels is read much as the shipped model reads it.
    expect(model.classify('this is the worst service ever, I hate it').label).toBe('negative');
    expect(model.classify('the zorblax arrived').reasons.some((r) => r.startsWith('learned:'))).toBe(true);
  });

  it('can also continue from the shipped weights, storing only the difference from them', () => {
    const warm = trainSentimentModel(examples, { mode: 'warm-start', epochs: 10 });
    expect(warm.baseModel?.sha256).toBe(shippedModelFile().sha256);
    expect(warm.features).toEqual(shippedModelFile().weights.features);
    // Only features that occur in the team's texts move.
    const shippedNonZero = shippedModelFile().weights.weights.filter((w) => w !== 0).length / 3;
    expect(warm.weights.indices.length).toBeLessThan(shippedNonZero / 10);
    expect(sentimentModelFromJson(warm).classify('the flimwick is here').label).toBe('negative');
  });

  it('refuses a file trained on top of another shipped model', () => {
    const other = { ...json, stackedOn: { name: 'sentiment-en', sha256: '0'.repeat(64) } };
    expect(() => sentimentModelFromJson(other)).toThrow(ModelFileError);
    expect(() => sentimentModelFromJson(other)).toThrow(/another shipped model/);
  });

  it('still trains from scratch, and reads files written before the shipped model (scheme 1, no base)', () => {
    const scratch = trainSentimentModel(examples, { epochs: 10, mode: 'scratch' });
    expect(scratch.baseModel).toBeUndefined();
    const model = sentimentModelFromJson(scratch);
    expect(model.classify('is the flimwick any good').label).toBe('negative');
    const { scheme: _omitted, ...oldFeatures } = scratch.features;
    const old = sentimentModelFromJson({ ...scratch, features: { ...oldFeatures, lexiconWeight: undefined } });
    expect(['negative', 'neutral', 'positive']).toContain(old.classify('my flimwick broke').label);
    expect(() => sentimentModelFromJson({ ...scratch, features: { ...scratch.features, lexiconWeight: 'x' } })).toThrow(
      ModelFileError,
    );
  });
});
