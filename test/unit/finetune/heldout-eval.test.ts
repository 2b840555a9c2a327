import { describe, expect, it } from 'vitest'
import { evaluateRetrieval } from '../../../src-main/finetune/heldout-eval'
import { topKByDot } from '../../../src-main/finetune/linalg'

describe('evaluateRetrieval', () => {
  // Corpus: 12 one-hot-ish docs in 12 dims; a query's score for doc j is set by its weight on dim j.
  const d = 12
  const corpus = new Float32Array(d * d)
  for (let i = 0; i < d; i++) corpus[i * d + i] = 1
  const query = (weights: number[]) => {
    const q = new Float32Array(d)
    weights.forEach((w, j) => (q[j] = w))
    const n = Math.hypot(...q)
    return q.map((x) => x / n)
  }
  it('nDCG@10, recall@10 and MRR@10 with known answers', () => {
    // Query 0 ranks docs 0..11 by descending weight; its relevant docs are at ranks 2 and 11 (outside top 10).
    const q0 = query([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    // Query 1: relevant doc 3 at rank 1.
    const q1 = query([0, 0, 0, 5, 1])
    const queries = new Float32Array([...q0, ...q1])
    const m = evaluateRetrieval(d, corpus, { queries, relevant: [[1, 11], [3]] })
    const ndcg0 = 1 / Math.log2(3) / (1 + 1 / Math.log2(3))
    expect(m.ndcg10).toBeCloseTo((ndcg0 + 1) / 2, 10)
    expect(m.recall10).toBeCloseTo((0.5 + 1) / 2, 10)
    expect(m.mrr10).toBeCloseTo((1 / 2 + 1) / 2, 10)
    expect(m.queries).toBe(2)
  })
  it('queries without relevant docs are not averaged', () => {
    const m = evaluateRetrieval(d, corpus, { queries: new Float32Array([...query([1]), ...query([0, 1])]), relevant: [[0], []] })
    expect(m).toEqual({ ndcg10: 1, recall10: 1, mrr10: 1, queries: 1 })
  })
  it('exact top-k breaks ties by lower index and pads with −1', () => {
    const t = topKByDot(new Float32Array([1, 0]), new Float32Array([0.5, 0, 0.5, 0, 1, 0]), 2, 5)
    expect(Array.from(t.indices)).toEqual([2, 0, 1, -1, -1])
  })
})
