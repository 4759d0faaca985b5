import { tokenize, type Token } from '../text/tokenize.ts';
import type { LexiconAnalysis } from './lexicon-model.ts';

/**
 * Hashed sparse features for the trainable model, in three families:
 * - words: uni- and bigrams (words after a negator get a "not_" prefix until punctuation);
 * - character 3–5-grams of the lower-cased text (robust to typos, inflections, elongations);
 * - the rule-based model's verdict (score bins, pattern ids, question, exclamation).
 * The word and character families are each scaled to unit length, so the hundreds of character
 * n-grams of a tweet do not drown its twenty words. Hashing keeps the model a fixed-size array with no vocabulary.
 */
export interface FeatureOptions {
  /** log2 of the hashed feature space. */
  bits: number;
  charGrams: boolean;
  /**
   * How much the rule-based verdict's features weigh against the word and character families.
   * Files written before this option existed lack it and mean 1; new models use 2 (airline, 80/20
   * hash split: macro-F1 0.771 → 0.780; 5-fold CV 0.783 → 0.784). At 3 a model trained on a few
   * hundred labels leaned on the lexicon more than on the words it was taught.
   */
  lexiconWeight?: number;
  /**
   * Feature scheme. 1 (or absent, files written by #4): the families above. 2 (the shipped model):
   * elongation-normalised words with a bounded negation scope, character 2–5-grams inside words,
   * shape features (capitals, stretched spellings, emoji, punctuation) and the rule-based verdict.
   */
  scheme?: 1 | 2;
  /**
   * Set on a team's model stacked on the shipped one: the shipped model's class probabilities are
   * features too, with this weight (see stackFeatures).
   */
  stack?: number;
}

export const DEFAULT_FEATURES: FeatureOptions = { bits: 20, charGrams: true, lexiconWeight: 2 };

export interface FeatureVector {
  indices: number[];
  values: number[];
  /** The words behind the word features, in the same positions (null for other features), for reasons. */
  words: (string | null)[];
}

