import { tokenize } from '../analysis/text/tokenize.ts';
import type { RuleSet } from './types.ts';

/**
 * Finds which of a rule set's words and phrases occur in a text in one pass over its tokens, instead
 * of one regular expression per rule: triage runs on every mention, next to a 100k/s classifier.
 * A keyword is matched on whole tokens; a trailing "*" makes its last word a prefix ("refund*").
 */
export interface KeywordIndex {
  /** Returns the keywords (as written in the rules, lower-cased) found in the text. */
  find(text: string): Set<string>;
}

interface Entry {
  keyword: string;
  words: string[];
  /** The last word is a prefix. */
  prefix: boolean;
}

const PREFIX_KEY = 3;

export function buildKeywordIndex(rules: RuleSet): KeywordIndex {
  const byFirst = new Map<string, Entry[]>();
  const byPrefix = new Map<string, Entry[]>();
  const addTo = (map: Map<string, Entry[]>, key: string, e: Entry): void => {
    const list = map.get(key);
    if (list) list.push(e);
    else map.set(key, [e]);
  };
  const seen = new Set<string>();
  for (const rule of rules.rules) {
    for (const keyword of [...(rule.when.any ?? []), ...(rule.when.all ?? []), ...(rule.when.none ?? [])]) {
      if (seen.has(keyword)) continue;
      seen.add(keyword);
      const prefix = keyword.endsWith('*');
      const words = tokenize(prefix ? keyword.slice(0, -1) : keyword).map((t) => t.norm);
      if (words.length === 0) continue;
      const entry = { keyword, words, prefix };
      const first = words[0] as string;
      if (prefix && words.length === 1) addTo(byPrefix, first.slice(0, PREFIX_KEY), entry);
      else addTo(byFirst, first, entry);
    }
  }

  const matches = (norms: string[], i: number, e: Entry): boolean => {
    const n = e.words.length;
    if (i + n > norms.length) return false;
    for (let k = 0; k < n; k++) {
      const word = norms[i + k] as string;
      const want = e.words[k] as string;
      if (e.prefix && k === n - 1 ? !word.startsWith(want) : word !== want) return false;
    }
    return true;
  };

  return {
    find(text: string): Set<string> {
      const found = new Set<string>();
      const norms: string[] = [];
      for (const t of tokenize(text)) if (t.kind !== 'punct' && t.kind !== 'url') norms.push(t.norm);
      for (let i = 0; i < norms.length; i++) {
        const norm = norms[i] as string;
        const exact = byFirst.get(norm);
        if (exact) for (const e of exact) if (matches(norms, i, e)) found.add(e.keyword);
        if (byPrefix.size && norm.length >= PREFIX_KEY) {
          const pre = byPrefix.get(norm.slice(0, PREFIX_KEY));
          if (pre) for (const e of pre) if (norm.startsWith(e.words[0] as string)) found.add(e.keyword);
        }
      }
      return found;
    },
  };
}
