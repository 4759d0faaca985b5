/**
 * What a rules change would have decided: the same stored mentions triaged under the rules in force
 * and under the candidate, compared decision by decision, so an admin sees the effect before saving.
 */
import type { Sentiment, Triage } from '../domain/mention.ts';
import { triage } from './decide.ts';
import type { RuleSet, TriageInput } from './types.ts';

export interface TriageSample {
  mentionId: number;
  input: TriageInput;
  sentiment: Sentiment;
}

type Decision = Pick<Triage, 'actionable' | 'category' | 'priority' | 'queue' | 'ignored'>;

export interface RuleChange {
  mention_id: number;
  text: string;
  before: Decision;
  after: Decision;
  /** Rules that fired under the candidate. */
  rules: string[];
}

export interface RulePreview {
  checked: number;
  changed: number;
  /** How many mentions would newly become (or stop being) cases, ignored, or change category. */
  summary: {
    became_actionable: number;
    stopped_actionable: number;
    became_ignored: number;
    stopped_ignored: number;
    category_changed: number;
    priority_changed: number;
    queue_changed: number;
  };
  examples: RuleChange[];
}

const decision = (t: Triage): Decision => ({
  actionable: t.actionable,
  category: t.category,
  priority: t.priority,
  queue: t.queue,
  ignored: t.ignored,
});

export function previewRules(
  samples: TriageSample[],
  current: RuleSet,
  candidate: RuleSet,
  maxExamples = 25,
): RulePreview {
  const summary = {
    became_actionable: 0,
    stopped_actionable: 0,
    became_ignored: 0,
    stopped_ignored: 0,
    category_changed: 0,
    priority_changed: 0,
    queue_changed: 0,
  };
  const examples: RuleChange[] = [];
  let changed = 0;
  for (const s of samples) {
    const before = decision(triage(s.input, s.sentiment, current));
    const next = triage(s.input, s.sentiment, candidate);
    const after = decision(next);
    const diff = (Object.keys(before) as (keyof Decision)[]).filter((k) => before[k] !== after[k]);
    if (diff.length === 0) continue;
    changed++;
    if (!before.actionable && after.actionable) summary.became_actionable++;
    if (before.actionable && !after.actionable) summary.stopped_actionable++;
    if (!before.ignored && after.ignored) summary.became_ignored++;
    if (before.ignored && !after.ignored) summary.stopped_ignored++;
    if (before.category !== after.category) summary.category_changed++;
    if (before.priority !== after.priority) summary.priority_changed++;
    if (before.queue !== after.queue) summary.queue_changed++;
    if (examples.length < maxExamples)
      examples.push({ mention_id: s.mentionId, text: s.input.text, before, after, rules: next.rules });
  }
  return { checked: samples.length, changed, summary, examples };
}
