/**
 * What the rule-based analyser needs to know about one language. Adding a language means writing
 * one of these (lexicon, negators, modifiers, patterns); the scoring code stays the same.
 */
export interface LanguagePack {
  code: string;
  /** Word (lower-case) → valence, roughly in [-5, 5] like AFINN. */
  lexicon: Map<string, number>;
  /** Multi-word phrases ("on hold", "no one") → valence; keys are space-joined lower-case words. */
  phrases: Map<string, number>;
  /** Longest phrase length in words, so the matcher knows how far to look ahead. */
  maxPhraseWords: number;
  /** Words that flip the polarity of the words after them ("not", "never", "don't"). */
  negators: Set<string>;
  /** Words that scale the next sentiment word: > 1 intensifies ("very"), < 1 softens ("slightly"). */
  modifiers: Map<string, number>;
  /** Words after which the rest of the text outweighs what came before ("but", "however"). */
  contrast: Set<string>;
  /** Words that end a negation's reach early, besides punctuation. */
  scopeBreakers: Set<string>;
  /**
   * Context cues: weak lexicon words ("still", "again", "down") that mean a complaint only
   * next to other evidence of the same sign; alone they are topic words and score nothing.
   */
  cues?: Set<string>;
  /** Emoji and emoticons → valence. */
  symbols: Map<string, number>;
  /** Regular-expression patterns over the whole (lower-cased) text, each with a valence and a reason id. */
  patterns: TextPattern[];
}

export interface TextPattern {
  id: string;
  re: RegExp;
  valence: number;
  /**
   * Lower-case words of which at least one must occur for the pattern to be tried ('#number' stands
   * for any number token), so most texts skip most regular expressions.
   */
  triggers: string[];
}
