/** The knowledge base's pages as data: one per published cluster, built from the database, anonymised. */
import type { Queryable } from '../storage/db.ts';
import { complainantIds, customerBase } from '../clusters/profile.ts';
import { profileComplainants } from '../analysis/profile/index.ts';
import { paraphraseSymptoms, redactText, type Redactions } from './anonymise.ts';
import {
  complaintTexts,
  publishedCluster,
  publishedClusters,
  rareValues,
  redactionsFor,
  type PublishedCluster,
} from './store.ts';

export interface KbPage {
  id: number;
  /** Path under the site root, e.g. /kb/issues/12. */
  path: string;
  title: string;
  /** One line for the index and the meta description. */
  summary: string;
  status: { code: string; text: string };
  symptoms: string[];
  /** Who is affected, in product terms ("model X200 with firmware 4.1"); only values ≥ k customers hold. */
  affected: string[];
  solution: string[];
  reports: number;
  first_seen: string | null;
  last_seen: string | null;
  published_at: string;
  updated_at: string;
}

export const issuePath = (id: number) => `/kb/issues/${id}`;

const STATUS: Record<string, string> = {
  new: 'Investigating',
  confirmed: 'Confirmed: a fix is on its way',
  fixed: 'Fixed',
  dismissed: 'Closed',
};

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);

export async function buildPage(db: Queryable, c: PublishedCluster, k: number): Promise<KbPage> {
  const redactions: Redactions = await redactionsFor(db, c.id, k);
  const symptoms = paraphraseSymptoms(await complaintTexts(db, c.id, c.representatives), redactions);
  // The profile only (not the at-risk ranking, which scores every customer).
  const base = await customerBase(db);
  const complainants = (await complainantIds(db, c.id))
    .map((id) => base.indexOfId.get(id))
    .filter((i): i is number => i !== undefined);
  // Only values at least k customers hold; a single value already said by a pair above it adds nothing.
  const said = new Set<string>();
  const affected = profileComplainants(base, complainants)
    .filter((i) => i.baseCount >= k && i.count >= 1)
    .filter((i) => {
      const parts = i.columns.map((col, j) => `${col}=${i.values[j]}`);
      const fresh = parts.some((p) => !said.has(p));
      for (const p of parts) said.add(p);
      return fresh;
    })
    .slice(0, 3)
    .map((i) => i.columns.map((col, j) => `${col.replace(/_/g, ' ')} ${i.values[j] ?? ''}`).join(' with '))
    .map((t) => redactText(t, { names: [], rareValues: redactions.rareValues }));
  const solution = paragraphs(redactText(c.solution, { names: [], rareValues: redactions.rareValues }));
  const title = redactText(c.name?.trim() || `Known issue: ${c.label.slice(0, 4).join(', ')}`, redactions);
  return {
    id: c.id,
    path: issuePath(c.id),
    title,
    summary: solution[0] ? (solution[0].length > 200 ? `${solution[0].slice(0, 197)}…` : solution[0]) : title,
    status: { code: c.status, text: STATUS[c.status] ?? c.status },
    symptoms,
    affected,
    solution,
    reports: c.size,
    first_seen: c.first_seen?.toISOString() ?? null,
    last_seen: c.last_seen?.toISOString() ?? null,
    published_at: c.published_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

/**
 * Built pages for a short while, keyed by what changes them (the cluster row, its size, k, the customer
 * records): every view
 * still reads which clusters are published, so unpublishing takes effect at once; only the retold
 * symptoms and the profile of a page still published may be up to a minute old.
 */
const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; page: KbPage }>();

/** Changes whenever a customer is added or updated: what is rare (under k) may have changed. */
async function customersVersion(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ n: string; at: Date | null }>(
    'SELECT count(*) AS n, max(updated_at) AS at FROM customers',
  );
  return `${rows[0]?.n}/${rows[0]?.at?.toISOString() ?? ''}`;
}

async function cachedPage(db: Queryable, c: PublishedCluster, k: number, customers: string): Promise<KbPage> {
  const key = `${c.id}/${c.updated_at.toISOString()}/${c.size}/${c.status}/${c.name ?? ''}/${c.solution.length}/${k}/${customers}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.page;
  const page = await buildPage(db, c, k);
  if (cache.size > 1000) cache.clear();
  cache.set(key, { at: Date.now(), page });
  return page;
}

export async function allPages(db: Queryable, k: number): Promise<KbPage[]> {
  const pages: KbPage[] = [];
  const customers = await customersVersion(db);
  for (const c of await publishedClusters(db)) pages.push(await cachedPage(db, c, k, customers));
  return pages;
}

export async function onePage(db: Queryable, id: number, k: number): Promise<KbPage | 'gone' | null> {
  const found = await publishedCluster(db, id);
  if (found.kind === 'gone') return 'gone';
  if (found.kind === 'none') return null;
  return cachedPage(db, found.cluster, k, await customersVersion(db));
}

/** Pages holding every word of the query (title, symptoms, who is affected, the fix). */
export function searchPages(pages: readonly KbPage[], q: string): KbPage[] {
  const terms = q
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 20);
  if (terms.length === 0) return [...pages];
  return pages.filter((p) => {
    const hay = [p.title, p.summary, ...p.symptoms, ...p.affected, ...p.solution, p.status.text]
      .join(' ')
      .toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}

export { rareValues };
