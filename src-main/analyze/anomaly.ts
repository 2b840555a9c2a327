/**
 * Outlier scores for L2-normalized rows.
 *
 * Methods (raw score: larger = more anomalous):
 *  - 'knn' (default): mean cosine distance to the k nearest neighbours.
 *  - 'centroid': cosine distance to the dataset's normalized mean vector (the source article's method).
 *  - 'cluster-centroid': cosine distance to the row's own cluster centroid (needs k-means output).
 *  - 'lof': Local Outlier Factor on cosine distances (Breunig et al.; sklearn's formula, with its
 *    1e-10 guard for duplicates).
 *
 * Normalized score in [0, 1]: 'rank' (default) = the row's percentile rank of the raw score (ties get
 * their average rank; robust to scale, comparable across methods), or 'minmax' = (raw − min)/(max − min).
 *
 * Flags: 'contamination' (the top fraction by raw score, default 5 %), 'threshold' (normalized score ≥
 * t), or 'iqr' (raw > Q3 + factor·IQR, default factor 1.5). Each flagged row (up to maxExplanations,
 * highest first) gets an explanation: score, raw distance, nearest neighbours (indices + distances) and
 * its cluster when known. The centroid methods need no kNN: pass `knn` to get neighbours for every
 * explanation, otherwise they are searched for the first EXPLAIN_SEARCH_MAX explained rows only.
 */
import { EmbedMapError } from '../errors'
import { type LongRunOptions, type Matrix, Ticker, checkMatrix, dotRows, quantileSorted, subProgress, takeRows } from './common'
import { type KnnResult, knn, knnQuery } from './knn'

/** Centroid methods without a kNN search neighbours for at most this many explained rows. */
export const EXPLAIN_SEARCH_MAX = 2_000

export type AnomalyMethod = 'knn' | 'centroid' | 'cluster-centroid' | 'lof'

export type FlagRule = { by: 'contamination'; fraction: number } | { by: 'threshold'; score: number } | { by: 'iqr'; factor?: number }

export interface AnomalyOptions extends LongRunOptions {
  method?: AnomalyMethod
  /** Neighbours for 'knn' and 'lof' (default 10), and shown in explanations. */
  k?: number
  /** A kNN of the rows to reuse (k ≥ the k above). */
  knn?: KnnResult
  /** Cluster of each row (for 'cluster-centroid' and explanations). */
  assignments?: Int32Array
  /** k×d normalized centroids (for 'cluster-centroid'). */
  centroids?: Float32Array
  normalize?: 'rank' | 'minmax'
  flag?: FlagRule
  /** At most this many explanations, highest scores first (default 10,000). */
  maxExplanations?: number
}

export interface AnomalyExplanation {
  row: number
  /** Normalized score in [0, 1]. */
  score: number
  /** The raw score: a cosine distance (or the LOF ratio for 'lof'). */
  rawDistance: number
  neighbors: { indices: number[]; distances: number[] }
  cluster?: number
}

export interface AnomalyResult {
  method: AnomalyMethod
  normalize: 'rank' | 'minmax'
  raw: Float32Array
  scores: Float32Array
  /** Flagged rows, highest raw score first. */
  flagged: Int32Array
  /** The raw score at or above which rows were flagged. */
  rawThreshold: number
  rule: FlagRule
  explanations: AnomalyExplanation[]
}

