/**
 * Incremental root-cause clustering of short complaints (online leader clustering).
 *
 * Each mention becomes a sublinear TF vector with a damped IDF (IDF^idfPower, from the frequencies
 * seen so far; mood words count a third) over normalised, stemmed, spelling-folded terms. Candidate
 * clusters come from an inverted index over centroid terms whose posting lists are capped, and
 * centroids are capped in size, so placing one mention costs O(queryTerms × maxPostings × doc terms)
 * whatever the number stored. The mention joins the most similar cluster: a seed needs `threshold`, an
 * established cluster (≥ minSize) only `establishedThreshold` if the mention shares one of its core
 * terms; otherwise it seeds a new cluster. Every `mergeEvery` adds, the clusters touched since the last
 * pass meet their index neighbours and close ones merge. Seeds that never reach `minSize` within
 * `pendingTtl` adds are retired, so one-offs stay `null` and memory does not fill with them. The
 * number of clusters is found, never given.
 */
import { SpellingFolder, isEdit1, type SpellingState } from './spelling.ts';
import { contentTerms, extractTerms, termWeight } from './normalize.ts';
import { PostingIndex } from './postings.ts';
import { dot, keepTop, norm, sharesAny, topTerms, type Vec } from './vectors.ts';
import {
  DEFAULT_OPTIONS,
  type Assignment,
  type ClusterInput,
  type ClusterSummary,
  type ClustererOptions,
} from './types.ts';

interface Cluster {
  index: number;
  size: number;
  centroid: Vec;
  norm: number;
  /** The heaviest centroid terms: a weak match must share one of them. */
  core: Set<string>;
  members: string[];
  reps: Array<[string, number]>;
  bigrams: Map<string, number>;
  first: string | null;
  last: string | null;
  daily: Map<string, number>;
  /** Add counter at creation, for retiring stale seeds. */
  born: number;
}

export interface ClustererState {
  version: 1;
  options: ClustererOptions;
  docs: number;
  df: Array<[string, number]>;
  spelling: SpellingState;
  surfaces: Array<[string, Array<[string, number]>]>;
  next: number;
  clusters: Array<{
    index: number;
    size: number;
    centroid: Array<[string, number]>;
    members: string[];
    reps: Array<[string, number]>;
    bigrams: Array<[string, number]>;
    first: string | null;
    last: string | null;
    daily: Array<[string, number]>;
    born: number;
  }>;
  /** Posting lists as they are (capped lists depend on history, so they are kept, not rebuilt). */
  postings: Array<[string, number[]]>;
  parents: Array<[number, number]>;
  assignments: Array<[string, number]>;
  pending: number[];
  touched: number[];
  sinceMerge: number;
}

export interface ClustererStats {
  mentions: number;
  /** Clusters alive, seeds included. */
  live: number;
  /** Similarity computations so far (placement and merge passes): the algorithmic cost. */
  comparisons: number;
}

export interface Clusterer {
  /** Places one mention; returns its cluster id, or null while it is a one-off. */
  add(m: ClusterInput): string | null;
  /** Every mention added, in order, with its current cluster (merges and growth included). */
  assignments(): Assignment[];
  /** The reported clusters (size ≥ minSize), largest first. */
  clusters(): ClusterSummary[];
  cluster(id: string): ClusterSummary | null;
  /** Current cluster of one mention. */
  clusterOf(mentionId: string): string | null;
  /** Counters for monitoring and the cost bench. */
  stats(): ClustererStats;
  /** Merges cluster b into a; returns the surviving id. */
  merge(a: string, b: string): string;
  /** Runs the merge pass now (also runs by itself every `mergeEvery` adds). */
  consolidate(): void;
  /**
   * End-of-batch pass: every seed still below minSize joins the established cluster whose centroid
   * is most similar, if that cosine reaches `floor`; the rest stay one-offs. Not for a live stream,
   * where today's seed may be tomorrow's new problem. Returns how many mentions moved.
   */
  adoptStragglers(floor: number): number;
  /**
   * The reported cluster a text would join and its cosine to that centroid, without adding it (null
   * when none is close enough to take it).
   */
  match(text: string): { cluster: string; similarity: number } | null;
  /** Centroid cosine of two clusters (0 when either is unknown). */
  similarity(a: string, b: string): number;
  toJSON(): ClustererState;
  /**
   * Calls `listener` whenever cluster `from` is merged into `into` (by the merge pass or `merge`), with
   * from's members at that moment, so a store can re-point only what moved. Not part of the state.
   */
  onMerge(listener: MergeListener | null): void;
}

