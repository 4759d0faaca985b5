import type { Sentiment, SentimentLabel } from '../../domain/mention.ts';
import { tokenize, type Token } from '../text/tokenize.ts';
import type { LanguagePack, TextPattern } from './language.ts';

/** Numbers the trained model reuses as features, besides the label and score. */
export interface LexiconSignals {
  /** Sum of positive contributions (≥ 0) and of negative ones (≤ 0), after negation and modifiers. */
  pos: number;
  neg: number;
  /** The final compound score in [-1, 1]. */
  score: number;
  negations: number;
  /** Ids of the whole-text patterns that matched. */
  patterns: string[];
  question: boolean;
  exclamations: number;
}

export interface LexiconAnalysis {
  sentiment: Sentiment;
  signals: LexiconSignals;
}

export interface LexiconOptions {
  /** Compound score at or above which a text is positive, and at or below whose negative it is negative. */
  positiveThreshold: number;
  negativeThreshold: number;
  /** How many words after a negator it still flips. */
  negationReach: number;
}

const DEFAULTS: LexiconOptions = { positiveThreshold: 0.3, negativeThreshold: 0.2, negationReach: 3 };
/** VADER's normalisation constant: s / sqrt(s² + α) maps sums of valences into (-1, 1). */
const ALPHA = 15;
/** A negated word keeps most of its strength with the sign turned ("not good" ≈ bad, "not bad" ≈ mildly good). */
const NEGATION_FACTOR = -0.75;
const CAPS_FACTOR = 1.4;
/** Sentiment before "but" counts half, after it one and a half times. */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const MAX_REASONS = 10;
/** A plain question's sentiment words count this much ("is it any good?" asks, it does not praise). */
const QUESTION_FACTOR = 0.6;
/** A stretched spelling ("sooo gooood", "loooove") is emphasis. */
const ELONGATION_FACTOR = 1.3;

/**
 * A rule-based scorer in the spirit of VADER, with a lexicon and rules for complaint language:
 * phrases, negation with a bounded scope, intensifiers, shouting in capitals, "but" contrast,
 * emoji, and whole-text patterns (waiting times, "still no answer", rhetorical questions, sarcastic thanks).
 */
export class LexiconModel {
  readonly options: LexiconOptions;
  /** Words that begin some phrase: only these are worth a phrase look-up. */
  private readonly phraseStarts = new Set<string>();
  /** Trigger word → bit mask of the patterns it enables. */
  private readonly triggerMasks = new Map<string, number>();
  /** Look-ups of words the lexicon lacks (squeezed and suffix-stripped forms) are memoised. */
  private readonly lookupCache = new Map<string, number>();

  constructor(
    readonly pack: LanguagePack,
    options: Partial<LexiconOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    for (const p of pack.phrases.keys()) this.phraseStarts.add(p.split(' ', 1)[0] as string);
    if (pack.patterns.length > 30) throw new Error('at most 30 text patterns per language');
    pack.patterns.forEach((p, bit) => {
      for (const w of p.triggers) this.triggerMasks.set(w, (this.triggerMasks.get(w) ?? 0) | (1 << bit));
    });
  }

  classify(text: string): Sentiment {
    return this.analyze(text).sentiment;
  }

