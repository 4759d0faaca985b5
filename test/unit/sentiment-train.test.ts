import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentimentLabel } from '../../src/domain/mention.ts';
import {
  learnFromCorrections, loadSentimentModel, ModelFileError, sentimentModelFromJson, trainSentimentModel,
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
const examples = Array.from({ length: 20 }, (_, i) => templates.map(([text, label]) => ({ text: `${text} #${i}`, label }))).flat();

describe('trainable sentiment model', () => {
  const json = trainSentimentModel(examples, { epochs: 10 });

  it('learns cues that are in no lexicon', () => {
    const model = sentimentModelFromJson(json);
    expect(model.classify('is the flimwick any good').label).toBe('negative');
    expect(model.classify('another quoppa for me').label).toBe('positive');
    const s = model.classify('my flimwick');
    expect(s.reasons[0]).toMatch(/^model:negative\(p=/);
    expect(s.score).toBeGreaterThanOrEqual(-1);
    expect(s.score).toBeLessThanOrEqual(1);
  });

  it('is deterministic for the same data and seed', () => {
    expect(trainSentimentModel(examples, { epochs: 2 }).weights).toEqual(trainSentimentModel(examples, { epochs: 2 }).weights);
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

  it('folds in agents\' corrections', () => {
    const before = sentimentModelFromJson(json);
    const text = 'the zorblax update is out';
    expect(before.classify(text).label).toBe('neutral');
    const corrections = Array.from({ length: 10 }, () => ({ text, label: 'negative' as const }));
    const after = sentimentModelFromJson(learnFromCorrections(json, corrections));
    expect(after.classify(text).label).toBe('negative');
    // What it knew about other cues is kept.
    expect(after.classify('quoppa made my week').label).toBe('positive');
  });

  it('records how much the rule-based features weigh, and reads older files without it as 1', () => {
    expect(json.features.lexiconWeight).toBe(2);
    const { lexiconWeight: _omitted, ...oldFeatures } = json.features;
    const old = sentimentModelFromJson({ ...json, features: oldFeatures });
    expect(['negative', 'neutral', 'positive']).toContain(old.classify('my flimwick broke').label);
    expect(() => sentimentModelFromJson({ ...json, features: { ...json.features, lexiconWeight: 'x' } })).toThrow(ModelFileError);
  });
});

