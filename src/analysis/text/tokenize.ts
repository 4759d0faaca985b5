/**
 * Tokenisation for short social texts. One pass of one regular expression, so it stays cheap on the
 * hot path (the classifier must run at 100k mentions/s). Apostrophes stay inside words so that
 * "don't" is one negation token, not "don" + "t" (natural's WordTokenizer splits it).
 */
export type TokenKind = 'url' | 'handle' | 'hashtag' | 'emoticon' | 'emoji' | 'number' | 'word' | 'punct';

export interface Token {
  /** As written (case kept, so shouting in capitals can be seen). */
  text: string;
  /** Lower-cased; for hashtags and handles, without the leading sign. */
  norm: string;
  kind: TokenKind;
}

const PATTERN = new RegExp(
  [
    String.raw`(https?:\/\/\S+|www\.\S+)`,
    String.raw`(@\w{1,50})`,
    String.raw`(#\w+)`,
    String.raw`((?<![\w])(?:[:;=8][\-o*']?[)\](\[dDpP\/\\|@3]|[)\](\[dDpP\/\\|@3][\-o*']?[:;=8]|<3+|<\/3)(?![\w]))`,
    String.raw`(\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F)*)`,
    String.raw`(\d+(?:[.,:]\d+)*(?:%|st|nd|rd|th|hrs?|hours?|mins?|h|am|pm)?(?![\p{L}]))`,
    String.raw`([\p{L}\p{M}][\p{L}\p{M}\d]*(?:['’][\p{L}]+)*)`,
    String.raw`([!?]+|\.{2,}|…)`,
  ].join('|'),
  'gu',
);

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&apos;': "'",
};

/** Twitter delivers `&amp;`, `&lt;`, `&gt;` escaped inside text; undo that before reading it. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|apos|#39);/g, (e) => ENTITIES[e] ?? e);
}

/**
 * The last text tokenised and its tokens: the classifier and triage tokenise the same mention one
 * after the other, so the second call is a copy instead of a second pass. Callers get their own array.
 */
let lastText: string | null = null;
let lastTokens: Token[] = [];

export function tokenize(raw: string): Token[] {
  if (raw === lastText) return lastTokens.slice();
  const tokens = scan(raw);
  lastText = raw;
  lastTokens = tokens;
  return tokens.slice();
}

function scan(raw: string): Token[] {
  const text = raw.includes('&') ? decodeEntities(raw) : raw;
  const tokens: Token[] = [];
  // exec() with numbered groups: matchAll + named groups allocated an iterator and a groups object
  // per match and made tokenising the slowest step of classification.
  PATTERN.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = PATTERN.exec(text)) !== null) {
    for (let g = 1; g <= KINDS.length; g++) {
      const value = match[g];
      if (value === undefined) continue;
      const kind = KINDS[g - 1] as TokenKind;
      let norm = value.toLowerCase();
      if (kind === 'hashtag' || kind === 'handle') norm = norm.slice(1);
      else if (kind === 'word' && norm.includes('’')) norm = norm.replace(/’/g, "'");
      tokens.push({ text: value, norm, kind });
      break;
    }
  }
  return tokens;
}

/** Capture group g of PATTERN is KINDS[g - 1]; keep both in the same order. */
const KINDS: TokenKind[] = ['url', 'handle', 'hashtag', 'emoticon', 'emoji', 'number', 'word', 'punct'];

/** The words of a text for topic work (clustering, near-duplicates): no handles, URLs or punctuation. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (t.kind === 'word' || t.kind === 'hashtag' || t.kind === 'number') out.push(t.norm);
  }
  return out;
}
