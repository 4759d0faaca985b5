/**
 * The customer base, indexed for profiling: every usable attribute column becomes a small set of
 * values with a sorted posting list of customer indices, so counting a value or a pair of values in
 * the base costs the length of its lists, not a scan of all customers.
 *
 * Columns are chosen automatically: id and handle columns are not attributes; columns that are
 * nearly unique (email, name) or have too many distinct values are skipped; numeric columns with
 * many values are cut into quantile buckets ("12.00–18.40").
 */
import { canonicalHandle } from '../../domain/mention.ts';

export interface Attribute {
  name: string;
  values: string[];
  /** Value code per customer, -1 when missing. */
  codes: Int32Array;
  /** Per value code, the ascending customer indices holding it. */
  postings: Int32Array[];
}

export interface CustomerBase {
  ids: string[];
  attributes: Attribute[];
  /** Columns left out, with why. */
  skipped: Array<{ column: string; reason: string }>;
  indexOfId: Map<string, number>;
  indexOfHandle: Map<string, number>;
}

export interface BaseOptions {
  idColumn: string;
  handleColumn: string;
  /** Categorical columns with more distinct values than this are skipped. */
  maxValues: number;
  /** Skip columns whose distinct values exceed this share of customers (identifiers, names). */
  maxDistinctShare: number;
  numericBuckets: number;
}

const DEFAULTS: BaseOptions = {
  idColumn: 'customer_id',
  handleColumn: 'handle',
  maxValues: 60,
  maxDistinctShare: 0.5,
  numericBuckets: 5,
};

export function buildCustomerBase(
  rows: ReadonlyArray<Record<string, string>>,
  options: Partial<BaseOptions> = {},
): CustomerBase {
  const o = { ...DEFAULTS, ...options };
  const n = rows.length;
  const ids: string[] = [];
  const indexOfId = new Map<string, number>();
  const indexOfHandle = new Map<string, number>();
  rows.forEach((r, i) => {
    const id = (r[o.idColumn] ?? '').trim() || `row-${i + 1}`;
    ids.push(id);
    indexOfId.set(id, i);
    const h = canonicalHandle(r[o.handleColumn] ?? '');
    if (h && !indexOfHandle.has(h)) indexOfHandle.set(h, i);
  });
  const columns = new Set<string>();
  for (const r of rows.slice(0, 1000)) for (const k of Object.keys(r)) columns.add(k);
  columns.delete(o.idColumn);
  columns.delete(o.handleColumn);

  const attributes: Attribute[] = [];
  const skipped: CustomerBase['skipped'] = [];
  for (const column of columns) {
    const raw = rows.map((r) => (r[column] ?? '').trim());
    const distinct = new Set(raw.filter((v) => v !== ''));
    if (distinct.size <= 1) {
      skipped.push({ column, reason: 'constant or empty' });
      continue;
    }
    const numeric = [...distinct].every((v) => Number.isFinite(Number(v)));
    let values = raw;
    if (distinct.size > o.maxValues || distinct.size > o.maxDistinctShare * n) {
      if (!numeric) {
        skipped.push({ column, reason: `${distinct.size} distinct values (identifier-like)` });
        continue;
      }
      values = bucketize(raw, o.numericBuckets);
    }
    attributes.push(encode(column, values));
  }
  return { ids, attributes, skipped, indexOfId, indexOfHandle };
}

function encode(name: string, raw: string[]): Attribute {
  const codeOf = new Map<string, number>();
  const values: string[] = [];
  const codes = new Int32Array(raw.length).fill(-1);
  const lists: number[][] = [];
  raw.forEach((v, i) => {
    if (v === '') return;
    let c = codeOf.get(v);
    if (c === undefined) {
      codeOf.set(v, (c = values.length));
      values.push(v);
      lists.push([]);
    }
    codes[i] = c;
    (lists[c] as number[]).push(i);
  });
  return { name, values, codes, postings: lists.map((l) => Int32Array.from(l)) };
}

/** Quantile buckets labelled by their value range, so a profile line reads "monthly_spend 60.00–97.80". */
function bucketize(raw: string[], buckets: number): string[] {
  const nums = raw
    .filter((v) => v !== '')
    .map(Number)
    .sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let b = 1; b < buckets; b++) {
    const q = nums[Math.floor((b * nums.length) / buckets)] as number;
    if (cuts[cuts.length - 1] !== q) cuts.push(q);
  }
  const lo = nums[0] as number;
  const hi = nums[nums.length - 1] as number;
  const bounds = [lo, ...cuts, hi];
  const label = (b: number): string => `${fmt(bounds[b] as number)}–${fmt(bounds[b + 1] as number)}`;
  return raw.map((v) => {
    if (v === '') return '';
    const x = Number(v);
    let b = 0;
    while (b < cuts.length && x >= (cuts[b] as number)) b++;
    return label(b);
  });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** Size of the intersection of two ascending index lists. */
export function intersectCount(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Looks a mention author up by handle: case-insensitive, with or without '@'. */
export function customerByHandle(base: CustomerBase, handle: string): number | undefined {
  return base.indexOfHandle.get(canonicalHandle(handle));
}
