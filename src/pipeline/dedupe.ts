/**
 * Stage 2: retweets and near-duplicates of a complaint point at the first mention with the same
 * fingerprint (earlier in the batch, or already stored), so they join its case instead of opening more.
 */
import type { NormalizedMention } from './normalize.ts';

export interface KnownMention {
  mentionId: number | null;
  caseId: number | null;
}

export interface Deduped extends NormalizedMention {
  /** Index in the batch, or id of a stored mention, this one repeats. */
  duplicateOf: { batchIndex: number } | { mentionId: number; caseId: number | null } | null;
}

export function dedupe(batch: NormalizedMention[], stored: Map<string, KnownMention>): Deduped[] {
  const firstInBatch = new Map<string, number>();
  return batch.map((m, i) => {
    if (m.fingerprint === null) return { ...m, duplicateOf: null };
    const known = stored.get(m.fingerprint);
    if (known?.mentionId) return { ...m, duplicateOf: { mentionId: known.mentionId, caseId: known.caseId } };
    const earlier = firstInBatch.get(m.fingerprint);
    if (earlier !== undefined) return { ...m, duplicateOf: { batchIndex: earlier } };
    firstInBatch.set(m.fingerprint, i);
    return { ...m, duplicateOf: null };
  });
}
