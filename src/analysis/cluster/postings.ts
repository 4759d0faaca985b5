/**
 * Inverted index from a centroid term to the clusters carrying it, with capped lists: looking up a
 * term never returns more than `cap` clusters, however many exist. A full list keeps the clusters
 * that weigh most on the term, but always lets a newcomer in (evicting the lightest) so new topics
 * can still form.
 */
export class PostingIndex {
  private readonly lists = new Map<string, number[]>();

  constructor(
    private readonly cap: number,
    /** Current weight of a term in a cluster's centroid, to choose whom a full list evicts. */
    private readonly weight: (cluster: number, term: string) => number,
  ) {}

  get(term: string): readonly number[] {
    return this.lists.get(term) ?? [];
  }

  add(term: string, cluster: number): void {
    const list = this.lists.get(term);
    if (!list) {
      this.lists.set(term, [cluster]);
      return;
    }
    if (list.includes(cluster)) return;
    if (list.length < this.cap) {
      list.push(cluster);
      return;
    }
    let worst = 0;
    let worstW = Infinity;
    for (let i = 0; i < list.length; i++) {
      const w = this.weight(list[i] as number, term);
      if (w < worstW) {
        worstW = w;
        worst = i;
      }
    }
    list[worst] = cluster;
  }

  remove(term: string, cluster: number): void {
    const list = this.lists.get(term);
    if (!list) return;
    const i = list.indexOf(cluster);
    if (i >= 0) {
      list[i] = list[list.length - 1] as number;
      list.pop();
    }
    if (list.length === 0) this.lists.delete(term);
  }

  /** Lists as they are: capped lists depend on history, so a restore must not rebuild them. */
  toJSON(): Array<[string, number[]]> {
    return [...this.lists].map(([t, l]) => [t, [...l]]);
  }

  load(state: Array<[string, number[]]>): void {
    this.lists.clear();
    for (const [t, l] of state) this.lists.set(t, [...l]);
  }
}