export type MergeListener = (from: string, into: string, members: readonly string[]) => void;

const NO_CLUSTER = -1;
const CORE_TERMS = 3;

export function createClusterer(opts: Partial<ClustererOptions> = {}): Clusterer {
  return new Engine({ ...DEFAULT_OPTIONS, ...opts });
}

export function restoreClusterer(json: ClustererState | string): Clusterer {
  const state: ClustererState = typeof json === 'string' ? (JSON.parse(json) as ClustererState) : json;
  if (state.version !== 1) throw new Error(`unknown clusterer state version ${String(state.version)}`);
  return Engine.fromState(state);
}

class Engine implements Clusterer {
  private docs = 0;
  private readonly df = new Map<string, number>();
  private spelling = new SpellingFolder();
  private readonly surfaces = new Map<string, Map<string, number>>();
  private next = 0;
  private readonly live = new Map<number, Cluster>();
  private readonly parents = new Map<number, number>();
  private readonly assigned = new Map<string, number>();
  private readonly postings: PostingIndex;
  /** Seeds in creation order, checked from the head for retirement. */
  private pending: number[] = [];
  private pendingHead = 0;
  private touched = new Set<number>();
  private sinceMerge = 0;
  private comparisons = 0;
  private mergeListener: MergeListener | null = null;

  constructor(private readonly opts: ClustererOptions) {
    this.postings = new PostingIndex(opts.maxPostings, (idx, term) => this.live.get(idx)?.centroid.get(term) ?? 0);
  }

