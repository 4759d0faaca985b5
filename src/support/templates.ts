/**
 * Suggested replies: templates kept with the rules (rules/replies/*.yaml), offered by the case's
 * category, filled with the customer's name and the case's facts, and with the root-cause cluster's
 * solution once product has written one. The agent edits the text before sending it.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ownValue } from '../domain/own.ts';

export interface Template {
  id: string;
  title: string;
  /** Categories it is offered for; '*' for every case. */
  categories: string[];
  text: string;
  /** Per-channel wording (e.g. a DM on twitter, an e-mail address elsewhere). */
  bySource: Record<string, string>;
  /** Offered only once the case's cluster has a solution text. */
  needsSolution: boolean;
  /** Offered only when the case's cluster is on the public knowledge base ({kb_url}). */
  needsKbPage: boolean;
  file: string;
}

export interface CaseFacts {
  caseId: number;
  category: string;
  source: string;
  subject: string;
  handle: string;
  authorName: string | null;
  customerName: string | null;
  customerId: string | null;
  attributes: Record<string, string>;
  agent: string | null;
  solution: string | null;
  /** The absolute link to the cluster's public page, when it is published. */
  kbUrl?: string | null;
}

export interface Suggestion {
  id: string;
  title: string;
  text: string;
}

export class TemplateError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one file: `category` (or `categories`) and a list of `templates` with id, title and text. */
export function parseTemplates(text: string, file: string): Template[] {
  const doc: unknown = parse(text);
  if (doc === null || doc === undefined) return [];
  if (!isObj(doc) || !Array.isArray(doc.templates))
    throw new TemplateError(`${file}: expected a mapping with a "templates" list`);
  const fileCategories = Array.isArray(doc.categories)
    ? doc.categories.map(String)
    : typeof doc.category === 'string'
      ? [doc.category]
      : ['*'];
  return doc.templates.map((t, i) => {
    if (!isObj(t) || typeof t.id !== 'string' || typeof t.text !== 'string')
      throw new TemplateError(`${file}: templates[${i}] needs an "id" and a "text"`);
    const bySource = isObj(t.by_source)
      ? Object.fromEntries(Object.entries(t.by_source).map(([k, v]) => [k, String(v)]))
      : {};
    return {
      id: t.id,
      title: typeof t.title === 'string' ? t.title : t.id,
      categories: Array.isArray(t.categories) ? t.categories.map(String) : fileCategories,
      text: t.text,
      bySource,
      needsSolution: t.needs_solution === true || /\{solution\}/.test(t.text),
      needsKbPage: t.needs_kb_page === true || /\{kb_url\}/.test(t.text),
      file,
    };
  });
}

/** Every template of a folder, in file-name order; an absent folder has none. */
export function loadTemplates(dir: string): Template[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .filter((n) => /\.ya?ml$/i.test(n))
    .sort();
  const all = names.flatMap((n) => parseTemplates(readFileSync(join(dir, n), 'utf8'), join(dir, n)));
  const seen = new Set<string>();
  for (const t of all) {
    if (seen.has(t.id)) throw new TemplateError(`${t.file}: template id "${t.id}" is used twice`);
    seen.add(t.id);
  }
  return all;
}

/** Fills {placeholders}; a fact the case does not have (or an inherited name like {constructor}) becomes an empty string. */
export function fill(text: string, facts: CaseFacts): string {
  const firstName = (facts.customerName ?? facts.authorName ?? '').trim().split(/\s+/)[0] ?? '';
  const values: Record<string, string> = {
    name: facts.customerName ?? facts.authorName ?? `@${facts.handle}`,
    first_name: firstName || `@${facts.handle}`,
    handle: `@${facts.handle}`,
    case_id: String(facts.caseId),
    category: facts.category,
    subject: facts.subject,
    source: facts.source,
    agent: facts.agent ?? '',
    customer_id: facts.customerId ?? '',
    solution: facts.solution ?? '',
    kb_url: facts.kbUrl ?? '',
  };
  return text
    .replace(/\{(attr\.)?([\w-]+)\}/g, (_m, attr: string | undefined, key: string) =>
      String((attr ? ownValue(facts.attributes, key) : ownValue(values, key)) ?? ''),
    )
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** The templates that fit the case, filled: its category's first, then the standard ones. */
export function suggestReplies(templates: Template[], facts: CaseFacts): Suggestion[] {
  const fits = templates.filter(
    (t) =>
      (t.categories.includes(facts.category) || t.categories.includes('*')) &&
      (!t.needsSolution || Boolean(facts.solution)) &&
      (!t.needsKbPage || Boolean(facts.kbUrl)),
  );
  // The public page answers a known issue best: it comes first, then the case's category.
  fits.sort(
    (a, b) =>
      Number(b.needsKbPage) - Number(a.needsKbPage) ||
      Number(b.categories.includes(facts.category)) - Number(a.categories.includes(facts.category)),
  );
  return fits.map((t) => ({ id: t.id, title: t.title, text: fill(t.bySource[facts.source] ?? t.text, facts) }));
}
