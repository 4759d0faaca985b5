import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { defaultSentimentModel, lexiconModel } from '../../src/analysis/sentiment/index.ts';

const model = defaultSentimentModel();
const classify = (text: string) => model.classify(text);

describe('shipped sentiment model', () => {
  it('reads plain praise and plain complaints', () => {
    expect(classify('I love this, great service').label).toBe('positive');
    expect(classify('This is terrible, worst service ever').label).toBe('negative');
    expect(classify('The store opens at 9 on Monday').label).toBe('neutral');
  });

  it('flips a negated word, and only within the negation scope', () => {
    const plain = classify('the support was helpful');
    const negated = classify('the support was not helpful');
    expect(plain.score).toBeGreaterThan(0);
    expect(negated.score).toBeLessThan(0);
    expect(negated.reasons.some((r) => r.startsWith('negated:helpful'))).toBe(true);
    // "don't" is one negation token, unlike natural's tokenizer.
    expect(classify("I don't like it").label).toBe('negative');
    // A comma ends the negation: "great" after it keeps its sign.
    expect(classify('not bad at all, great support').label).toBe('positive');
  });

  it('makes intensified words stronger and softened words weaker', () => {
    const base = classify('the app is bad').score;
    expect(classify('the app is very bad').score).toBeLessThan(base);
    expect(classify('the app is slightly bad').score).toBeGreaterThan(base);
    expect(classify('the app is very bad').reasons.some((r) => r.startsWith('intensified:bad'))).toBe(true);
  });

  it('treats a word in capitals as emphasis', () => {
    const shout = classify('the service was TERRIBLE today');
    expect(shout.score).toBeLessThan(classify('the service was terrible today').score);
    expect(shout.reasons.some((r) => r.startsWith('caps:TERRIBLE'))).toBe(true);
  });

  it('reads emoji and emoticons', () => {
    const angry = classify('my order 😡😡');
    expect(angry.label).toBe('negative');
    expect(angry.reasons.some((r) => r.startsWith('emoji:😡'))).toBe(true);
    expect(classify('arrived today :)').label).toBe('positive');
    expect(classify('arrived today :(').label).toBe('negative');
  });

  it('lets the clause after "but" decide', () => {
    const complaint = classify('the staff were nice but the flight was a total disaster');
    expect(complaint.label).toBe('negative');
    expect(complaint.reasons).toContain('contrast:but');
    expect(classify('the flight was a disaster but the staff were wonderful and helpful').label).toBe('positive');
  });

  it('recognises complaint shapes a word list misses', () => {
    const hold = classify('been on hold for 2 hours');
    expect(hold.label).toBe('negative');
    expect(hold.reasons.some((r) => r.startsWith('pattern:waiting-time'))).toBe(true);
    expect(classify('still no answer from your team').label).toBe('negative');
    const sarcasm = classify('thanks for the 3 hour delay');
    expect(sarcasm.label).toBe('negative');
    expect(sarcasm.reasons.some((r) => r.startsWith('pattern:sarcastic-thanks'))).toBe(true);
  });

  it('explains itself even when it finds nothing', () => {
    expect(classify('').reasons.length).toBeGreaterThan(0);
    expect(classify('').label).toBe('neutral');
  });

  it('always returns a score in [-1, 1] whose sign agrees with the label', () => {
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

  it('exposes the signals the trainable model builds on', () => {
    const a = lexiconModel().analyze('why is it so hard to get a refund?');
    expect(a.signals.question).toBe(true);
    expect(a.signals.patterns).toContain('rhetorical-question');
  });
});
