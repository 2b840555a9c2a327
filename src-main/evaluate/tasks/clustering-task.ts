/**
 * Clustering evaluation, mteb 2.x's AbsTaskClustering: k = number of distinct labels; 10 bootstrap
 * samples of 16,384 rows drawn *with replacement* by `random.Random(42).choices` (replayed exactly,
 * see learn/mt19937.ts — also when the data has fewer rows, as mteb does); sklearn-style mini-batch
 * k-means (batch 512, seed 42) on each sample; V-measure against the sample's labels. Main metric:
 * the mean V-measure (`v_measure`), with `v_measure_std` (population std, numpy's default).
 *
 * One deliberate difference: mteb's class default embeds only a 4 % subsample of large HF datasets
 * before bootstrapping (most tasks override it); a user's file is embedded in full.
 */
import { miniBatchKMeans } from '../learn/minibatch-kmeans'
import { pythonChoices, pythonRandom } from '../learn/mt19937'
import { vMeasure } from '../metrics/v-measure'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface ClusteringInput {
  rows: { text: string; label: string }[]
  embed: EmbedFn
  /** mteb: 10 runs of 16,384 samples, k-means batch 512, seed 42. */
  runs?: number
  sampleSize?: number
  batchSize?: number
  seed?: number
}

export interface ClusteringResult extends TaskResult {
  /** V-measure of each bootstrap run. */
  vMeasures: number[]
}

/** The bootstrap samples mteb draws (row indices), for `runs` runs of `size` rows. */
export function clusteringBootstrap(n: number, runs = 10, size = 16_384, seed = 42): Int32Array[] {
  const rng = pythonRandom(seed)
  return Array.from({ length: runs }, () => pythonChoices(rng, n, size))
}

export async function runClusteringTask(input: ClusteringInput): Promise<ClusteringResult> {
  const n = input.rows.length
  const X = await input.embed(
    input.rows.map((r) => r.text),
    'symmetric',
  )
  const d = rowWidth(X, n, 'vectors')
  const k = new Set(input.rows.map((r) => r.label)).size
  const seed = input.seed ?? 42
  const vMeasures: number[] = []
  for (const sample of clusteringBootstrap(n, input.runs ?? 10, input.sampleSize ?? 16_384, seed)) {
    const Xs = new Float32Array(sample.length * d)
    sample.forEach((row, i) => Xs.set(X.subarray(row * d, row * d + d), i * d))
    const assignment = miniBatchKMeans(Xs, d, { k, seed, batchSize: input.batchSize ?? 512 })
    vMeasures.push(
      vMeasure(
        Array.from(sample, (row) => input.rows[row].label),
        assignment,
      ).v_measure,
    )
  }
  const mean = vMeasures.reduce((a, b) => a + b, 0) / vMeasures.length
  const std = Math.sqrt(vMeasures.reduce((a, b) => a + (b - mean) ** 2, 0) / vMeasures.length)
  return { metrics: { v_measure: mean, v_measure_std: std }, mainMetric: 'v_measure', mainScore: mean, warnings: [], vMeasures }
}
