import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Sentiment } from '../../src/domain/mention.ts';
import { loadRules, parseRules, RulesError, triage, watchRules, type RuleSet } from '../../src/triage/index.ts';

const negative: Sentiment = { label: 'negative', score: -0.6, reasons: [] };
const neutral: Sentiment = { label: 'neutral', score: 0, reasons: [] };
const positive: Sentiment = { label: 'positive', score: 0.7, reasons: [] };

function ruleSet(yaml: string): RuleSet {
  return { rules: parseRules(yaml, 'test.yaml'), files: ['test.yaml'], loadedAt: new Date() };
}

function errorOf(fn: () => unknown): RulesError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RulesError) return err;
    throw err;
  }
  throw new Error('expected a RulesError');
}

const RULES = `
rules:
  - id: billing
    when: { any: [refund*, charged twice], sentiment: [negative, neutral] }
    then: { category: billing, queue: billing-team }
  - id: outage
    when: { any: [not working, down] }
    then: { category: outage, priority: high, queue: tech }
  - id: reach
    when: { minFollowers: 10000 }
    then: { raise: 1 }
  - id: vip
    when: { customer: { tier: [gold] } }
    then: { raise: 1 }
  - id: retweets
    when: { retweet: true }
    then: { ignore: true }
  - id: own
    when: { authors: ['@AcmeHelp'] }
    then: { ignore: true }
`;

describe('rules validation', () => {
  it('names the file and line of an unknown key', () => {
    const err = errorOf(() =>
      parseRules('rules:\n  - id: a\n    when: { any: [x] }\n    then:\n      categry: billing\n', 'rules/x.yaml'),
    );
    expect(err.message).toMatch(/^rules\/x\.yaml:5: /);
    expect(err.message).toContain('categry');
    expect(err.line).toBe(5);
  });

  it('names the line of a bad priority, a bad regex and a bad sentiment', () => {
    expect(
      errorOf(() => parseRules('rules:\n  - id: a\n    when: { any: [x] }\n    then: { priority: asap }\n', 'p.yaml'))
        .message,
    ).toMatch(/^p\.yaml:4: .*priority/);
    expect(
      errorOf(() =>
        parseRules('rules:\n  - id: a\n    when:\n      regex: "(unclosed"\n    then: { ignore: true }\n', 'r.yaml'),
      ).message,
    ).toMatch(/^r\.yaml:4: .*bad regex/);
    expect(
      errorOf(() =>
        parseRules('rules:\n  - id: a\n    when:\n      sentiment: [angry]\n    then: { ignore: true }\n', 's.yaml'),
      ).message,
    ).toMatch(/^s\.yaml:4: .*angry/);
  });

  it('reports YAML syntax errors with their line', () => {
    const err = errorOf(() => parseRules('rules:\n  - id: a\n    when: { any: [x]\n', 'y.yaml'));
    expect(err.message).toMatch(/^y\.yaml:\d+: YAML syntax/);
  });

  it('refuses a rule without conditions or decisions', () => {
    expect(errorOf(() => parseRules('rules:\n  - id: a\n    then: { ignore: true }\n', 'w.yaml')).message).toMatch(
      /^w\.yaml:2: .*when/,
    );
  });

  it('refuses the same rule id in two files, naming both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-rules-'));
    writeFileSync(join(dir, 'a.yaml'), 'rules:\n  - id: dup\n    when: { any: [x] }\n    then: { ignore: true }\n');
    writeFileSync(
      join(dir, 'b.yaml'),
      '# second\nrules:\n  - id: dup\n    when: { any: [y] }\n    then: { ignore: true }\n',
    );
    await expect(loadRules(dir)).rejects.toThrow(/b\.yaml:3: .*"dup".*a\.yaml:2/);
  });

  it('accepts the shipped default rules', async () => {
    const rules = await loadRules(resolve(import.meta.dirname, '../../rules'));
    expect(rules.rules.length).toBeGreaterThan(5);
    expect(new Set(rules.rules.map((r) => r.then.category).filter(Boolean)).size).toBeGreaterThan(4);
  });

  it('files a lost connection under outage with the shipped rules', async () => {
    const rules = await loadRules(resolve(import.meta.dirname, '../../rules'));
    for (const text of [
      '3rd day without internet and nobody answers',
      'no wifi since this morning',
      'the app is not loading',
    ]) {
      expect(triage({ text }, negative, rules).category, text).toBe('outage');
    }
  });
});

