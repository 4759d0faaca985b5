import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { canonicalHandle, PRIORITIES, type Priority } from '../domain/mention.ts';
import { isSentimentLabel } from '../analysis/sentiment/labels.ts';
import type { Rule, RuleSet, RuleThen, RuleWhen } from './types.ts';
import { checkRegex } from './safe-regex.ts';

/** A rules file is wrong; the message starts with file:line so an editor can jump there. */
export class RulesError extends Error {
  override name = 'RulesError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

const RULE_FILE = /\.ya?ml$/i;
const WHEN_KEYS = new Set([
  'any',
  'all',
  'none',
  'regex',
  'sentiment',
  'source',
  'authors',
  'retweet',
  'minFollowers',
  'customer',
  'customerMin',
]);
const THEN_KEYS = new Set(['category', 'priority', 'raise', 'queue', 'actionable', 'ignore']);
const RULE_KEYS = new Set(['id', 'description', 'when', 'then']);
const ID = /^[a-z0-9][a-z0-9._-]*$/;

/** Reads every *.yaml / *.yml file of a directory (in name order) and validates it. */
export async function loadRules(dir: string): Promise<RuleSet> {
  const names = (await listRuleFiles(dir)).sort();
  return ruleSetOf(
    await Promise.all(
      names.map(async (name) => ({ file: join(dir, name), source: await readFile(join(dir, name), 'utf8') })),
    ),
  );
}

/** The rule file names of a directory (no paths). */
export async function listRuleFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => RULE_FILE.test(n)).sort();
}

/** Validates a set of rule files given as text, in order: one RuleSet, or a RulesError naming file:line. */
export function ruleSetOf(sources: { file: string; source: string }[]): RuleSet {
  const rules: Rule[] = [];
  const seen = new Map<string, Rule>();
  for (const { file, source } of sources) {
    for (const rule of parseRules(source, file)) {
      const earlier = seen.get(rule.id);
      if (earlier)
        throw new RulesError(
          file,
          rule.line,
          `rule id "${rule.id}" is already used at ${basename(earlier.file)}:${earlier.line}`,
        );
      seen.set(rule.id, rule);
      rules.push(rule);
    }
  }
  return { rules, files: sources.map((s) => s.file), loadedAt: new Date() };
}

