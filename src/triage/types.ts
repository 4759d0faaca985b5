import type { Priority, SentimentLabel } from '../domain/mention.ts';

/** What triage needs to know about a mention besides its sentiment. */
export interface TriageInput {
  text: string;
  source?: string;
  /** followers is null or absent when the platform does not say. */
  author?: { handle?: string; followers?: number | null };
  isRetweet?: boolean;
  /** The linked customer, when known; attributes such as plan, tier or spend, as strings. */
  customer?: { attributes: Record<string, string> } | null;
}

/** Conditions of a rule; all given ones must hold. */
export interface RuleWhen {
  /** At least one of these words or phrases (whole words, case-insensitive). */
  any?: string[];
  /** Every one of these words or phrases. */
  all?: string[];
  /** None of these words or phrases. */
  none?: string[];
  /** A regular expression tested against the text (case-insensitive). */
  regex?: RegExp;
  sentiment?: SentimentLabel[];
  source?: string[];
  /** Author handles, canonical (no '@', lower case). */
  authors?: string[];
  retweet?: boolean;
  minFollowers?: number;
  /** Customer attribute → accepted values (case-insensitive). A rule with this never fires without a customer. */
  customer?: Record<string, string[]>;
  /** A numeric customer attribute at least this large (e.g. { spend: 1000 }). */
  customerMin?: Record<string, number>;
}

export interface RuleThen {
  category?: string;
  priority?: Priority;
  /** Raise the priority this many steps (reach, customer value). */
  raise?: number;
  queue?: string;
  actionable?: boolean;
  ignore?: boolean;
}

export interface Rule {
  id: string;
  description?: string;
  when: RuleWhen;
  then: RuleThen;
  /** Where it was defined, for messages. */
  file: string;
  line: number;
}

export interface RuleSet {
  rules: Rule[];
  /** The files read, in order. */
  files: string[];
  loadedAt: Date;
}