  analyze(raw: string): LexiconAnalysis {
    const text = raw.includes('\\u') ? unescapeLiteralUnicode(raw) : raw;
    const tokens = tokenize(text);
    const { pack, options } = this;
    const tally = new Tally();
    const reasons = tally.reasons;
    const shoutingText = isMostlyCaps(tokens);

    let negScope = 0;
    let negations = 0;
    let modifier = 1;
    let modifierTtl = 0;
    let exclamations = 0;
    let question = false;
    let patternMask = 0;
    const patterns: string[] = [];

    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      const trig = this.triggerMasks.get(t.kind === 'number' ? '#number' : t.norm);
      if (trig !== undefined) patternMask |= trig;
      if (t.kind === 'punct') {
        negScope = 0;
        modifierTtl = 0;
        for (const ch of t.text) {
          if (ch === '!') exclamations++;
          else if (ch === '?') question = true;
        }
        continue;
      }
      if (t.kind === 'emoji' || t.kind === 'emoticon') {
        const v = pack.symbols.get(t.norm) ?? pack.symbols.get(stripVariation(t.norm));
        if (v) tally.add(v, `emoji:${t.text}(${signed(v)})`);
        continue;
      }
      if (t.kind !== 'word' && t.kind !== 'hashtag') continue;

      const phrase = t.kind === 'word' && this.phraseStarts.has(t.norm) ? this.matchPhrase(tokens, i) : null;
      let value: number;
      let label: string;
      if (phrase) {
        value = phrase.value;
        label = phrase.text;
        // The words inside the phrase may enable patterns too ("on hold" → waiting-time).
        for (let k = 1; k < phrase.length; k++)
          patternMask |= this.triggerMasks.get((tokens[i + k] as Token).norm) ?? 0;
        i += phrase.length - 1;
      } else {
        const word = t.norm;
        if (pack.negators.has(word)) {
          negScope = options.negationReach;
          negations++;
          continue;
        }
        if (pack.contrast.has(word)) {
          tally.contrast();
          negScope = 0;
          if (reasons.length < MAX_REASONS) reasons.push(`contrast:${word}`);
          continue;
        }
        if (pack.scopeBreakers.has(word)) negScope = 0;
        const mod = pack.modifiers.get(word);
        if (mod !== undefined && nextIsWord(tokens, i)) {
          modifier = mod;
          modifierTtl = 2;
          continue;
        }
        value = this.lookup(word);
        // "I want to see it so bad": after a wish, "so bad(ly)" measures the wish, it is no complaint.
        if ((word === 'bad' || word === 'badly') && value !== 0 && isWishIntensity(tokens, i)) {
          value = 0;
          if (reasons.length < MAX_REASONS) reasons.push(`wish:${word}`);
        }
        if (value === 0 && t.kind === 'hashtag' && !this.pack.lexicon.has(word)) value = this.lookup('#' + word);
        label = word;
        // "Miss USA", "The Walking Dead", "Mad Max": a capitalised word inside a run of capitalised
        // words is part of a name, not a feeling (unless the whole text is written in title case).
        // Greetings are capitalised with what they wish for: "a Happy New Year", "Merry Christmas".
        if (
          value !== 0 &&
          i > 0 &&
          isTitleCase(t.text) &&
          (isCapitalisedWord(tokens[i - 1]) || isCapitalisedWord(tokens[i + 1])) &&
          !GREETINGS.has(word) &&
          !startsSentence(text, t.text) &&
          !isMostlyTitleCase(tokens)
        ) {
          value = 0;
          if (reasons.length < MAX_REASONS) reasons.push(`name:${t.text}`);
        }
      }

      if (value !== 0) {
        let v = value;
        let why = `word:${label}`;
        if (modifierTtl > 0 && modifier !== 1) {
          v *= modifier;
          why = `${modifier > 1 ? 'intensified' : 'softened'}:${label}`;
        }
        if (!shoutingText && t.text.length >= 3 && t.text !== t.norm && !hasLowerCase(t.text)) {
          v *= CAPS_FACTOR;
          why = `caps:${t.text}`;
        }
        if (negScope > 0) {
          v *= NEGATION_FACTOR;
          why = `negated:${label}`;
        }
        if (pack.cues?.has(label) === true) tally.addCue(v, `${why}(${signed(v)})`);
        else tally.add(v, `${why}(${signed(v)})`);
      }
      if (negScope > 0) negScope--;
      if (modifierTtl > 0) modifierTtl--;
    }

    if (patternMask !== 0) {
      const lower = text.toLowerCase();
      for (let bit = 0; bit < pack.patterns.length; bit++) {
        const p = pack.patterns[bit] as TextPattern;
        if ((patternMask & (1 << bit)) !== 0 && p.re.test(lower)) {
          patterns.push(p.id);
          tally.add(p.valence, `pattern:${p.id}(${signed(p.valence)})`);
        }
      }
    }