describe('triage decisions', () => {
  const rules = ruleSet(RULES);

  it('lists the rules that fired and takes category and queue from the first', () => {
    const t = triage({ text: 'I was charged twice and want a refund, the app is not working' }, negative, rules);
    expect(t.rules).toEqual(['billing', 'outage']);
    expect(t.category).toBe('billing');
    expect(t.queue).toBe('billing-team');
    expect(t.priority).toBe('high');
    expect(t.actionable).toBe(true);
    expect(t.reasons.some((r) => r.startsWith('rule billing'))).toBe(true);
  });

  it('matches prefix keywords and whole words only', () => {
    expect(triage({ text: 'where is my refunded money' }, neutral, rules).rules).toContain('billing');
    expect(triage({ text: 'the downtown store' }, negative, rules).rules).not.toContain('outage');
  });

  it('raises priority for reach and customer value', () => {
    const base = triage({ text: 'charged twice' }, negative, rules);
    const big = triage({ text: 'charged twice', author: { followers: 50_000 } }, negative, rules);
    const vip = triage(
      { text: 'charged twice', author: { followers: 50_000 }, customer: { attributes: { tier: 'Gold' } } },
      negative,
      rules,
    );
    expect(base.priority).toBe('normal');
    expect(big.priority).toBe('high');
    expect(vip.priority).toBe('urgent');
    expect(vip.rules).toEqual(['billing', 'reach', 'vip']);
  });

  it("ignores retweets and the brand's own posts", () => {
    const rt = triage({ text: 'RT @someone: charged twice!' }, negative, rules);
    expect(rt.ignored).toBe(true);
    expect(rt.actionable).toBe(false);
    expect(rt.rules).toContain('retweets');
    expect(triage({ text: 'charged twice', isRetweet: true }, negative, rules).ignored).toBe(true);
    expect(triage({ text: 'we are sorry', author: { handle: 'acmehelp' } }, negative, rules).ignored).toBe(true);
  });

  it('leaves praise alone and answers questions', () => {
    const praise = triage({ text: 'love it' }, positive, rules);
    expect(praise.actionable).toBe(false);
    expect(praise.rules).toEqual([]);
    expect(triage({ text: 'when do you open?' }, neutral, rules).actionable).toBe(true);
  });
});

describe('watchRules', () => {
  it('reloads after a file changes and reports a broken edit without dropping the rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-watch-'));
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, 'rules:\n  - id: one\n    when: { any: [x] }\n    then: { ignore: true }\n');
    const reloads: RuleSet[] = [];
    const errors: unknown[] = [];
    let notify: () => void = () => {};
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    const stop = watchRules(
      dir,
      (r) => {
        reloads.push(r);
        notify();
      },
      (e) => {
        errors.push(e);
        notify();
      },
      20,
    );
    try {
      let wait = next();
      writeFileSync(file, 'rules:\n  - id: two\n    when: { any: [y] }\n    then: { ignore: true }\n');
      await wait;
      expect(reloads.at(-1)?.rules.map((r) => r.id)).toEqual(['two']);
      wait = next();
      writeFileSync(file, 'rules:\n  - id: three\n    when: { any: [y] }\n    then: { priority: whenever }\n');
      await wait;
      expect(String(errors.at(-1))).toMatch(/rules\.yaml:4/);
    } finally {
      stop();
    }
  });
});
