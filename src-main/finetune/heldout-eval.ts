/**
 * A minimal retrieval evaluation for early stopping and the before/after figure: held-out queries
 * against the full corpus by exact cosine, binary relevance, cut-off 10. (The full MTEB-grade metrics
 * live in src-main/evaluate/; this one only has to rank adapter epochs consistently and fast.)
 *
 * nDCG@10 = Σ_{rank r ≤ 10, doc relevant} 1/log2(r+1) ÷ the same for the ideal ranking;
 * recall@10 = relevant docs found in the top 10 ÷ relevant docs; MRR@10 = 1/rank of the first relevant
 * doc in the top 10 (0 if none). Each is averaged over queries that have at least one relevant doc.
 */
import { EmbedMapError } from '../errors'
import { checkRows, topKByDot } from './linalg'

export interface HeldoutQueries {
  /** q × dims, L2-normalised. */
  queries: Float32Array
  /** Per query, the corpus rows that are relevant. */
  relevant: ReadonlyArray<ArrayLike<number>>
}

export interface RetrievalMetrics {
  ndcg10: number
  recall10: number
  mrr10: number
  /** Queries averaged over (those with at least one relevant doc). */
  queries: number
}

export type RetrievalMetricName = 'ndcg10' | 'recall10' | 'mrr10'

const K = 10

export function evaluateRetrieval(dims: number, corpus: Float32Array, heldout: HeldoutQueries): RetrievalMetrics {
  const q = checkRows('held-out queries', heldout.queries, dims)
  if (heldout.relevant.length !== q) throw new EmbedMapError('BAD_INPUT', `${q} held-out queries but ${heldout.relevant.length} relevance lists`)
  const top = topKByDot(heldout.queries, corpus, dims, K)
  let ndcg = 0
  let recall = 0
  let mrr = 0
  let counted = 0
  for (let i = 0; i < q; i++) {
    const rel = new Set(Array.from(heldout.relevant[i]))
    if (rel.size === 0) continue
    counted++
    let dcg = 0
    let found = 0
    let first = 0
    for (let r = 0; r < top.k; r++) {
      const doc = top.indices[i * top.k + r]
      if (doc < 0 || !rel.has(doc)) continue
      dcg += 1 / Math.log2(r + 2)
      found++
      if (!first) first = r + 1
    }
    let idcg = 0
    for (let r = 0; r < Math.min(K, rel.size); r++) idcg += 1 / Math.log2(r + 2)
    ndcg += dcg / idcg
    recall += found / rel.size
    mrr += first ? 1 / first : 0
  }
  const avg = (x: number) => (counted ? x / counted : 0)
  return { ndcg10: avg(ndcg), recall10: avg(recall), mrr10: avg(mrr), queries: counted }
}
