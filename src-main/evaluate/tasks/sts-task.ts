/**
 * STS evaluation, mteb 2.x's AbsTaskSTS: Spearman and Pearson between the gold score and the cosine of
 * the two texts' vectors (main: cosine_spearman), plus the Manhattan / Euclidean variants mteb reports.
 */
import { pearson, spearman } from '../metrics/correlation'
import { pairScores } from './pair-scores'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface StsInput {
  pairs: { a: string; b: string; score: number }[]
  embed: EmbedFn
}

export async function runStsTask(input: StsInput): Promise<TaskResult> {
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
  const gold = input.pairs.map((p) => p.score)
  const neg = (x: Float64Array) => x.map((v) => -v)
  const metrics = {
    cosine_spearman: spearman(gold, s.cosine),
    cosine_pearson: pearson(gold, s.cosine),
    manhattan_spearman: spearman(gold, neg(s.manhattan)),
    manhattan_pearson: pearson(gold, neg(s.manhattan)),
    euclidean_spearman: spearman(gold, neg(s.euclidean)),
    euclidean_pearson: pearson(gold, neg(s.euclidean)),
  }
  return { metrics, mainMetric: 'cosine_spearman', mainScore: metrics.cosine_spearman, warnings: [] }
}