const NEGATOR_WORDS = new Set([
  'not',
  'no',
  'never',
  'cannot',
  'nothing',
  'nobody',
  'without',
  'none',
  'cant',
  'dont',
  'doesnt',
  'didnt',
  'isnt',
  'wasnt',
  'wont',
]);
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string, seeded so the same text in different feature families lands apart. */
function fnv(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Receives each feature: its hashed index, its value and, for single-word features, the word (for reasons). */
export type FeatureSink = (index: number, value: number, word: string | null) => void;

/** The features of a text as arrays, for training. */
export function extractFeatures(text: string, lexicon: LexiconAnalysis, opts: FeatureOptions): FeatureVector {
  const out: FeatureVector = { indices: [], values: [], words: [] };
  visitFeatures(text, lexicon, opts, (index, value, word) => {
    out.indices.push(index);
    out.values.push(value);
    out.words.push(word);
  });
  return out;
}

/**
 * Hands every feature of a text to `sink`, without building arrays: scoring a text then costs no
 * allocation beyond the tokens. Repeated features are passed repeatedly; a linear model adds them up.
 */
export function visitFeatures(text: string, lexicon: LexiconAnalysis, opts: FeatureOptions, sink: FeatureSink): void {
  if (opts.scheme === 2) {
    visitFeaturesV2(text, lexicon, opts, sink);
    return;
  }
  const mask = (1 << opts.bits) - 1;

  // Words: collected first, because their scale depends on how many there are.
  const hashes: number[] = [];
  const words: (string | null)[] = [];
  let prev = '<s>';
  let negated = false;
  for (const t of tokenize(text) as Token[]) {
    if (t.kind === 'punct') {
      negated = false;
      hashes.push(fnv(t.text.slice(0, 3), 3));
      words.push(null);
      prev = t.text[0] ?? '';
      continue;
    }
    // Handles, URLs and numbers vary too much to learn from; their presence is the signal.
    const w = t.kind === 'handle' ? '@user' : t.kind === 'url' ? '<url>' : t.kind === 'number' ? '<num>' : t.norm;
    const feature = negated && t.kind === 'word' ? `not_${w}` : w;
    hashes.push(fnv(feature, 1), fnv(prev + ' ' + w, 2));
    words.push(feature, null);
    prev = w;
    if (t.kind === 'word' && isNegator(w)) negated = true;
  }
  hashes.push(fnv(prev + ' </s>', 2));
  words.push(null);
  const wordScale = 1 / Math.sqrt(hashes.length);
  for (let i = 0; i < hashes.length; i++) sink((hashes[i] as number) & mask, wordScale, words[i] ?? null);

  if (opts.charGrams) visitCharGrams(text.toLowerCase(), mask, sink);

  // The rule-based verdict, binned so a linear model can weigh it non-linearly. Not normalised:
  // these few features are worth the same in every text.
  const s = lexicon.signals;
  const L = opts.lexiconWeight ?? 1;
  sink(fnv(`lex:${Math.round(s.score * 5)}`, 4) & mask, 0.5 * L, null);
  sink(fnv(`lexlabel:${lexicon.sentiment.label}`, 4) & mask, 0.5 * L, null);
  if (s.neg < 0) sink(LEX_NEG & mask, Math.min(-s.neg / 6, 1) * L, null);
  if (s.pos > 0) sink(LEX_POS & mask, Math.min(s.pos / 6, 1) * L, null);
  if (s.question) sink(LEX_QUESTION & mask, 0.3 * L, null);
  if (s.exclamations) sink(LEX_EXCLAIM & mask, 0.3 * L, null);
  for (const p of s.patterns) sink(fnv(`pattern:${p}`, 4) & mask, 0.5 * L, null);
}

const LEX_NEG = fnv('lex:hasneg', 4);
const LEX_POS = fnv('lex:haspos', 4);
const LEX_QUESTION = fnv('lex:question', 4);
const LEX_EXCLAIM = fnv('lex:exclaim', 4);

function isNegator(w: string): boolean {
  return NEGATOR_WORDS.has(w) || w.endsWith("n't");
}

const MIN_GRAM = 3;
const MAX_GRAM = 5;

/**
 * Character 3-, 4- and 5-grams, hashed incrementally without building substrings, the family
 * scaled to unit length (each n-gram 1/sqrt(count)). 2–6-gram ranges were tried: no better.
 */
function visitCharGrams(lower: string, mask: number, sink: FeatureSink): void {
  const n = lower.length;
  let count = 0;
  for (let len = MIN_GRAM; len <= MAX_GRAM; len++) count += Math.max(0, n - len + 1);
  if (count === 0) return;
  const v = 1 / Math.sqrt(count);
  for (let i = 0; i < n; i++) {
    let h = FNV_OFFSET ^ 5;
    for (let k = 0; k < MAX_GRAM && i + k < n; k++) {
      h ^= lower.charCodeAt(i + k);
      h = Math.imul(h, FNV_PRIME);
      if (k >= MIN_GRAM - 1) sink(((h ^ Math.imul(k, 0x9e3779b1)) >>> 0) & mask, v, null);
    }
  }
}

/** Words after a negator stay negated for at most this many words, or until punctuation. */
const NEGATION_REACH = 4;
const SCOPE_BREAKERS = new Set(['but', 'however', 'although', 'though', 'yet']);

/** "soooo" → "soo", "loooove" → "loove": stretched spellings share a feature with each other. */
export function squeeze(word: string): { norm: string; stretched: boolean } {
  // Most words have no run of three: say so without building a string.
  let runs = false;
  for (let i = 2; i < word.length && !runs; i++)
    runs = word.charCodeAt(i) === word.charCodeAt(i - 1) && word.charCodeAt(i) === word.charCodeAt(i - 2);
  if (!runs) return { norm: word, stretched: false };
  let out = '';
  let run = 0;
  let stretched = false;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] as string;
    run = i > 0 && word[i - 1] === ch ? run + 1 : 1;
    if (run <= 2) out += ch;
    else stretched = true;
  }
  return { norm: stretched ? out : word, stretched };
}

function isAllCaps(s: string): boolean {
  return s.length >= 2 && s === s.toUpperCase() && s !== s.toLowerCase();
}

/**
 * Scheme 2. Word features carry their name for reasons ("not_good", "awesome"); shape and rule
 * features carry a readable name too ("caps", "rules:negative"); character n-grams are unnamed.
 */
