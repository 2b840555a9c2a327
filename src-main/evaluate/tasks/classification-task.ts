/**
 * Classification evaluation, mteb 2.x's AbsTaskClassification: `n_experiments` (10) times, undersample
 * the training split to `samples_per_label` (8) rows per label — the index list is reshuffled by a
 * fresh `np.random.RandomState(42)` before each experiment, cumulatively, replayed exactly here — fit
 * logistic regression (lbfgs, C 1, max_iter 100) on their vectors, predict the test split, and average
 * accuracy (main), macro/weighted F1, precision and recall over the experiments.
 *
 * Without a test split mteb's cross-validation mode is used: KFold(5, shuffle, seed 42), undersampling
 * each fold's training part the same way.
 */
import { classificationScores, type ClassificationScores } from '../metrics/classification-metrics'
import { fitLogisticRegression, predictLogisticRegression } from '../learn/logistic-regression'
import { MT19937, numpyLegacyShuffle } from '../learn/mt19937'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface ClassificationInput {
  train: { text: string; label: string }[]
  test?: { text: string; label: string }[]
  embed: EmbedFn
  nExperiments?: number
  samplesPerLabel?: number
  seed?: number
  maxIter?: number
}

export interface ClassificationResult extends TaskResult {
  perExperiment: ClassificationScores[]
}

/** mteb's `_undersample_data`: reshuffles `order` in place with RandomState(seed), keeps the first `perLabel` rows of each label. */
export function undersample(order: number[], labels: readonly string[], perLabel: number, seed: number): number[] {
  numpyLegacyShuffle(MT19937.fromInt(seed), order)
  const counts = new Map<string, number>()
  const picked: number[] = []
  for (const i of order) {
    const c = counts.get(labels[i]) ?? 0
    if (c < perLabel) {
      picked.push(i)
      counts.set(labels[i], c + 1)
    }
  }
  return picked
}

/** sklearn KFold(n_splits, shuffle=True, random_state=seed): test folds of a legacy-shuffled arange. */
export function kFoldSplits(n: number, folds: number, seed: number): { train: number[]; test: number[] }[] {
  const perm = Array.from({ length: n }, (_, i) => i)
  numpyLegacyShuffle(MT19937.fromInt(seed), perm)
  const out: { train: number[]; test: number[] }[] = []
  let start = 0
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0)
    const test = perm.slice(start, start + size)
    const inTest = new Set(test)
    out.push({ train: Array.from({ length: n }, (_, i) => i).filter((i) => !inTest.has(i)), test })
    start += size
  }
  return out
}

function rows(X: Float32Array, d: number, idx: readonly number[]): Float32Array {
  const out = new Float32Array(idx.length * d)
  idx.forEach((r, i) => out.set(X.subarray(r * d, r * d + d), i * d))
  return out
}

export async function runClassificationTask(input: ClassificationInput): Promise<ClassificationResult> {
  const seed = input.seed ?? 42
  const perLabel = input.samplesPerLabel ?? 8
  const trainX = await input.embed(
    input.train.map((r) => r.text),
    'symmetric',
  )
  const d = rowWidth(trainX, input.train.length, 'vectors')
  const trainLabels = input.train.map((r) => r.label)
  const experiments: { trainIdx: number[]; testX: Float32Array; testLabels: string[] }[] = []
  if (input.test) {
    const testX = await input.embed(
      input.test.map((r) => r.text),
      'symmetric',
    )
    const testLabels = input.test.map((r) => r.label)
    const order = trainLabels.map((_, i) => i)
    for (let e = 0; e < (input.nExperiments ?? 10); e++) experiments.push({ trainIdx: undersample(order, trainLabels, perLabel, seed), testX, testLabels })
  } else {
    let order: number[] | null = null
    for (const fold of kFoldSplits(input.train.length, 5, seed)) {
      const foldLabels = fold.train.map((i) => trainLabels[i])
      if (!order || order.length !== fold.train.length) order = fold.train.map((_, i) => i)
      const picked = undersample(order, foldLabels, perLabel, seed).map((p) => fold.train[p])
      experiments.push({ trainIdx: picked, testX: rows(trainX, d, fold.test), testLabels: fold.test.map((i) => trainLabels[i]) })
    }
  }
  const perExperiment = experiments.map(({ trainIdx, testX, testLabels }) => {
    const model = fitLogisticRegression(
      rows(trainX, d, trainIdx),
      d,
      trainIdx.map((i) => trainLabels[i]),
      { maxIter: input.maxIter ?? 100 },
    )
    return classificationScores(testLabels, predictLogisticRegression(model, testX).map(String))
  })
  const metrics: Record<string, number> = {}
  for (const key of Object.keys(perExperiment[0] ?? {}) as (keyof ClassificationScores)[])
    metrics[key] = perExperiment.reduce((a, s) => a + s[key], 0) / perExperiment.length
  return { metrics, mainMetric: 'accuracy', mainScore: metrics.accuracy, warnings: [], perExperiment }
}
