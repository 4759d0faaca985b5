/**
 * Folds rare misspellings onto frequent words at edit distance 1 ("battrey" → "battery",
 * "conection" → "connection"), SymSpell-style: every frequent term registers its single-deletion
 * variants, and a rare term looks up its own deletions. Cost per lookup is O(length), independent of
 * the vocabulary size, so it is safe on the per-mention hot path.
 */
export interface SpellingState {
  freq: Array<[string, number]>;
  /** Frequent terms in the order they became frequent (the capped deletion lists depend on it). */
  registered: string[];
}

export class SpellingFolder {
  private readonly freq = new Map<string, number>();
  /** deletion variant → frequent terms that produce it */
  private readonly deletions = new Map<string, string[]>();
  private readonly registered = new Set<string>();

  constructor(
    /** A term seen this often counts as a real word that rarer variants may fold onto. */
    private readonly frequentAt = 5,
    private readonly minLength = 4,
  ) {}

  /** Records one occurrence of each term (call once per document with its distinct terms). */
  observe(terms: Iterable<string>): void {
    for (const t of terms) {
      const n = (this.freq.get(t) ?? 0) + 1;
      this.freq.set(t, n);
      if (n === this.frequentAt && t.length >= this.minLength) this.register(t);
    }
  }

  /** The frequent term a rare one is a misspelling of, or the term itself. */
  fold(term: string): string {
    if (term.length < this.minLength || this.registered.has(term)) return term;
    const own = this.freq.get(term) ?? 0;
    let best = term;
    let bestFreq = Math.max(own * 4, this.frequentAt - 1);
    const consider = (cand: string): void => {
      if (cand === term || !isEdit1(term, cand)) return;
      const f = this.freq.get(cand) ?? 0;
      if (f > bestFreq) {
        best = cand;
        bestFreq = f;
      }
    };
    // term itself may be a deletion of a frequent word (a dropped letter), or share a deletion with it.
    for (const c of this.deletions.get(term) ?? []) consider(c);
    for (const d of deletionsOf(term)) {
      if (this.registered.has(d)) consider(d);
      for (const c of this.deletions.get(d) ?? []) consider(c);
    }
    return best;
  }

  private register(term: string): void {
    this.registered.add(term);
    for (const d of deletionsOf(term)) {
      const list = this.deletions.get(d);
      if (!list) this.deletions.set(d, [term]);
      else if (list.length < 8) list.push(term);
    }
  }

  toJSON(): SpellingState {
    return { freq: [...this.freq], registered: [...this.registered] };
  }

  static fromJSON(state: SpellingState, frequentAt = 5, minLength = 4): SpellingFolder {
    const f = new SpellingFolder(frequentAt, minLength);
    for (const [t, n] of state.freq) f.freq.set(t, n);
    for (const t of state.registered) f.register(t);
    return f;
  }
}

function deletionsOf(term: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < term.length; i++) out.push(term.slice(0, i) + term.slice(i + 1));
  return out;
}

/** True when a and b differ by one insertion, deletion, substitution or adjacent transposition. */
export function isEdit1(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
