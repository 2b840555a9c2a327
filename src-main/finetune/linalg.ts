/**
 * The few dense-vector kernels fine-tuning needs, on row-major Float32Arrays. Kept here (not imported
 * from analyze/) so the finetune modules stay pure and usable from a worker thread without onnxruntime.
 * Accumulation is in float64 locals: the loss-parity tests compare to PyTorch at 1e-5.
 */
import { EmbedMapError } from '../errors'

export function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0
  for (let k = 0; k < d; k++) s += a[ai + k] * b[bi + k]
  return s
}

/** Rows scaled to unit length (a zero row stays zero, like F.normalize with its eps). */
export function normalizeRows(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length)
  for (let o = 0; o < x.length; o += d) {
    const n = Math.sqrt(dot(x, o, x, o, d))
    const inv = 1 / Math.max(n, 1e-12)
    for (let k = 0; k < d; k++) out[o + k] = x[o + k] * inv
  }
  return out
}

export function checkRows(name: string, x: Float32Array, d: number): number {
  if (!Number.isInteger(d) || d <= 0 || x.length % d !== 0) {
    throw new EmbedMapError('BAD_INPUT', `${name}: ${x.length} values are not rows of ${d} dims`)
  }
  return x.length / d
}

export interface TopK {
  /** rows × k candidate indices, best first (−1 where fewer than k candidates exist). */
  indices: Int32Array
  /** rows × k scores (dot products), descending (−Infinity where index is −1). */
  scores: Float32Array
  k: number
}

/**
 * Exact top-k by dot product of every query row against every corpus row. Why blocked: a tile of
 * 64 queries × 256 corpus rows keeps both in cache while all 64×256 dots are formed, which is what
 * makes a 100k-row corpus feasible in plain JS. Ties keep the lower corpus index first (stable, like
 * a sort by (−score, index)).
 */
export function topKByDot(queries: Float32Array, corpus: Float32Array, d: number, k: number): TopK {
  const nq = checkRows('queries', queries, d)
  const nc = checkRows('corpus', corpus, d)
  const kk = Math.max(0, Math.floor(k))
  const indices = new Int32Array(nq * kk).fill(-1)
  const scores = new Float32Array(nq * kk).fill(-Infinity)
  if (kk === 0) return { indices, scores, k: kk }
  const QB = 64
  const CB = 256
  const tile = new Float64Array(QB * CB)
  // Per query a bounded insertion list (k is small: tens to a few hundred).
  const sizes = new Int32Array(nq)
  const heapS = new Float64Array(nq * kk)
  for (let q0 = 0; q0 < nq; q0 += QB) {
    const q1 = Math.min(nq, q0 + QB)
    for (let c0 = 0; c0 < nc; c0 += CB) {
      const c1 = Math.min(nc, c0 + CB)
      for (let q = q0; q < q1; q++) {
        const qo = q * d
        const to = (q - q0) * CB
        for (let c = c0; c < c1; c++) tile[to + c - c0] = dot(queries, qo, corpus, c * d, d)
      }
      for (let q = q0; q < q1; q++) {
        const to = (q - q0) * CB
        const base = q * kk
        for (let c = c0; c < c1; c++) {
          const s = tile[to + c - c0]
          const size = sizes[q]
          if (size === kk && s <= heapS[base + kk - 1]) continue
          // Insert keeping descending order; equal scores go after existing (lower index first).
          let pos = size < kk ? size : kk - 1
          while (pos > 0 && heapS[base + pos - 1] < s) {
            heapS[base + pos] = heapS[base + pos - 1]
            indices[base + pos] = indices[base + pos - 1]
            pos--
          }
          heapS[base + pos] = s
          indices[base + pos] = c
          if (size < kk) sizes[q] = size + 1
        }
      }
    }
  }
  for (let i = 0; i < nq * kk; i++) if (indices[i] >= 0) scores[i] = heapS[i]
  return { indices, scores, k: kk }
}
