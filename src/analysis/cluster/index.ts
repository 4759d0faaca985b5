export {
  createClusterer,
  restoreClusterer,
  type Clusterer,
  type ClustererState,
  type ClustererStats,
} from './clusterer.ts';
export {
  BATCH_STRAGGLER_FLOOR,
  DEFAULT_OPTIONS,
  type Assignment,
  type ClusterInput,
  type ClusterSummary,
  type ClustererOptions,
} from './types.ts';
export { extractTerms, lightStem } from './normalize.ts';
export { agreement, type Agreement } from './metrics.ts';
