/** Pure compute modules for the map: kNN, UMAP, k-means, outliers, duplicates, cluster labels, search. */
export { type LongRunOptions, type Matrix, type ProgressFn, matrix, normalizeRows, seededRandom } from './common'
export { ANN_THRESHOLD, JS_THRESHOLD, type KnnMethod, type KnnOptions, type KnnResult, knn, knnQuery, recallAtK } from './knn'
export { UMAP_SAMPLE_SIZE, UMAP_SAMPLE_THRESHOLD, type UmapOptions, type UmapResult, trustworthiness, umap } from './umap'
export { type ChooseKOptions, type ChooseKResult, type KMeansOptions, type KMeansResult, adjustedRandIndex, chooseK, kmeans, silhouette } from './kmeans'
export {
  type AnomalyExplanation,
  type AnomalyMethod,
  type AnomalyOptions,
  type AnomalyReason,
  type AnomalyResult,
  type FlagRule,
  anomalies,
  lof,
  meanNeighborDistance,
  standardized,
} from './anomaly'
export { type TextSurprisalOptions, textSurprisal } from './text-surprisal'
export { type HdbscanOptions, type HdbscanResult, clusterCentroids, defaultMinClusterSize, hdbscan } from './hdbscan'
export { type DuplicateGroup, type DuplicateOptions, type DuplicateResult, duplicates, normalizeText } from './duplicates'
export { type ClusterKeywordOptions, type ClusterKeywords, clusterKeywords, exemplars, tokenize } from './labels'
export { type SearchOptions, type SearchResult, keywordFilter, searchTopK } from './search'