    tally.settleCues();
    let sum = tally.sum();
    if (question && patterns.length === 0 && sum !== 0 && exclamations === 0) {
      // A plain question asks; its sentiment words are weaker evidence than in a statement.
      sum *= QUESTION_FACTOR;
      if (reasons.length < MAX_REASONS) reasons.push('question');
    }
    if (sum !== 0 && exclamations > 0) {
      // Exclamation marks amplify whatever was said, up to four of them.
      sum += Math.sign(sum) * Math.min(exclamations, 4) * 0.3;
      if (reasons.length < MAX_REASONS) reasons.push(`emphasis:${'!'.repeat(Math.min(exclamations, 4))}`);
    }
    const score = sum / Math.sqrt(sum * sum + ALPHA);
    const label: SentimentLabel =
      score >= options.positiveThreshold ? 'positive' : score <= -options.negativeThreshold ? 'negative' : 'neutral';
    if (reasons.length === 0) reasons.push('no sentiment words');
    return {
      sentiment: { label, score: round3(score), reasons },
      signals: {
        pos: tally.pos,
        neg: tally.neg,
        score,
        negations,
        patterns,
        question,
        exclamations,
      },
    };
  }

  private lookup(word: string): number {
    const v = this.pack.lexicon.get(word);
    if (v !== undefined) return v;
    const cached = this.lookupCache.get(word);
    if (cached !== undefined) return cached;
    const derived = this.derive(word);
    if (this.lookupCache.size > 100_000) this.lookupCache.clear();
    this.lookupCache.set(word, derived);
    return derived;
  }

  private derive(word: string): number {
    // Hashtags reach here with a leading '#' (their cache key), to be split into words.
    if (word.charCodeAt(0) === 35) {
      const bare = word.slice(1);
      const direct = this.deriveWord(bare);
      return direct !== 0 || bare.length < 5 ? direct : this.segment(bare);
    }
    return this.deriveWord(word);
  }

  /**
   * Run-together words, as in hashtags: "sofun" → "so fun", "bestday" → "best day", "neveragain" →
   * "never again" (a phrase), "notgood" → "not good". Splits in two where one side has a valence and
   * the other is a known word (a lexicon word, a modifier, a negator or a common word from
   * SEGMENT_GLUE), so random substrings ("therapist" ⊃ "rapist") do not count. Two parts only.
   */
  private segment(word: string): number {
    const { lexicon, modifiers, negators, phrases } = this.pack;
    let best = 0;
    for (let k = 2; k <= word.length - 2; k++) {
      const a = word.slice(0, k);
      const b = word.slice(k);
      const phrase = phrases.get(a + ' ' + b);
      if (phrase !== undefined) return phrase;
      const va = lexicon.get(a) ?? 0;
      const vb = lexicon.get(b) ?? this.deriveWord(b);
      let v = 0;
      if (vb !== 0 && (va !== 0 || SEGMENT_GLUE.has(a))) v = vb + va;
      else if (vb !== 0 && modifiers.has(a)) v = vb * (modifiers.get(a) as number);
      else if (vb > 0 && negators.has(a))
        v = vb * NEGATION_FACTOR; // "notgood"; but "noapology" is no praise
      else if (va !== 0 && (lexicon.has(b) || SEGMENT_GLUE.has(b))) v = va;
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    return Math.max(-5, Math.min(5, best));
  }

  private deriveWord(word: string): number {
    // "sooooo gooood" → "soo good" → "so god": try the squeezed spellings.
    if (/(\w)\1\1/.test(word)) {
      const two = word.replace(/(\w)\1+/g, '$1$1');
      const v2 = this.pack.lexicon.get(two) ?? this.pack.lexicon.get(word.replace(/(\w)\1+/g, '$1'));
      if (v2 !== undefined) return v2 * ELONGATION_FACTOR;
    }
    // Inflected forms the lexicon lacks: "pleasantly" → "pleasant", "screwing" → "screw".
    for (const [suffix, replacement] of SUFFIXES) {
      if (word.length > suffix.length + 3 && word.endsWith(suffix)) {
        const base = this.pack.lexicon.get(word.slice(0, -suffix.length) + replacement);
        if (base !== undefined) return base;
      }
    }
    return 0;
  }

  private matchPhrase(tokens: Token[], i: number): { value: number; length: number; text: string } | null {
    const { phrases, maxPhraseWords } = this.pack;
    let key = (tokens[i] as Token).norm;
    let best: { value: number; length: number; text: string } | null = null;
    for (let n = 2; n <= maxPhraseWords; n++) {
      const t = tokens[i + n - 1];
      if (!t || t.kind !== 'word') break;
      key += ' ' + t.norm;
      const v = phrases.get(key);
      if (v !== undefined) best = { value: v, length: n, text: key };
    }
    if (!best) {
      const single = phrases.get((tokens[i] as Token).norm);
      if (single !== undefined) best = { value: single, length: 1, text: (tokens[i] as Token).norm };
    }
    return best;
  }
}

/** Running sums of one analysis. A class, not a closure: closures cost an allocation per text on the hot path. */
class Tally {
  before = 0; // sum before the last contrast word
  after = 0;
  sawContrast = false;
  pos = 0;
  neg = 0;
  readonly reasons: string[] = [];
  /** Context cues ("still", "again", "down"), kept apart: they count only next to other evidence of their sign. */
  cueBefore = 0;
  cueAfter = 0;
  cueReasons: string[] | null = null;

  add(value: number, reason: string): void {
    if (value > 0) this.pos += value;
    else this.neg += value;
    if (this.sawContrast) this.after += value;
    else this.before += value;
    if (this.reasons.length < MAX_REASONS) this.reasons.push(reason);
  }

  addCue(value: number, reason: string): void {
    if (this.sawContrast) this.cueAfter += value;
    else this.cueBefore += value;
    (this.cueReasons ??= []).push(reason);
  }

  contrast(): void {
    this.sawContrast = true;
    this.before += this.after;
    this.after = 0;
    this.cueBefore += this.cueAfter;
    this.cueAfter = 0;
  }