/** Parses one rules file's text. `file` is only used in messages. */
export function parseRules(source: string, file: string): Rule[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const lineOf = (node: YamlNode | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0]?.line ?? lineCounter.linePos(firstError.pos[0]).line;
    throw new RulesError(file, line, `YAML syntax: ${firstError.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) throw new RulesError(file, lineOf(root), 'expected a mapping with a "rules:" list');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'rules')
      throw new RulesError(
        file,
        lineOf(pair.key as YamlNode),
        `unknown top-level key "${key}" (only "rules" is allowed)`,
      );
  }
  const list = root.get('rules', true) as YamlNode | undefined;
  if (list === undefined || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) throw new RulesError(file, lineOf(list), '"rules" must be a list');
  return list.items.map((item) => parseRule(item as YamlNode, file, lineOf));
}

type LineOf = (node: YamlNode | null | undefined) => number;

function parseRule(node: YamlNode, file: string, lineOf: LineOf): Rule {
  const line = lineOf(node);
  if (!isMap(node)) throw new RulesError(file, line, 'each rule must be a mapping with id, when and then');
  const fail = (at: YamlNode | null | undefined, msg: string): never => {
    throw new RulesError(file, at ? lineOf(at) : line, msg);
  };
  checkKeys(node, RULE_KEYS, 'rule', fail);
  const idNode = node.get('id', true) as YamlNode | undefined;
  const id = isScalar(idNode) ? idNode.value : undefined;
  if (typeof id !== 'string' || !ID.test(id)) {
    fail(idNode, 'rule needs an "id": lower-case letters, digits, ".", "_" or "-"');
  }
  const ruleId = id as string;
  const inRule = (at: YamlNode | null | undefined, msg: string): never => fail(at, `rule "${ruleId}": ${msg}`);
  const description = node.get('description');
  if (description !== undefined && typeof description !== 'string')
    inRule(node.get('description', true) as YamlNode, '"description" must be text');

  const whenNode = node.get('when', true) as YamlNode | undefined;
  const thenNode = node.get('then', true) as YamlNode | undefined;
  if (!isMap(whenNode)) return inRule(whenNode ?? node, 'needs a "when:" mapping of conditions');
  if (!isMap(thenNode)) return inRule(thenNode ?? node, 'needs a "then:" mapping of decisions');
  checkKeys(whenNode, WHEN_KEYS, `rule "${ruleId}" when`, fail);
  checkKeys(thenNode, THEN_KEYS, `rule "${ruleId}" then`, fail);
  const when = parseWhen(whenNode, inRule);
  const then = parseThen(thenNode, inRule);
  if (Object.keys(when).length === 0) inRule(whenNode, '"when" has no conditions');
  if (Object.keys(then).length === 0) inRule(thenNode, '"then" decides nothing');
  return { id: ruleId, ...(typeof description === 'string' ? { description } : {}), when, then, file, line };
}

type Fail = (at: YamlNode | null | undefined, msg: string) => never;

function checkKeys(map: YAMLMap, allowed: Set<string>, what: string, fail: Fail): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!allowed.has(key))
      fail(pair.key as YamlNode, `${what}: unknown key "${key}" (allowed: ${[...allowed].join(', ')})`);
  }
}

function parseWhen(map: YAMLMap, fail: Fail): RuleWhen {
  const when: RuleWhen = {};
  const node = (key: string): YamlNode => map.get(key, true) as YamlNode;
  const strings = (key: string): string[] | undefined => {
    const value = map.get(key);
    if (value === undefined) return undefined;
    const list = isSeq(value) ? value.toJSON() : [isScalar(value) ? value.value : value];
    if (!Array.isArray(list) || list.length === 0 || !list.every((s) => typeof s === 'string' && s.trim() !== '')) {
      return fail(node(key), `"${key}" must be a word/phrase or a non-empty list of them`);
    }
    return (list as string[]).map((s) => s.trim().toLowerCase());
  };
  const any = strings('any');
  const all = strings('all');
  const none = strings('none');
  const source = strings('source');
  const authors = strings('authors');
  if (any) when.any = any;
  if (all) when.all = all;
  if (none) when.none = none;
  if (source) when.source = source;
  if (authors) when.authors = authors.map(canonicalHandle);
  const regex = map.get('regex');
  if (regex !== undefined) {
    if (typeof regex !== 'string') return fail(node('regex'), '"regex" must be a string');
    try {
      when.regex = new RegExp(regex, 'iu');
    } catch (err) {
      return fail(node('regex'), `bad regex: ${(err as Error).message}`);
    }
    const verdict = checkRegex(when.regex);
    if (!verdict.ok) return fail(node('regex'), `unsafe regex: ${verdict.reason}`);
  }
  const sentiment = strings('sentiment');
  if (sentiment) {
    const bad = sentiment.find((s) => !isSentimentLabel(s));
    if (bad !== undefined) return fail(node('sentiment'), `sentiment "${bad}" is not negative, neutral or positive`);
    when.sentiment = sentiment as RuleWhen['sentiment'];
  }
  const retweet = map.get('retweet');
  if (retweet !== undefined) {
    if (typeof retweet !== 'boolean') return fail(node('retweet'), '"retweet" must be true or false');
    when.retweet = retweet;
  }
  const minFollowers = map.get('minFollowers');
  if (minFollowers !== undefined) {
    if (typeof minFollowers !== 'number' || minFollowers < 0)
      return fail(node('minFollowers'), '"minFollowers" must be a number ≥ 0');
    when.minFollowers = minFollowers;
  }
  const customer = map.get('customer', true) as YamlNode | undefined;
  if (customer !== undefined) {
    if (!isMap(customer)) return fail(customer, '"customer" must map attribute names to accepted values');
    const json = customer.toJSON() as Record<string, unknown>;
    when.customer = {};
    for (const [attr, v] of Object.entries(json)) {
      const values = Array.isArray(v) ? v : [v];
      if (!values.every((x) => typeof x === 'string' || typeof x === 'number'))
        return fail(customer, `customer.${attr} must be a value or a list of values`);
      when.customer[attr] = values.map((x) => String(x).toLowerCase());
    }
  }
  const customerMin = map.get('customerMin', true) as YamlNode | undefined;
  if (customerMin !== undefined) {
    if (!isMap(customerMin)) return fail(customerMin, '"customerMin" must map attribute names to numbers');
    const json = customerMin.toJSON() as Record<string, unknown>;
    when.customerMin = {};
    for (const [attr, v] of Object.entries(json)) {
      if (typeof v !== 'number') return fail(customerMin, `customerMin.${attr} must be a number`);
      when.customerMin[attr] = v;
    }
  }
  return when;
}

function parseThen(map: YAMLMap, fail: Fail): RuleThen {
  const then: RuleThen = {};
  const node = (key: string): YamlNode => map.get(key, true) as YamlNode;
  const text = (key: string): string | undefined => {
    const v = map.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(node(key), `"${key}" must be a non-empty string`);
    return v.trim();
  };
  const category = text('category');
  const queue = text('queue');
  if (category) then.category = category;
  if (queue) then.queue = queue;
  const priority = map.get('priority');
  if (priority !== undefined) {
    if (!PRIORITIES.includes(priority as Priority))
      return fail(node('priority'), `priority must be one of ${PRIORITIES.join(', ')}`);
    then.priority = priority as Priority;
  }
  const raise = map.get('raise');
  if (raise !== undefined) {
    if (!Number.isInteger(raise) || (raise as number) < -3 || (raise as number) > 3)
      return fail(node('raise'), '"raise" must be a whole number from -3 to 3');
    then.raise = raise as number;
  }
  for (const key of ['actionable', 'ignore'] as const) {
    const v = map.get(key);
    if (v === undefined) continue;
    if (typeof v !== 'boolean') return fail(node(key), `"${key}" must be true or false`);
    then[key] = v;
  }
  return then;
}
