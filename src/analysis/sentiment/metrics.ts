import type { SentimentLabel } from '../../domain/mention.ts';
import { SENTIMENT_LABELS } from './labels.ts';

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<SentimentLabel, ClassScores>;
}

/** Accuracy, per-class precision/recall/F1 and their unweighted (macro) mean, the metric the goals are stated in. */
export function evaluate(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): Evaluation {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  let correct = 0;
  const tp = { negative: 0, neutral: 0, positive: 0 };
  const predCount = { negative: 0, neutral: 0, positive: 0 };
  const goldCount = { negative: 0, neutral: 0, positive: 0 };
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i] as SentimentLabel;
    const p = predicted[i] as SentimentLabel;
    goldCount[g]++;
    predCount[p]++;
    if (g === p) {
      correct++;
      tp[g]++;
    }
  }
  const perClass = {} as Record<SentimentLabel, ClassScores>;
  let f1Sum = 0;
  for (const label of SENTIMENT_LABELS) {
    const precision = predCount[label] ? tp[label] / predCount[label] : 0;
    const recall = goldCount[label] ? tp[label] / goldCount[label] : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support: goldCount[label] };
    f1Sum += f1;
  }
  return {
    n: gold.length,
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: f1Sum / SENTIMENT_LABELS.length,
    perClass,
  };
}
