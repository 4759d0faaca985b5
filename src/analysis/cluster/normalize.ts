/**
 * Turns a short social text into the terms clustering works on: content words without handles, URLs,
 * stop words or bare numbers, lightly stemmed so "cancelled", "canceled" and "cancellation" meet.
 * A light suffix stripper instead of Porter: it is cheap, memoised, and keeps stems readable.
 */
import { contentWords } from '../text/tokenize.ts';

// Function words plus the fillers of social posts; deliberately no domain nouns.
const STOP = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself
no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
were weren't what what's when when's where where's which while who who's whom why why's with won't would
wouldn't you you'd you'll you're you've your yours yourself yourselves
im ive id dont didnt doesnt isnt cant wont wasnt arent u ur r y ya yall pls plz please thanks thank thx ty just
get got getting gets really still even now today yesterday tonight tomorrow one two also ok okay oh hey hi hello
lol omg wtf via rt amp yes yeah yet will would us much many every know going go gone come came make made
way thing things something anything nothing everything someone anyone time day days guys guy like want need
back again since ever never always tell told said say says see seen well sure etc soo noo<`.split(/\s+/),
);

/**
 * Words that carry the mood of a complaint, not its cause ("worst service ever" and "worst delay
 * ever" are different problems). Kept, but weighted down so they cannot hold a cluster together.
 */
const MOOD = new Set(
  `worst terrible horrible awful ridiculous unacceptable disappointed disappointing disappoint frustrated frustrating
frustration annoying annoyed angry upset mad sad pathetic useless disgusting disgraceful shameful shame joke
seriously absolutely literally totally completely honestly ever bad good great nice best better worse amazing awesome
love hate sucks suck fail failed fails epic smh ugh wow lol fml fix help thank`.split(/\s+/),
);

/** Weight factor of a stemmed term: mood words count a third. */
export function termWeight(stem: string): number {
  return MOOD_STEMS.has(stem) ? 1 / 3 : 1;
}

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

/** Strips common English inflections; idempotent enough for clustering, not a linguistic stemmer. */
export function lightStem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  const stem = strip(word);
  if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
  stemCache.set(word, stem);
  return stem;
}

function strip(w: string): string {
  if (w.length <= 3) return w;
  let s = w.replace(/'s$/, '').replace(/'/g, '');
  const rules: Array<[RegExp, string]> = [
    [/ational$/, 'ate'],
    [/ations?$/, ''],
    [/ements?$/, ''],
    [/nesses$|ness$/, ''],
    [/fully$|ful$/, ''],
    [/ies$/, 'y'],
    [/ied$/, 'y'],
    [/(?<=[^aeiou])ily$/, 'y'],
    [/ingly$/, ''],
    [/ings?$/, ''],
    [/edly$/, ''],
    [/ed$/, ''],
    [/ly$/, ''],
    [/(?<=[^s])es$/, 'e'],
    [/(?<=[^su])s$/, ''],
  ];
  for (const [re, rep] of rules) {
    if (!re.test(s)) continue;
    const next = s.replace(re, rep);
    if (next.length >= 3) s = next;
    break;
  }
  // Doubled final consonants left by "cancelled"/"stopped", and a trailing e ("delaye", "charge").
  s = s.replace(/([b-df-hj-np-tv-z])\1$/, '$1');
  if (s.length > 4 && s.endsWith('e')) s = s.slice(0, -1);
  return s;
}

export interface Terms {
  /** Stemmed content terms in text order (duplicates kept). */
  stems: string[];
  /** The surface word each stem came from, for readable labels. */
  surface: string[];
}

/** Content words of a text: lower case, no handles/URLs/numbers/stop words, elongations squeezed. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of contentWords(text)) {
    // Squeeze elongations ("sooooo" → "soo") so they meet their plain spelling.
    const w = raw.replace(/(.)\1{2,}/g, '$1$1');
    if (w.length < 2 || STOP.has(w) || !/\p{L}/u.test(w) || /^\d/.test(w)) continue;
    out.push(w);
  }
  return out;
}

/** Content terms, lightly stemmed, with the surface word each came from. */
export function extractTerms(text: string, fold: (word: string) => string = (w) => w): Terms {
  const stems: string[] = [];
  const surface: string[] = [];
  for (const raw of contentTerms(text)) {
    const w = fold(raw);
    const stem = lightStem(w);
    if (STOP.has(w) || STOP.has(stem)) continue;
    stems.push(stem);
    surface.push(w);
  }
  return { stems, surface };
}

const MOOD_STEMS = new Set([...MOOD].map(lightStem));
