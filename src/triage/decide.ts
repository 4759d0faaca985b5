import { canonicalHandle, PRIORITIES, type Priority, type Sentiment, type Triage } from '../domain/mention.ts';
import { buildKeywordIndex, type KeywordIndex } from './match.ts';
import type { Rule, RuleSet, TriageInput } from './types.ts';

const RETWEET = /^RT @\w/;
const indexes = new WeakMap<RuleSet, KeywordIndex>();

function indexFor(rules: RuleSet): KeywordIndex {
  let index = indexes.get(rules);
  if (!index) {
    index = buildKeywordIndex(rules);
    indexes.set(rules, index);
  }
  return index;
}

/**
 * Decides what to do with a mention. Sentiment gives the starting point (a complaint needs an answer;
 * a question may; praise does not); then every rule whose conditions hold is applied in file order:
 * the first rule naming a category (or queue, or actionable) wins, priorities take the highest named,
 * "raise" steps add up (reach, customer value), and any "ignore" rule makes the mention noise.
 */
export function triage(input: TriageInput, sentiment: Sentiment, rules: RuleSet): Triage {
  const question = input.text.includes('?');
  let actionable: boolean | null = null;
  let baseActionable: boolean;
  let priority: Priority;
  const reasons: string[] = [];
  if (sentiment.label === 'negative') {
    baseActionable = true;
    priority = sentiment.score <= -0.75 ? 'high' : 'normal';
    reasons.push(`negative sentiment (${sentiment.score}) → needs an answer`);
  } else if (sentiment.label === 'neutral' && question) {
    baseActionable = true;
    priority = 'low';
    reasons.push('a question → may need an answer');
  } else {
    baseActionable = false;
    priority = 'low';
    reasons.push(`${sentiment.label} sentiment, no question → no answer needed`);
  }

  let category: string | null = null;
  let queue: string | null = null;
  let ignored = false;
  let raise = 0;
  const fired: string[] = [];
  const keywords = indexFor(rules).find(input.text);
  for (const rule of rules.rules) {
    if (!holds(rule, input, sentiment, keywords)) continue;
    fired.push(rule.id);
    const t = rule.then;
    const said: string[] = [];
    if (t.category && category === null) {
      category = t.category;
      said.push(`category ${t.category}`);
      if (t.queue && queue === null) queue = t.queue;
    }
    if (t.queue && queue === null) queue = t.queue;
    if (t.priority && rank(t.priority) > rank(priority)) {
      priority = t.priority;
      said.push(`priority ${t.priority}`);
    }
    if (t.raise) {
      raise += t.raise;
      said.push(`priority ${t.raise > 0 ? '+' : ''}${t.raise}`);
    }
    if (t.actionable !== undefined && actionable === null) {
      actionable = t.actionable;
      said.push(t.actionable ? 'actionable' : 'not actionable');
    }
    if (t.ignore) {
      ignored = true;
      said.push('ignore');
    }
    reasons.push(`rule ${rule.id}${said.length ? ': ' + said.join(', ') : ''}`);
  }

  if (ignored) {
    return {
      actionable: false,
      category: category ?? 'ignored',
      priority: 'low',
      queue: null,
      ignored,
      reasons,
      rules: fired,
    };
  }
  const isActionable = actionable ?? baseActionable;
  const finalPriority = isActionable ? shift(priority, raise) : 'low';
  return {
    actionable: isActionable,
    category: category ?? (sentiment.label === 'positive' ? 'praise' : isActionable ? 'general' : 'other'),
    priority: finalPriority,
    queue: isActionable ? queue : null,
    ignored: false,
    reasons,
    rules: fired,
  };
}

function holds(rule: Rule, input: TriageInput, sentiment: Sentiment, keywords: Set<string>): boolean {
  const w = rule.when;
  if (w.sentiment && !w.sentiment.includes(sentiment.label)) return false;
  if (w.source && !(input.source && w.source.includes(input.source.toLowerCase()))) return false;
  if (w.retweet !== undefined && w.retweet !== (input.isRetweet === true || RETWEET.test(input.text))) return false;
  if (w.minFollowers !== undefined && !((input.author?.followers ?? 0) >= w.minFollowers)) return false;
  if (w.authors && !(input.author?.handle && w.authors.includes(canonicalHandle(input.author.handle)))) return false;
  if (w.any && !w.any.some((k) => keywords.has(k))) return false;
  if (w.all && !w.all.every((k) => keywords.has(k))) return false;
  if (w.none && w.none.some((k) => keywords.has(k))) return false;
  if (w.customer) {
    const attrs = input.customer?.attributes;
    if (!attrs) return false;
    for (const [attr, accepted] of Object.entries(w.customer)) {
      const value = attrs[attr];
      if (value === undefined || !accepted.includes(value.toLowerCase())) return false;
    }
  }
  if (w.customerMin) {
    const attrs = input.customer?.attributes;
    if (!attrs) return false;
    for (const [attr, min] of Object.entries(w.customerMin)) {
      const value = Number(attrs[attr]);
      if (!Number.isFinite(value) || value < min) return false;
    }
  }
  if (w.regex && !w.regex.test(input.text)) return false;
  return true;
}

function rank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

function shift(p: Priority, steps: number): Priority {
  const i = Math.max(0, Math.min(PRIORITIES.length - 1, rank(p) + steps));
  return PRIORITIES[i] as Priority;
}
