import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  defaultSentimentModel,
  lexiconModel,
  shippedModelFile,
  shippedSentimentModel,
} from '../../src/analysis/sentiment/index.ts';
import { SHIPPED_MODEL_FILE } from '../../src/analysis/sentiment/shipped-model.ts';
import { loadConfig } from '../../src/config.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const model = shippedSentimentModel();
const classify = (text: string) => model.classify(text);

describe('shipped (learned) sentiment model', () => {
  it('is the default, and EARSHOT_SENTIMENT_MODEL=rules falls back to the rule-based model', () => {
    expect(defaultSentimentModel(loadConfig({}).sentimentModel)).toBe(model);
    expect(defaultSentimentModel(loadConfig({ EARSHOT_SENTIMENT_MODEL: 'rules' }).sentimentModel)).toBe(lexiconModel());
  });

  it('loads the committed file, whose hash is the one its provenance records', () => {
    const provenance = JSON.parse(readFileSync(join(ROOT, 'models/sentiment-en.json'), 'utf8')) as {
      modelSha256: string;
      modelBytes: number;
    };
    const bytes = readFileSync(SHIPPED_MODEL_FILE);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(provenance.modelSha256);
    expect(shippedModelFile().sha256).toBe(provenance.modelSha256);
    expect(bytes.length).toBe(provenance.modelBytes);
    expect(bytes.length).toBeLessThan(8_000_000);
  });

  it('reads plain praise and plain complaints', () => {
    expect(classify('I love this, great service, thank you!').label).toBe('positive');
    expect(classify('This is terrible, worst service ever').label).toBe('negative');
  });

  it('moves a negated word towards the other side', () => {
    const plain = classify('the new update is good');
    const negated = classify('the new update is not good');
    expect(negated.score).toBeLessThan(plain.score);
    expect(negated.label).not.toBe('positive');
    expect(classify('the food was not bad at all').score).toBeGreaterThan(classify('the food was bad').score);
  });

  it('explains itself by the features that moved the decision most', () => {
    const s = classify('worst airline ever, my bag is lost again');
    expect(s.label).toBe('negative');
    expect(s.reasons[0]).toMatch(/^model:negative\(p=0\.\d\d\)$/);
    const learned = s.reasons.filter((r) => r.startsWith('learned:'));
    expect(learned.length).toBeGreaterThan(0);
    expect(learned.length).toBeLessThanOrEqual(3);
    // The strongest named feature comes first, each with its push towards the decision.
    const pushes = learned.map((r) => Number(/\(\+([\d.]+)\)$/.exec(r)?.[1]));
    expect(pushes).toEqual([...pushes].sort((a, b) => b - a));
    expect(learned.some((r) => r.includes('worst') || r.includes('rules:'))).toBe(true);
  });

  it('always returns a score in [-1, 1] whose sign agrees with a polar label', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const s = classify(text);
        expect(s.score).toBeGreaterThanOrEqual(-1);
        expect(s.score).toBeLessThanOrEqual(1);
        if (s.label === 'positive') expect(s.score).toBeGreaterThan(0);
        if (s.label === 'negative') expect(s.score).toBeLessThan(0);
      }),
    );
  });

  it('is rebuilt byte for byte by the build script from the same data and seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-build-'));
    const input = join(dir, 'fixture.jsonl');
    const words: [string, string][] = [
      ['zorblax', 'neutral'],
      ['flimwick broke', 'negative'],
      ['quoppa is a joy', 'positive'],
    ];
    const lines: string[] = [];
    for (let i = 0; i < 120; i++) {
      const [text, label] = words[i % 3] as [string, string];
      lines.push(JSON.stringify({ id: `f${i}`, text: `${text} #${i}`, label, set: 'fixture' }));
    }
    writeFileSync(input, lines.join('\n') + '\n');
    const build = (out: string): string => {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/build-model.ts',
          '--input',
          input,
          '--out',
          join(dir, out),
          '--grid',
          'quick',
          '--bits',
          '14',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      return createHash('sha256')
        .update(readFileSync(join(dir, `${out}.model`)))
        .digest('hex');
    };
    expect(build('a')).toBe(build('b'));
    const provenance = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as {
      modelSha256: string;
      data: { rows: number; sha256: string };
      seed: number;
    };
    expect(provenance.data.rows).toBe(120);
    expect(provenance.data.sha256).toBe(createHash('sha256').update(readFileSync(input)).digest('hex'));
    expect(provenance.seed).toBe(1);
  }, 180_000);
});