  /**
   * Folds the context cues in when something else in the text points the same way: "still waiting,
   * terrible" is a complaint, "I still have to finish season 2" is not.
   */
  settleCues(): void {
    if (this.cueReasons === null) return;
    const cues = this.cueBefore + this.cueAfter;
    if ((cues < 0 && this.neg < 0) || (cues > 0 && this.pos > 0)) {
      if (cues > 0) this.pos += cues;
      else this.neg += cues;
      this.before += this.cueBefore;
      this.after += this.cueAfter;
      for (const r of this.cueReasons) if (this.reasons.length < MAX_REASONS) this.reasons.push(r);
    }
  }

  sum(): number {
    return this.sawContrast ? this.before * BEFORE_CONTRAST + this.after * AFTER_CONTRAST : this.before;
  }
}

/**
 * Common words a hashtag may glue to a sentiment word ("mylife", "bestday", "lovethis"). Not articles or
 * prepositions: "the" + "rapist" is how "therapist" would be misread.
 */
const SEGMENT_GLUE = new Set([
  'im',
  'my',
  'me',
  'we',
  'you',
  'this',
  'that',
  'day',
  'days',
  'life',
  'time',
  'night',
  'ever',
  'week',
  'weekend',
  'morning',
  'friday',
  'monday',
  'today',
  'tonight',
  'feeling',
  'feel',
]);

const SUFFIXES: [string, string][] = [
  ['ly', ''],
  ['ing', ''],
  ['ing', 'e'],
  ['ed', ''],
  ['ed', 'e'],
  ['s', ''],
  ['es', ''],
  ['ness', ''],
];

function nextIsWord(tokens: Token[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && next.kind === 'word';
}

/** When most words are in capitals, capitals are the writer's habit, not emphasis. */
function isMostlyCaps(tokens: Token[]): boolean {
  let words = 0;
  let caps = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2) continue;
    words++;
    if (t.text !== t.norm && !hasLowerCase(t.text)) caps++;
  }
  return words > 0 && caps / words > 0.5;
}

const WISH_WORDS = new Set(['want', 'wanted', 'wanna', 'need', 'needed', 'wish', 'miss']);

/** "…want that so bad": "so"/"really" before position i, a wish word within the eight words before that. */
function isWishIntensity(tokens: Token[], i: number): boolean {
  const prev = tokens[i - 1];
  if (prev === undefined || (prev.norm !== 'so' && prev.norm !== 'really')) return false;
  for (let k = i - 2; k >= 0 && k >= i - 10; k--) {
    const t = tokens[k] as Token;
    if (t.kind === 'punct') return false;
    if (WISH_WORDS.has(t.norm)) return true;
  }
  return false;
}

const GREETINGS = new Set(['happy', 'merry', 'congrats', 'congratulations', 'thanks', 'thank']);

/** Whether (the first occurrence of) a word opens a sentence: after ". ", "! ", a colon, a quote or a line break. */
function startsSentence(text: string, word: string): boolean {
  let k = text.indexOf(word) - 1;
  while (k >= 0 && text.charCodeAt(k) === 32) k--;
  if (k < 0) return true;
  const c = text[k] as string;
  return c === '.' || c === '!' || c === '?' || c === ':' || c === '"' || c === '\n' || c === '…';
}

/** "Dead", "Miss": an upper-case letter then lower-case ones. */
function isTitleCase(s: string): boolean {
  const c = s.charCodeAt(0);
  return s.length >= 2 && c >= 65 && c <= 90 && hasLowerCase(s) && s.slice(1) === s.slice(1).toLowerCase();
}

/** A word of two or more letters starting with a capital ("USA", "Walking"; not "I"). */
function isCapitalisedWord(t: Token | undefined): boolean {
  if (t === undefined || t.kind !== 'word' || t.text.length < 2) return false;
  const c = t.text.charCodeAt(0);
  return c >= 65 && c <= 90;
}

/** "Best Day Ever At The Park": when nearly all words are capitalised, capitals mark nothing. */
function isMostlyTitleCase(tokens: Token[]): boolean {
  let words = 0;
  let caps = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2) continue;
    words++;
    if (isCapitalisedWord(t)) caps++;
  }
  return words > 0 && caps / words >= 0.75;
}

function hasLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
    if (c > 127) return s !== s.toUpperCase();
  }
  return false;
}

function stripVariation(s: string): string {
  return s.replace(/\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu, '').replace(/\u200d.*$/u, '');
}

/** Some exports carry "\u2019" as six literal characters; read them as the character they name. */
function unescapeLiteralUnicode(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function signed(v: number): string {
  const r = Math.round(v * 10) / 10;
  return r > 0 ? `+${r}` : `${r}`;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