export async function anomalies(X: Matrix, opts: AnomalyOptions = {}): Promise<AnomalyResult> {
  checkMatrix(X)
  const { data, n, d } = X
  const method = opts.method ?? 'knn'
  const k = Math.max(1, Math.min(opts.k ?? 10, n - 1))
  const rule: FlagRule = opts.flag ?? { by: 'contamination', fraction: 0.05 }
  const normalize = opts.normalize ?? 'rank'
  if (n === 0) return { method, normalize, raw: new Float32Array(0), scores: new Float32Array(0), flagged: new Int32Array(0), rawThreshold: NaN, rule, explanations: [] }
  let kn = opts.knn && opts.knn.n === n && opts.knn.k >= k ? opts.knn : undefined
  if ((method === 'knn' || method === 'lof') && n > 1 && !kn) {
    kn = await knn(X, { k, signal: opts.signal, onProgress: subProgress(opts.onProgress, 0, 80, 100) })
  }
  const raw = new Float32Array(n)
  const ticker = new Ticker({ signal: opts.signal, onProgress: subProgress(opts.onProgress, 80, 100, 100) }, n)
  if (method === 'knn') {
    if (n === 1) raw[0] = 0
    else {
      for (let i = 0; i < n; i++) {
        let s = 0
        let c = 0
        for (let t = 0; t < k; t++) {
          const dd = kn!.distances[i * kn!.k + t]
          if (Number.isFinite(dd)) {
            s += dd
            c++
          }
        }
        raw[i] = c ? s / c : 0
      }
    }
  } else if (method === 'centroid') {
    const c = new Float64Array(d)
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) c[t] += data[i * d + t]
    let norm = 0
    for (let t = 0; t < d; t++) norm += c[t] * c[t]
    norm = Math.sqrt(norm) || 1
    const cf = new Float32Array(d)
    for (let t = 0; t < d; t++) cf[t] = c[t] / norm
    for (let i = 0; i < n; i++) {
      raw[i] = Math.max(0, 1 - dotRows(data, i, cf, 0, d))
      if ((i & 4095) === 4095) await ticker.tick(i)
    }
  } else if (method === 'cluster-centroid') {
    const a = opts.assignments
    const C = opts.centroids
    if (!a || !C || a.length !== n) throw new EmbedMapError('BAD_INPUT', "method 'cluster-centroid' needs the k-means assignments and centroids")
    for (let i = 0; i < n; i++) {
      raw[i] = Math.max(0, 1 - dotRows(data, i, C, a[i], d))
      if ((i & 4095) === 4095) await ticker.tick(i)
    }
  } else if (method === 'lof') {
    if (n > 1) raw.set(lof(kn!, k))
  } else {
    throw new EmbedMapError('BAD_INPUT', `unknown anomaly method ${String(method)}`)
  }
  ticker.done()
  const scores = normalize === 'minmax' ? minMax(raw) : rankScores(raw)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => raw[q] - raw[p] || p - q)
  let count = 0
  let rawThreshold = Infinity
  if (rule.by === 'contamination') {
    if (!(rule.fraction >= 0 && rule.fraction <= 1)) throw new EmbedMapError('BAD_INPUT', `contamination must be in [0, 1] (got ${rule.fraction})`)
    count = Math.round(rule.fraction * n)
    rawThreshold = count > 0 ? raw[order[count - 1]] : Infinity
  } else if (rule.by === 'threshold') {
    for (const i of order) if (scores[i] >= rule.score) count++
    rawThreshold = count > 0 ? raw[order[count - 1]] : Infinity
  } else {
    const sorted = Float64Array.from(raw).sort()
    const q1 = quantileSorted(sorted, 0.25)
    const q3 = quantileSorted(sorted, 0.75)
    const fence = q3 + (rule.factor ?? 1.5) * (q3 - q1)
    for (const i of order) if (raw[i] > fence) count++
    rawThreshold = fence
  }
  const flagged = order.slice(0, count)
  const maxEx = Math.min(count, opts.maxExplanations ?? 10_000)
  // neighbours for the explanations: from the kNN when there is one, else searched for the explained
  // rows only (exact, self dropped) — at most EXPLAIN_SEARCH_MAX rows, the rest get none
  let exNb: KnnResult | undefined
  if (!kn && n > 1 && maxEx > 0) {
    const m = Math.min(maxEx, EXPLAIN_SEARCH_MAX)
    exNb = await knnQuery(X, takeRows(X, flagged.subarray(0, m)), k + 1, { signal: opts.signal })
  }
  const explanations: AnomalyExplanation[] = []
  for (let f = 0; f < maxEx; f++) {
    const i = flagged[f]
    const nbI: number[] = []
    const nbD: number[] = []
    if (kn) {
      for (let t = 0; t < Math.min(k, kn.k); t++) {
        const j = kn.indices[i * kn.k + t]
        if (j < 0) continue
        nbI.push(j)
        nbD.push(kn.distances[i * kn.k + t])
      }
    } else if (exNb && f < exNb.n) {
      for (let t = 0; t < exNb.k && nbI.length < k; t++) {
        const j = exNb.indices[f * exNb.k + t]
        if (j < 0 || j === i) continue
        nbI.push(j)
        nbD.push(exNb.distances[f * exNb.k + t])
      }
    }
    const ex: AnomalyExplanation = { row: i, score: scores[i], rawDistance: raw[i], neighbors: { indices: nbI, distances: nbD } }
    if (opts.assignments) ex.cluster = opts.assignments[i]
    explanations.push(ex)
  }
  return { method, normalize, raw, scores, flagged, rawThreshold, rule, explanations }
}

/** LOF from a kNN (uses the first k neighbours of each row). */
export function lof(kn: KnnResult, k: number): Float32Array {
  const { n } = kn
  const kk = Math.min(k, kn.k)
  const kdist = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let last = 0
    for (let t = 0; t < kk; t++) {
      const dd = kn.distances[i * kn.k + t]
      if (Number.isFinite(dd)) last = dd
    }
    kdist[i] = last
  }
  const lrd = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    let c = 0
    for (let t = 0; t < kk; t++) {
      const j = kn.indices[i * kn.k + t]
      if (j < 0) continue
      s += Math.max(kdist[j], kn.distances[i * kn.k + t])
      c++
    }
    lrd[i] = 1 / (s / Math.max(1, c) + 1e-10)
  }
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    let c = 0
    for (let t = 0; t < kk; t++) {
      const j = kn.indices[i * kn.k + t]
      if (j < 0) continue
      s += lrd[j]
      c++
    }
    out[i] = c ? s / c / lrd[i] : 1
  }
  return out
}

/** Percentile rank in [0, 1]; ties share their average rank. */
export function rankScores(raw: Float32Array): Float32Array {
  const n = raw.length
  const out = new Float32Array(n)
  if (n === 1) return out.fill(0.5)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => raw[p] - raw[q])
  let i = 0
  while (i < n) {
    let j = i
    while (j + 1 < n && raw[order[j + 1]] === raw[order[i]]) j++
    const r = (i + j) / 2 / (n - 1)
    for (let t = i; t <= j; t++) out[order[t]] = r
    i = j + 1
  }
  return out
}

export function minMax(raw: Float32Array): Float32Array {
  let lo = Infinity
  let hi = -Infinity
  for (const v of raw) {
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const span = hi - lo
  return raw.map((v) => (span > 0 ? (v - lo) / span : 0))
}