  add(m: ClusterInput): string | null {
    const known = this.assigned.get(m.id);
    if (known !== undefined) return this.reported(known);
    // Misspellings fold onto frequent words before stemming ("mountign" → "mounting" → "mount").
    this.spelling.observe(new Set(contentTerms(m.text)));
    const { stems: folded, surface } = extractTerms(m.text, (w) => this.spelling.fold(w));
    for (let i = 0; i < folded.length; i++) this.noteSurface(folded[i] as string, surface[i] as string);
    const vec = this.vectorize(folded);
    this.docs++;
    for (const t of new Set(folded)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    this.retireStale();
    if (vec.size === 0) {
      this.assigned.set(m.id, NO_CLUSTER);
      return null;
    }
    const [best, sim] = this.nearest(vec);
    const target = best ?? this.seed();
    this.absorb(target, m, vec, folded, best === target ? sim : this.opts.threshold);
    this.assigned.set(m.id, target.index);
    this.touched.add(target.index);
    if (++this.sinceMerge >= this.opts.mergeEvery) this.consolidate();
    return this.reported(target.index);
  }

  assignments(): Assignment[] {
    const out: Assignment[] = [];
    for (const [id, idx] of this.assigned) out.push({ id, cluster: this.reported(idx) });
    return out;
  }

  stats(): ClustererStats {
    return { mentions: this.assigned.size, live: this.live.size, comparisons: this.comparisons };
  }

  clusterOf(mentionId: string): string | null {
    const idx = this.assigned.get(mentionId);
    return idx === undefined ? null : this.reported(idx);
  }

  clusters(): ClusterSummary[] {
    const out: ClusterSummary[] = [];
    for (const c of this.live.values()) if (c.size >= this.opts.minSize) out.push(this.summarize(c));
    return out.sort((a, b) => b.size - a.size || a.id.localeCompare(b.id));
  }

  cluster(id: string): ClusterSummary | null {
    const c = this.live.get(this.find(parseId(id)));
    return c && c.size >= this.opts.minSize ? this.summarize(c) : null;
  }

  merge(a: string, b: string): string {
    const ca = this.live.get(this.find(parseId(a)));
    const cb = this.live.get(this.find(parseId(b)));
    if (!ca || !cb) throw new Error(`cannot merge ${a} and ${b}: unknown cluster`);
    if (ca === cb) return clusterId(ca.index);
    this.join(ca, cb);
    return clusterId(ca.index);
  }

  consolidate(): void {
    this.sinceMerge = 0;
    const touched = [...this.touched];
    this.touched = new Set();
    for (const idx of touched) {
      const c = this.live.get(this.find(idx));
      if (!c || c.size < 2) continue;
      // Close clusters share heavy terms, so the core terms' posting lists are enough to find them.
      const seen = new Set<number>([c.index]);
      for (const term of [...c.core]) {
        // A copy: merging edits posting lists.
        for (const other of [...this.postings.get(term)]) {
          if (seen.has(other)) continue;
          seen.add(other);
          const o = this.live.get(other);
          if (!o || o.size < 2) continue;
          this.comparisons++;
          const sim = cosine(c, o);
          // Two clusters led by the same term are usually one problem in different words.
          const sameLead = sim >= this.opts.sameLeadMergeThreshold && leadTerm(c) === leadTerm(o);
          if (sim >= this.opts.mergeThreshold || sameLead) {
            const [big, small]: [Cluster, Cluster] = c.size >= o.size ? [c, o] : [o, c];
            this.join(big, small);
            if (big !== c) break; // c is gone; its neighbours are now big's to meet next pass
          }
        }
        if (!this.live.has(c.index)) break;
      }
    }
  }

  onMerge(listener: MergeListener | null): void {
    this.mergeListener = listener;
  }

  adoptStragglers(floor: number): number {
    let moved = 0;
    const seeds = [...this.live.values()].filter((c) => c.size < this.opts.minSize).sort((a, b) => a.index - b.index);
    for (const seed of seeds) {
      let best: Cluster | undefined;
      let bestSim = floor;
      const seen = new Set<number>();
      for (const [term] of topTerms(seed.centroid, this.opts.queryTerms)) {
        for (const idx of this.postings.get(term)) {
          if (seen.has(idx)) continue;
          seen.add(idx);
          const c = this.live.get(idx);
          if (!c || c.size < this.opts.minSize) continue;
          this.comparisons++;
          const sim = cosine(seed, c);
          if (sim > bestSim || (sim === bestSim && best && c.size > best.size)) {
            best = c;
            bestSim = sim;
          }
        }
      }
      if (best) {
        moved += seed.size;
        this.join(best, seed);
      }
    }
    return moved;
  }

  match(text: string): { cluster: string; similarity: number } | null {
    const { stems } = extractTerms(text, (w) => this.spelling.fold(w));
    const vec = this.vectorize(stems);
    if (vec.size === 0) return null;
    const [best, sim] = this.nearest(vec);
    return best && best.size >= this.opts.minSize ? { cluster: clusterId(best.index), similarity: sim } : null;
  }

  similarity(a: string, b: string): number {
    const ca = this.live.get(this.find(parseId(a)));
    const cb = this.live.get(this.find(parseId(b)));
    return ca && cb ? cosine(ca, cb) : 0;
  }

  toJSON(): ClustererState {
    return {
      version: 1,
      options: this.opts,
      docs: this.docs,
      df: [...this.df],
      spelling: this.spelling.toJSON(),
      surfaces: [...this.surfaces].map(([s, m]) => [s, [...m]]),
      next: this.next,
      clusters: [...this.live.values()].map((c) => ({
        index: c.index,
        size: c.size,
        centroid: [...c.centroid],
        members: c.members,
        reps: c.reps,
        bigrams: [...c.bigrams],
        first: c.first,
        last: c.last,
        daily: [...c.daily],
        born: c.born,
      })),
      postings: this.postings.toJSON(),
      parents: [...this.parents],
      assignments: [...this.assigned],
      pending: this.pending.slice(this.pendingHead),
      touched: [...this.touched],
      sinceMerge: this.sinceMerge,
    };
  }

  static fromState(s: ClustererState): Engine {
    const e = new Engine({ ...DEFAULT_OPTIONS, ...s.options });
    e.docs = s.docs;
    for (const [t, n] of s.df) e.df.set(t, n);
    e.spelling = SpellingFolder.fromJSON(s.spelling);
    for (const [stem, forms] of s.surfaces) e.surfaces.set(stem, new Map(forms));
    e.next = s.next;
    for (const c of s.clusters) {
      const cluster: Cluster = {
        index: c.index,
        size: c.size,
        centroid: new Map(c.centroid),
        norm: 0,
        core: new Set(),
        members: c.members,
        reps: c.reps,
        bigrams: new Map(c.bigrams),
        first: c.first,
        last: c.last,
        daily: new Map(c.daily),
        born: c.born,
      };
      refresh(cluster);
      e.live.set(c.index, cluster);
    }
    e.postings.load(s.postings);
    for (const [a, b] of s.parents) e.parents.set(a, b);
    for (const [id, idx] of s.assignments) e.assigned.set(id, idx);
    e.pending = s.pending;
    e.touched = new Set(s.touched);
    e.sinceMerge = s.sinceMerge;
    return e;
  }

  // ---- internals ----

  private vectorize(terms: string[]): Vec {
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    const vec: Vec = new Map();
    let sq = 0;
    const n = this.docs + 1;
    for (const [t, f] of tf) {
      const df = this.df.get(t) ?? 0;
      const w = (1 + Math.log(f)) * (Math.log((n + 1) / (df + 1)) + 1) ** this.opts.idfPower * termWeight(t);
      vec.set(t, w);
      sq += w * w;
    }
    const len = Math.sqrt(sq);
    if (len === 0) return vec;
    for (const [t, w] of vec) vec.set(t, w / len);
    return vec;
  }

  private nearest(vec: Vec): [Cluster | undefined, number] {
    let best: Cluster | undefined;
    let bestSim = 0;
    const seen = new Set<number>();
    for (const [term] of topTerms(vec, this.opts.queryTerms)) {
      for (const idx of this.postings.get(term)) {
        if (seen.has(idx)) continue;
        seen.add(idx);
        const c = this.live.get(idx);
        if (!c || c.norm === 0) continue;
        this.comparisons++;
        const sim = dot(vec, c.centroid) / c.norm;
        // Established clusters accept at a lower similarity than seeds (a proven centroid is reliable,
        // a seed is not), but only texts that share one of their core terms: otherwise a big cluster
        // swallows a new problem that merely shares the filler ("since the update", the model name).
        const weakOk = c.size >= this.opts.minSize && sharesAny(vec, c.core);
        const needed = weakOk ? this.opts.establishedThreshold : this.opts.threshold;
        if (sim < needed) continue;
        if (sim > bestSim || (sim === bestSim && best && c.size > best.size)) {
          best = c;
          bestSim = sim;
        }
      }
    }
    return [best, bestSim];
  }

  private seed(): Cluster {
    const c: Cluster = {
      index: this.next++,
      size: 0,
      centroid: new Map(),
      norm: 0,
      core: new Set(),
      members: [],
      reps: [],
      bigrams: new Map(),
      first: null,
      last: null,
      daily: new Map(),
      born: this.docs,
    };
    this.live.set(c.index, c);
    this.pending.push(c.index);
    return c;
  }

  private absorb(c: Cluster, m: ClusterInput, vec: Vec, terms: string[], sim: number): void {
    c.size++;
    c.members.push(m.id);
    for (const [t, w] of vec) {
      const had = c.centroid.has(t);
      c.centroid.set(t, (c.centroid.get(t) ?? 0) + w);
      if (!had) this.postings.add(t, c.index);
    }
    this.prune(c);
    refresh(c);
    for (let i = 0; i + 1 < terms.length; i++) {
      const bg = `${terms[i] as string} ${terms[i + 1] as string}`;
      c.bigrams.set(bg, (c.bigrams.get(bg) ?? 0) + 1);
    }
    if (c.bigrams.size > 80) keepTop(c.bigrams, 40);
    c.reps.push([m.id, sim]);
    c.reps.sort((a, b) => b[1] - a[1]);
    if (c.reps.length > this.opts.representatives) c.reps.length = this.opts.representatives;
    if (m.createdAt) {
      if (!c.first || m.createdAt < c.first) c.first = m.createdAt;
      if (!c.last || m.createdAt > c.last) c.last = m.createdAt;
      const day = m.createdAt.slice(0, 10);
      c.daily.set(day, (c.daily.get(day) ?? 0) + 1);
    }
  }

  /** Drops the lightest centroid terms once it holds twice the cap (amortised O(1) per add). */
  private prune(c: Cluster): void {
    if (c.centroid.size <= this.opts.maxCentroidTerms * 2) return;
    const keep = topTerms(c.centroid, this.opts.maxCentroidTerms);
    const kept = new Set(keep.map(([t]) => t));
    for (const t of c.centroid.keys()) if (!kept.has(t)) this.postings.remove(t, c.index);
    c.centroid = new Map(keep);
  }

  /** Moves b into a: centroid sum, members, counts; b's id then resolves to a. */
  private join(a: Cluster, b: Cluster): void {
    for (const t of b.centroid.keys()) this.postings.remove(t, b.index);
    for (const [t, w] of b.centroid) {
      const had = a.centroid.has(t);
      a.centroid.set(t, (a.centroid.get(t) ?? 0) + w);
      if (!had) this.postings.add(t, a.index);
    }
    this.prune(a);
    refresh(a);
    a.size += b.size;
    for (const id of b.members) a.members.push(id);
    for (const [bg, n] of b.bigrams) a.bigrams.set(bg, (a.bigrams.get(bg) ?? 0) + n);
    if (a.bigrams.size > 80) keepTop(a.bigrams, 40);
    a.reps = [...a.reps, ...b.reps].sort((x, y) => y[1] - x[1]).slice(0, this.opts.representatives);
    if (b.first && (!a.first || b.first < a.first)) a.first = b.first;
    if (b.last && (!a.last || b.last > a.last)) a.last = b.last;
    for (const [d, n] of b.daily) a.daily.set(d, (a.daily.get(d) ?? 0) + n);
    this.live.delete(b.index);
    this.parents.set(b.index, a.index);
    this.touched.add(a.index);
    this.mergeListener?.(clusterId(b.index), clusterId(a.index), b.members);
  }

  private retireStale(): void {
    while (this.pendingHead < this.pending.length) {
      const idx = this.pending[this.pendingHead] as number;
      const c = this.live.get(idx);
      if (c && c.size < this.opts.minSize) {
        if (this.docs - c.born < this.opts.pendingTtl) break;
        for (const t of c.centroid.keys()) this.postings.remove(t, c.index);
        this.live.delete(idx);
      }
      this.pendingHead++;
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private find(idx: number): number {
    let root = idx;
    for (let p = this.parents.get(root); p !== undefined; p = this.parents.get(root)) root = p;
    // Path compression keeps later lookups O(1).
    for (let cur = idx; cur !== root;) {
      const p = this.parents.get(cur) as number;
      this.parents.set(cur, root);
      cur = p;
    }
    return root;
  }

  private reported(idx: number): string | null {
    if (idx === NO_CLUSTER) return null;
    const c = this.live.get(this.find(idx));
    return c && c.size >= this.opts.minSize ? clusterId(c.index) : null;
  }

  private noteSurface(stem: string, word: string): void {
    let forms = this.surfaces.get(stem);
    if (!forms) this.surfaces.set(stem, (forms = new Map()));
    forms.set(word, (forms.get(word) ?? 0) + 1);
    if (forms.size > 16) keepTop(forms, 8);
  }

  private surfaceOf(stem: string): string {
    let best = stem;
    let bestN = 0;
    for (const [w, n] of this.surfaces.get(stem) ?? []) {
      if (n > bestN) {
        best = w;
        bestN = n;
      }
    }
    return best;
  }

  private summarize(c: Cluster): ClusterSummary {
    return {
      id: clusterId(c.index),
      label: this.label(c),
      size: c.size,
      memberIds: [...c.members],
      representativeIds: c.reps.map(([id]) => id),
      firstSeen: c.first,
      lastSeen: c.last,
      daily: Object.fromEntries([...c.daily].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  /** A frequent phrase first (when a third of the cluster uses it), then the heaviest other terms. */
  private label(c: Cluster): string[] {
    const out: string[] = [];
    const used = new Set<string>();
    const [phrase] = topTerms(c.bigrams, 1);
    if (phrase && phrase[1] >= Math.max(2, c.size / 3)) {
      const parts = phrase[0].split(' ');
      out.push(parts.map((p) => this.surfaceOf(p)).join(' '));
      for (const p of parts) used.add(p);
    }
    for (const [t] of topTerms(c.centroid, 8)) {
      if (out.length >= 5) break;
      const word = this.surfaceOf(t);
      // An early misspelling can sit in a centroid before its word was frequent enough to fold onto.
      if (used.has(t) || out.some((o) => o.split(' ').some((w) => isEdit1(w, word)))) continue;
      out.push(word);
    }
    return out;
  }
}

function clusterId(index: number): string {
  return `c${index}`;
}

function parseId(id: string): number {
  const n = Number(id.replace(/^c/, ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a cluster id: ${id}`);
  return n;
}

function refresh(c: Cluster): void {
  c.norm = norm(c.centroid);
  c.core = new Set(topTerms(c.centroid, CORE_TERMS).map(([t]) => t));
}

function cosine(a: Cluster, b: Cluster): number {
  return a.norm === 0 || b.norm === 0 ? 0 : dot(a.centroid, b.centroid) / (a.norm * b.norm);
}

function leadTerm(c: Cluster): string | undefined {
  let best: string | undefined;
  let bestW = -Infinity;
  for (const [t, w] of c.centroid) {
    if (w > bestW || (w === bestW && best !== undefined && t < best)) {
      best = t;
      bestW = w;
    }
  }
  return best;
}
