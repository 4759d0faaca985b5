import type { SentimentLabel } from '../../domain/mention.ts';

export const SENTIMENT_LABELS: readonly SentimentLabel[] = ['negative', 'neutral', 'positive'];

export function isSentimentLabel(value: unknown): value is SentimentLabel {
  return value === 'negative' || value === 'neutral' || value === 'positive';
}
