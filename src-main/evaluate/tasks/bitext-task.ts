/**
 * Bitext mining, mteb 2.x's AbsTaskBitextMining on two aligned columns (row i of one is the
 * translation of row i of the other): each source row's nearest target row by cosine is its
 * prediction; precision / recall / F1 are sklearn's support-weighted averages with zero_division 0,
 * accuracy the share of exact matches. mteb scores source → target only (main: f1); we add the
 * reverse direction (`reverse_*`) and cross-lingual retrieval nDCG@10 (`retrieval_ndcg_at_10`:
 * source rows as queries, target rows as the corpus, one relevant document each).
 */
import { averagedScores, accuracy } from '../metrics/classification-metrics'
import { exactTopK, normalizeRowsCopy, type TopK } from '../metrics/exact-search'
import { rowWidth, type EmbedFn, type TaskResult } from './types'

export interface BitextInput {
  pairs: { source: string; target: string }[]
  embed: EmbedFn
}

/** One direction's metrics from each source row's top hits among the targets (row i's translation is target i). */
export function directionMetrics(top: TopK, n: number): Record<string, number> {
  const gold = Array.from({ length: n }, (_, i) => i)
  const predicted = Array.from({ length: n }, (_, i) => top.indices[i * top.k])
  const w = averagedScores(gold, predicted, 'weighted')
  let ndcg = 0
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < Math.min(10, top.k); r++) {
      if (top.indices[i * top.k + r] === i) {
        ndcg += 1 / Math.log2(r + 2)
        break
      }
    }
  }
  return { precision: w.precision, recall: w.recall, f1: w.f1, accuracy: accuracy(gold, predicted), retrieval_ndcg_at_10: ndcg / n }
}

export async function runBitextTask(input: BitextInput): Promise<TaskResult> {
  const n = input.pairs.length
  const s = await input.embed(
    input.pairs.map((p) => p.source),
    'symmetric',
  )
  const t = await input.embed(
    input.pairs.map((p) => p.target),
    'symmetric',
  )
  const d = rowWidth(s, n, 'vectors')
  const S = normalizeRowsCopy(s, d)
  const T = normalizeRowsCopy(t, d)
  const forward = directionMetrics(exactTopK(S, T, d, 10), n)
  const reverse = directionMetrics(exactTopK(T, S, d, 10), n)
  const metrics: Record<string, number> = { ...forward }
  for (const [k, v] of Object.entries(reverse)) metrics[`reverse_${k}`] = v
  return { metrics, mainMetric: 'f1', mainScore: metrics.f1, warnings: [] }
}
