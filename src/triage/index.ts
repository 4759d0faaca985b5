/** Triage: from a mention, its sentiment and the team's rules (rules/*.yaml) to a decision. */
export { loadRules, listRuleFiles, parseRules, ruleSetOf, RulesError } from './load.ts';
export { previewRules, type RulePreview, type TriageSample } from './preview.ts';
export { watchRules } from './watch.ts';
export { triage } from './decide.ts';
export type { Rule, RuleSet, RuleThen, RuleWhen, TriageInput } from './types.ts';