function visitFeaturesV2(text: string, lexicon: LexiconAnalysis, opts: FeatureOptions, sink: FeatureSink): void {
  const mask = (1 << opts.bits) - 1;
  const hashes: number[] = [];
  const names: (string | null)[] = [];
  const grams: string[] = [];
  let prev = '<s>';
  let negatedFor = 0;
  let caps = 0;
  let stretchedWords = 0;
  const tokens = tokenize(text);
  for (const t of tokens) {
    if (t.kind === 'punct') {
      negatedFor = 0;
      const p = t.text.slice(0, 3);
      hashes.push(fnv(p, 3), fnv(prev + ' ' + p, 2));
      names.push(null, null);
      prev = p[0] ?? '';
      continue;
    }
    let w: string;
    if (t.kind === 'handle') w = '@user';
    else if (t.kind === 'url') w = '<url>';
    else if (t.kind === 'number') w = '<num>';
    else if (t.kind === 'word' || t.kind === 'hashtag') {
      const sq = squeeze(t.norm);
      w = sq.norm;
      if (sq.stretched) stretchedWords++;
      if (t.kind === 'word' && isAllCaps(t.text) && t.text.length > 2) caps++;
      grams.push(w);
    } else w = t.norm; // emoji and emoticons: themselves
    const feature = negatedFor > 0 && t.kind === 'word' ? `not_${w}` : w;
    hashes.push(fnv(feature, 1), fnv(prev + ' ' + w, 2));
    names.push(feature, null);
    prev = w;
    if (negatedFor > 0) negatedFor--;
    if (t.kind === 'word') {
      if (isNegator(w)) negatedFor = NEGATION_REACH;
      else if (SCOPE_BREAKERS.has(w)) negatedFor = 0;
    }
  }
  hashes.push(fnv(prev + ' </s>', 2));
  names.push(null);
  const wordScale = 1 / Math.sqrt(hashes.length);
  for (let i = 0; i < hashes.length; i++) sink((hashes[i] as number) & mask, wordScale, names[i] ?? null);

  if (opts.charGrams) visitWordCharGrams(grams, mask, sink);

  // Shape: shouting, stretched spellings, emoji, and how the text ends.
  const shape = (name: string, value: number): void => sink(fnv(name, 6) & mask, value, name);
  if (caps) shape('caps', Math.min(caps, 3) / 3);
  if (stretchedWords) shape('stretched', Math.min(stretchedWords, 3) / 3);
  const last = tokens[tokens.length - 1];
  if (last?.kind === 'punct') shape(`ends:${last.text[0]}`, 0.5);
  if (last?.kind === 'url') shape('ends:url', 0.5);
  if (tokens.length <= 3) shape('short', 0.5);

  const s = lexicon.signals;
  const L = opts.lexiconWeight ?? 1;
  const rule = (name: string, value: number): void => sink(fnv(name, 4) & mask, value * L, name);
  rule(`rules:score${Math.round(s.score * 5)}`, 0.5);
  rule(`rules:${lexicon.sentiment.label}`, 0.5);
  if (s.neg < 0) rule('rules:negative words', Math.min(-s.neg / 6, 1));
  if (s.pos > 0) rule('rules:positive words', Math.min(s.pos / 6, 1));
  if (s.negations) rule('rules:negation', 0.3);
  if (s.question) rule('rules:question', 0.3);
  if (s.exclamations) rule('rules:exclamation', 0.3);
  for (const p of s.patterns) rule(`rules:${p}`, 0.5);
}

const MIN_WORD_GRAM = 2;
const MAX_WORD_GRAM = 5;

/**
 * Character 2–5-grams inside each word, the word padded with a boundary mark so prefixes and
 * suffixes ("un", "ing ") are features of their own; the family scaled to unit length.
 */
function visitWordCharGrams(words: string[], mask: number, sink: FeatureSink): void {
  let count = 0;
  for (const w of words) {
    const n = w.length + 2;
    for (let len = MIN_WORD_GRAM; len <= MAX_WORD_GRAM; len++) count += Math.max(0, n - len + 1);
  }
  if (count === 0) return;
  const v = 1 / Math.sqrt(count);
  for (const w of words) {
    const n = w.length + 2;
    for (let i = 0; i < n; i++) {
      let h = FNV_OFFSET ^ 7;
      for (let k = 0; k < MAX_WORD_GRAM && i + k < n; k++) {
        const at = i + k;
        h ^= at === 0 || at === n - 1 ? 32 : w.charCodeAt(at - 1);
        h = Math.imul(h, FNV_PRIME);
        if (k >= MIN_WORD_GRAM - 1) sink(((h ^ Math.imul(k, 0x9e3779b1)) >>> 0) & mask, v, null);
      }
    }
  }
}

const STACK_LABELS = ['negative', 'neutral', 'positive'] as const;

/**
 * The shipped model's verdict as features of a team's model: its three class probabilities and its
 * label, so the team's model starts from what the shipped one reads and learns where its labels differ.
 */
export function visitStackFeatures(probabilities: readonly number[], opts: FeatureOptions, sink: FeatureSink): void {
  const weight = opts.stack ?? 0;
  if (!weight) return;
  const mask = (1 << opts.bits) - 1;
  let best = 0;
  for (let c = 0; c < 3; c++) {
    const p = probabilities[c] as number;
    if (p > (probabilities[best] as number)) best = c;
    sink(fnv(`shipped:${STACK_LABELS[c]}`, 8) & mask, p * weight, null);
  }
  const label = STACK_LABELS[best] as string;
  sink(fnv(`shipped-label:${label}`, 8) & mask, weight / 2, `shipped:${label}`);
}
