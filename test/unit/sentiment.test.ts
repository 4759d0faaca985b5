import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { lexiconModel } from '../../src/analysis/sentiment/index.ts';

// The rule-based model: the former default, now a feature source of the shipped learned model
// (and the EARSHOT_SENTIMENT_MODEL=rules fallback). The learned model is tested in sentiment-shipped.test.ts.
const model = lexiconModel();
const classify = (text: string) => model.classify(text);

describe('rule-based sentiment model', () => {
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

describe('general-text handling', () => {
  it('counts context cues ("still", "again", "down") only next to other evidence of their sign', () => {
    const alone = classify('I still have to finish the second season');
    expect(alone.label).toBe('neutral');
    expect(alone.reasons.some((r) => r.includes('still'))).toBe(false);
    expect(classify('the price went down again').label).toBe('neutral');
    const backed = classify('the app is down again and support is useless');
    expect(backed.label).toBe('negative');
    expect(backed.reasons.some((r) => r.startsWith('word:down'))).toBe(true);
    expect(backed.score).toBeLessThan(classify('support is useless').score);
  });

  it('reads a capitalised word inside a run of capitalised words as part of a name', () => {
    const names = classify('We watched Mad Max and The Walking Dead tonight');
    expect(names.label).toBe('neutral');
    expect(names.reasons).toContain('name:Mad');
    expect(names.reasons).toContain('name:Dead');
    // Not at the start of a sentence, not when the whole text is in title case, not in lower case.
    expect(classify('Went home. Terrible Service at the Grand Hotel').label).toBe('negative');
    expect(classify('Worst Customer Service Ever').label).toBe('negative');
    expect(classify('I am so mad at the Acme Store').label).toBe('negative');
    // Greetings are capitalised together with what they wish for.
    expect(classify('wishing you all a Happy New Year').label).toBe('positive');
  });

  it('reads "so bad" after a wish as the strength of the wish', () => {
    const wish = classify('I want to see that concert so bad');
    expect(wish.label).toBe('neutral');
    expect(wish.reasons).toContain('wish:bad');
    expect(classify('the concert was so bad').label).toBe('negative');
  });

  it('reads a stretched spelling as emphasis', () => {
    expect(classify('this is gooood').label).toBe('positive');
    expect(classify('this is gooood').score).toBeGreaterThan(classify('this is good').score);
  });

  it('splits run-together hashtags into words', () => {
    const fun = classify('road trip #sofun');
    expect(fun.label).toBe('positive');
    expect(fun.reasons.some((r) => r.startsWith('word:sofun'))).toBe(true);
    expect(classify('that delivery #neveragain').label).toBe('negative');
    expect(classify('new week #feelinggood').label).toBe('positive');
    // Only splits into known words: "therapist" is not "the rapist".
    expect(classify('my #therapist says hi').label).toBe('neutral');
  });

  it('weighs sentiment words in a plain question less than in a statement', () => {
    const asked = classify('is the new version any better?');
    expect(asked.label).toBe('neutral');
    expect(asked.reasons).toContain('question');
    expect(classify('the new version is better').label).toBe('positive');
    // Complaint questions keep their weight (a pattern matched), and so do questions with exclamations.
    expect(classify('why is the app so terrible?').label).toBe('negative');
    expect(classify('is it good? it is great!').label).toBe('positive');
  });

  it('reads excitement and treats laughter as a weak cue', () => {
    expect(classify('so pumped for the weekend').label).toBe('positive');
    expect(classify('cant wait for friday!!').label).toBe('positive');
    expect(classify('lol ok').label).toBe('neutral');
    expect(classify('lol this is great').label).toBe('positive');
  });
});
