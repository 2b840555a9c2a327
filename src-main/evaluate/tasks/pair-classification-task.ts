/**
 * Pair classification, mteb 2.x's AbsTaskPairClassification: for cosine, dot, Manhattan and Euclidean
 * scores, best accuracy, best F1 (with its precision, recall and threshold) and average precision;
 * `max_*` is the best over the scoring functions, and max_ap is the main metric.
 */
import { pairMetrics } from '../metrics/pair-classification'
import { pairScores } from './pair-scores'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface PairClassificationInput {
  /** label: 1 = same meaning / duplicate, 0 = not. */
  pairs: { a: string; b: string; label: 0 | 1 }[]
  embed: EmbedFn
}

export async function runPairClassificationTask(input: PairClassificationInput): Promise<TaskResult> {
  const a = await input.embed(
    input.pairs.map((p) => p.a),
    'symmetric',
  )
  const b = await input.embed(
    input.pairs.map((p) => p.b),
    'symmetric',
  )
  const d = rowWidth(a, input.pairs.length, 'vectors')
  const s = pairScores(a, b, d)
  const labels = input.pairs.map((p) => p.label)
  const metrics: Record<string, number> = {}
  const functions: [string, Float64Array, boolean][] = [
    ['cosine', s.cosine, true],
    ['manhattan', s.manhattan, false],
    ['euclidean', s.euclidean, false],
    ['dot', s.dot, true],
  ]
  for (const [name, scores, higherIsPositive] of functions) {
    for (const [k, v] of Object.entries(pairMetrics(scores, labels, higherIsPositive))) metrics[`${name}_${k}`] = v
  }
  for (const m of ['accuracy', 'f1', 'precision', 'recall', 'ap']) metrics[`max_${m}`] = Math.max(...functions.map(([name]) => metrics[`${name}_${m}`]))
  return { metrics, mainMetric: 'max_ap', mainScore: metrics.max_ap, warnings: [] }
}
