/**
 * Customers' complaints made fit for a public page. Pure. What customers wrote is never quoted: each
 * complaint is cut into sentences, a sentence carrying personal data (an e-mail address, a phone
 * number, a name from the customer records, an attribute value held by fewer than k customers, a long
 * number such as an order or serial) is dropped whole, handles, links and emoji are removed from the
 * rest, and what remains is retold in the third person ("my X200 reboots" → "their X200 reboots").
 */

export interface Redactions {
  /** Names of customers and authors (full names and their parts of 3+ letters). */
  names: readonly string[];
  /** Attribute values held by fewer than k customers (compared case-insensitively, as whole words). */
  rareValues: readonly string[];
}

const EMAIL = /[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}/i;
// Seven or more digits, possibly split by spaces, dots, dashes or brackets, optionally with a leading +.
const PHONE = /(?:\+|\b)\d(?:[\s.()-]*\d){6,}\b/;
const LONG_NUMBER = /\b[a-z]*\d{5,}[a-z0-9-]*\b/i;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const HANDLE = /(^|[^\w@])@\w{1,30}\b/g;
const EMOJI = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}]/gu;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordPattern = (s: string) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(s)}(?=$|[^\\p{L}\\p{N}])`, 'iu');

/** The name parts worth matching: whole names and their words of 3+ letters. */
export function nameTerms(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    const full = n.trim();
    if (full.length >= 3) out.add(full.toLowerCase());
    for (const part of full.split(/[\s.,'-]+/)) if (part.length >= 3) out.add(part.toLowerCase());
  }
  return [...out];
}

export interface Scrubber {
  /** True when the text carries something that must never be shown. */
  carriesPersonalData(text: string): boolean;
  /** Removes handles, links and emoji. */
  strip(text: string): string;
}

export function scrubber(r: Redactions): Scrubber {
  const patterns = [
    ...nameTerms(r.names),
    ...r.rareValues.map((v) => v.trim().toLowerCase()).filter((v) => v.length >= 2),
  ].map(wordPattern);
  return {
    carriesPersonalData: (text) =>
      EMAIL.test(text) || PHONE.test(text) || LONG_NUMBER.test(text) || patterns.some((p) => p.test(text)),
    strip: (text) =>
      text
        .replace(URL, ' ')
        .replace(HANDLE, '$1')
        .replace(EMOJI, ' ')
        .replace(/#(\w)/g, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
  };
}

/** Sentences, split after . ! ? or line breaks. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const PERSON: Array<[RegExp, string]> = [
  [/\bI'm\b/gi, "they're"],
  [/\bI am\b/gi, 'they are'],
  [/\bI've\b/gi, "they've"],
  [/\bI'd\b/gi, "they'd"],
  [/\bI'll\b/gi, "they'll"],
  [/\bI was\b/gi, 'they were'],
  [/\bI\b/g, 'they'],
  [/\bmy\b/gi, 'their'],
  [/\bmine\b/gi, 'theirs'],
  [/\bme\b/gi, 'them'],
  [/\bmyself\b/gi, 'themselves'],
  [/\bwe're\b/gi, "they're"],
  [/\bwe\b/gi, 'they'],
  [/\bour\b/gi, 'their'],
  [/\bus\b/g, 'them'],
];

/** Retells a sentence in the third person, without shouting or trailing noise. */
export function retell(sentence: string): string {
  let s = sentence;
  for (const [p, r] of PERSON) s = s.replace(p, r);
  s = s.replace(/([!?.])\1+/g, '$1').replace(/\b([A-Z]{4,})\b/g, (w) => w.toLowerCase());
  s = s.replace(/^[\s,;:.-]+|[\s,;:-]+$/g, '');
  if (!s) return '';
  if (!/[.!?]$/.test(s)) s += '.';
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Symptoms from complaints: each complaint becomes at most one retold statement made of its sentences
 * that carry no personal data (too short a remainder is dropped), duplicates removed.
 */
export function paraphraseSymptoms(texts: readonly string[], r: Redactions, max = 5): string[] {
  const s = scrubber(r);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    const kept = sentences(text)
      .filter((x) => !s.carriesPersonalData(x))
      .map((x) => retell(s.strip(x)))
      .filter((x) => x.split(/\s+/).length >= 3);
    if (kept.length === 0) continue;
    const statement = kept.slice(0, 2).join(' ');
    const key = statement
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(statement);
    if (out.length >= max) break;
  }
  return out;
}

/** Any public text (labels, titles, product's own words): words that are rare attribute values or names become "…". */
export function redactText(text: string, r: Redactions): string {
  let out = text.replace(new RegExp(EMAIL.source, 'gi'), '…').replace(new RegExp(PHONE.source, 'g'), '…');
  for (const term of [
    ...nameTerms(r.names),
    ...r.rareValues.map((v) => v.trim().toLowerCase()).filter((v) => v.length >= 2),
  ]) {
    out = out.replace(new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(term)}(?=$|[^\\p{L}\\p{N}])`, 'giu'), '$1…');
  }
  return out;
}
