/**
 * Exact cosine top-k of queries against a corpus, for retrieval and bitext mining.
 *
 * Why not the ANN / onnxruntime kNN of src-main/analyze: evaluation must be exact and must break ties
 * the way the metric's reference does (trec_eval: equal scores → document id descending), including at
 * the k-th place, so every candidate goes through one bounded heap with that order. The dot products
 * reuse analyze's register-blocked tile kernel. Rows are assumed L2-normalized (cosine = dot); use
 * `normalizeRowsCopy` first when they may not be.
 */
import { dotTileAB } from '../../analyze/knn'

export interface TopK {
  /** q × k corpus row indices, best first (-1 past the end when the corpus has fewer than k rows). */
  indices: Int32Array
  scores: Float32Array
  k: number
}

/** Returns a copy with every row scaled to unit length (zero rows stay zero). */
export function normalizeRowsCopy(data: Float32Array, d: number): Float32Array {
  const out = new Float32Array(data.length)
  for (let i = 0; i < data.length; i += d) {
    let s = 0
    for (let j = 0; j < d; j++) s += data[i + j] * data[i + j]
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0
    for (let j = 0; j < d; j++) out[i + j] = data[i + j] * inv
  }
  return out
}

/**
 * Top k corpus rows per query by dot product. `tieRank[j]` orders equal scores: the larger wins
 * (pass each document's rank in descending-id order to get trec_eval's tie-break); default: lower row wins.
 */
export function exactTopK(queries: Float32Array, corpus: Float32Array, d: number, k: number, tieRank?: Int32Array): TopK {
  const nq = queries.length / d
  const nc = corpus.length / d
  const K = Math.max(0, Math.min(k, nc))
  const indices = new Int32Array(nq * K).fill(-1)
  const scores = new Float32Array(nq * K)
  const tie = tieRank ?? Int32Array.from({ length: nc }, (_, j) => nc - j)
  const QB = 32
  const CB = 1024
  const tile = new Float32Array(QB * CB)
  const heapS = new Float64Array(QB * K)
  const heapI = new Int32Array(QB * K)
  const size = new Int32Array(QB)
  // "a worse than b": lower score, or equal score and lower tie rank.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && tie[ia] < tie[ib])
  for (let i0 = 0; i0 < nq; i0 += QB) {
    const i1 = Math.min(nq, i0 + QB)
    size.fill(0)
    for (let j0 = 0; j0 < nc; j0 += CB) {
      const j1 = Math.min(nc, j0 + CB)
      dotTileAB(queries, i0, i1, corpus, j0, j1, d, tile)
      const w = j1 - j0
      for (let q = 0; q < i1 - i0; q++) {
        const base = q * K
        for (let j = j0; j < j1; j++) {
          const s = tile[q * w + j - j0]
          let n = size[q]
          if (n < K) {
            // sift up in a min-heap keyed by "worse"
            let c = n++
            size[q] = n
            while (c > 0) {
              const p = (c - 1) >> 1
              if (!worse(s, j, heapS[base + p], heapI[base + p])) break
              heapS[base + c] = heapS[base + p]
              heapI[base + c] = heapI[base + p]
              c = p
            }
            heapS[base + c] = s
            heapI[base + c] = j
          } else if (K > 0 && worse(heapS[base], heapI[base], s, j)) {
            let c = 0
            for (;;) {
              const l = 2 * c + 1
              if (l >= n) break
              const r = l + 1
              const m = r < n && worse(heapS[base + r], heapI[base + r], heapS[base + l], heapI[base + l]) ? r : l
              if (!worse(heapS[base + m], heapI[base + m], s, j)) break
              heapS[base + c] = heapS[base + m]
              heapI[base + c] = heapI[base + m]
              c = m
            }
            heapS[base + c] = s
            heapI[base + c] = j
          }
        }
      }
    }
    for (let q = 0; q < i1 - i0; q++) {
      const n = size[q]
      const order = Array.from({ length: n }, (_, t) => t).sort((a, b) =>
        worse(heapS[q * K + a], heapI[q * K + a], heapS[q * K + b], heapI[q * K + b]) ? 1 : -1,
      )
      const row = (i0 + q) * K
      order.forEach((t, r) => {
        indices[row + r] = heapI[q * K + t]
        scores[row + r] = heapS[q * K + t]
      })
    }
  }
  return { indices, scores, k: K }
}
