/**
 * Outlier scores for L2-normalized rows.
 *
 * Methods (raw score: larger = more anomalous):
 *  - 'knn-text' (the default when texts are given; the analysis job's default): the larger of two standardized
 *    scores — the 'knn' score and the text's character surprisal (text-surprisal.ts), each as (x − mean) / sd
 *    over the dataset (Gaussian scaling, Kriegel et al., "Interpreting and Unifying Outlier Scores", SDM 2011),
 *    so both are in standard deviations of their own spread and comparable. Why both: off-language rows and
 *    random strings form tight groups whose members are each other's nearest neighbours (masking), and some
 *    models put content-free text near the centre of their space; characters expose both, while the
 *    neighbourhood finds off-topic rows written normally. Why the sd and not a tail quantile: scaling each
 *    measure to its own 99th percentile gave each the same share of the top, so once the text measure had
 *    named its few extreme rows (other scripts, gibberish) it filled the rest of the top with ordinary rows
 *    that merely had odd characters (Greek letters in paper titles) and pushed out rows the neighbourhood
 *    measure had found; the sd grows with such extreme rows, so a measure whose outliers are few and far
 *    out spends its scale on them. Measured recall@N with 1 % planted rows (test/real-models/planted-anomalies*):
 *    AG News 0.80 (all-MiniLM-L6-v2) / 0.70 (multilingual-e5-small), SciFact titles 0.90 / 1.0; the
 *    99th-percentile scaling gave 0.85 / 0.75 and 0.70 / 1.0; 'knn' alone 0.15 / 0.05 on AG News. On 40 other
 *    plantings drawn from the same stored vectors (5 base/off-domain mixes × 8 draws, MiniLM) mean recall was
 *    0.64 against 0.58 (better in 4 of the 5 mixes; worse where every planted row is ordinary English text).
 *  - 'knn' (the default without texts): mean cosine distance to the k nearest neighbours.
 *  - 'centroid': cosine distance to the dataset's normalized mean vector (the source article's method).
 *  - 'cluster-centroid': cosine distance to the row's own cluster centroid (needs k-means output).
 *  - 'lof': Local Outlier Factor on cosine distances (Breunig et al.; sklearn's formula, with its
 *    1e-10 guard for duplicates).
 *
 * Normalized score in [0, 1]: 'calibrated' (default) keeps the raw score's order AND its gaps: raw scores
 * from the lowest up to the 99th percentile map linearly onto [0, CALIBRATED_KNEE] (so a gap in distance
 * is the same gap in score, and the histogram shows where the tail breaks away), and the top 1 % is
 * compressed smoothly into (CALIBRATED_KNEE, 1) — still strictly ordered, never clipped. 'rank' = the
 * row's percentile rank (uniform 1/N steps: it hides gaps), 'minmax' = (raw − min)/(max − min) (one
 * extreme row squeezes all others towards 0).
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
import { textSurprisal } from './text-surprisal'

/** Centroid methods without a kNN search neighbours for at most this many explained rows. */
export const EXPLAIN_SEARCH_MAX = 2_000

export type AnomalyMethod = 'knn-text' | 'knn' | 'centroid' | 'cluster-centroid' | 'lof'

/** What made a row stand out under 'knn-text'. */
export type AnomalyReason = 'neighbourhood' | 'text'

/** The quantile that calibrated scores map to CALIBRATED_KNEE. */
const TAIL_Q = 0.99

/** The calibrated score of the 99th-percentile raw score: below it scores are linear in the raw score. */
export const CALIBRATED_KNEE = 0.8

export type AnomalyNormalize = 'calibrated' | 'rank' | 'minmax'

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
  /** The rows' texts (for 'knn-text'). */
  texts?: readonly string[]
  normalize?: AnomalyNormalize
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
  /** 'knn-text' only: which of its two scores put the row here, and both raw values. */
  reason?: AnomalyReason
  meanNeighborDistance?: number
  textSurprisal?: number
}

export interface AnomalyResult {
  method: AnomalyMethod
  normalize: AnomalyNormalize
  raw: Float32Array
  scores: Float32Array
  /** Flagged rows, highest raw score first. */
  flagged: Int32Array
  /** The raw score at or above which rows were flagged. */
  rawThreshold: number
  rule: FlagRule
  explanations: AnomalyExplanation[]
  /** The median row's values, the "typical" a reason compares with. */
  typical: { raw: number; meanNeighborDistance?: number; textSurprisal?: number }
  /** 'knn-text' only: the two component scores of every row. */
  components?: { meanNeighborDistance: Float32Array; textSurprisal: Float32Array }
}

export async function anomalies(X: Matrix, opts: AnomalyOptions = {}): Promise<AnomalyResult> {
  checkMatrix(X)
  const { data, n, d } = X
  const method = opts.method ?? (opts.texts ? 'knn-text' : 'knn')
  const k = Math.max(1, Math.min(opts.k ?? 10, n - 1))
  const rule: FlagRule = opts.flag ?? { by: 'contamination', fraction: 0.05 }
  const normalize = opts.normalize ?? 'calibrated'
  if (n === 0)
    return {
      method,
      normalize,
      raw: new Float32Array(0),
      scores: new Float32Array(0),
      flagged: new Int32Array(0),
      rawThreshold: NaN,
      rule,
      explanations: [],
      typical: { raw: NaN },
    }
  let kn = opts.knn && opts.knn.n === n && opts.knn.k >= k ? opts.knn : undefined
  if (method === 'knn-text' && opts.texts?.length !== n) {
    throw new EmbedMapError('BAD_INPUT', `method 'knn-text' needs the text of every row (${n} rows, ${opts.texts?.length ?? 0} texts)`)
  }
  if ((method === 'knn' || method === 'lof' || method === 'knn-text') && n > 1 && !kn) {
    kn = await knn(X, { k, signal: opts.signal, onProgress: subProgress(opts.onProgress, 0, 80, 100) })
  }
  const raw = new Float32Array(n)
  const ticker = new Ticker({ signal: opts.signal, onProgress: subProgress(opts.onProgress, 80, 100, 100) }, n)
  let components: AnomalyResult['components']
  let reasons: Uint8Array | undefined
  if (method === 'knn') {
    if (n > 1) raw.set(meanNeighborDistance(kn!, k))
  } else if (method === 'knn-text') {
    const near = n > 1 ? meanNeighborDistance(kn!, k) : new Float32Array(n)
    const odd = await textSurprisal(opts.texts!, { signal: opts.signal, onProgress: subProgress(opts.onProgress, 80, 100, 100) })
    const a = standardized(near)
    const b = standardized(odd)
    reasons = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      raw[i] = Math.max(a[i], b[i])
      reasons[i] = b[i] > a[i] ? 1 : 0
    }
    components = { meanNeighborDistance: near, textSurprisal: odd }
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
    const kC = C.length / d
    for (let i = 0; i < n; i++) {
      // an unclustered row (−1, density clustering) is measured against its nearest centroid
      let c = a[i]
      if (c < 0) for (let j = 0, best = -Infinity; j < kC; j++) if (dotRows(data, i, C, j, d) > best) [best, c] = [dotRows(data, i, C, j, d), j]
      raw[i] = c < 0 ? 1 : Math.max(0, 1 - dotRows(data, i, C, c, d))
      if ((i & 4095) === 4095) await ticker.tick(i)
    }
  } else if (method === 'lof') {
    if (n > 1) raw.set(lof(kn!, k))
  } else {
    throw new EmbedMapError('BAD_INPUT', `unknown anomaly method ${String(method)}`)
  }
  ticker.done()
  const scores = normalize === 'minmax' ? minMax(raw) : normalize === 'rank' ? rankScores(raw) : calibratedScores(raw)
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((p, q) => raw[q] - raw[p] || p - q)
  let count = 0
  let rawThreshold: number
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
    if (components && reasons) {
      ex.reason = reasons[i] ? 'text' : 'neighbourhood'
      ex.meanNeighborDistance = components.meanNeighborDistance[i]
      ex.textSurprisal = components.textSurprisal[i]
    }
    explanations.push(ex)
  }
  const typical: AnomalyResult['typical'] = { raw: median(raw) }
  if (method === 'knn') typical.meanNeighborDistance = typical.raw
  if (components) {
    typical.meanNeighborDistance = median(components.meanNeighborDistance)
    typical.textSurprisal = median(components.textSurprisal)
  }
  return { method, normalize, raw, scores, flagged, rawThreshold, rule, explanations, components, typical }
}

/** Mean cosine distance to the first k neighbours of each row (missing neighbours skipped). */
export function meanNeighborDistance(kn: KnnResult, k: number): Float32Array {
  const out = new Float32Array(kn.n)
  const kk = Math.min(k, kn.k)
  for (let i = 0; i < kn.n; i++) {
    let s = 0
    let c = 0
    for (let t = 0; t < kk; t++) {
      const dd = kn.distances[i * kn.k + t]
      if (Number.isFinite(dd)) {
        s += dd
        c++
      }
    }
    out[i] = c ? s / c : 0
  }
  return out
}

/** (x − mean) / sd over all rows (0 when every row is equal): each score in standard deviations of its own spread. */
export function standardized(x: Float32Array): Float32Array {
  const n = x.length
  let mean = 0
  for (const v of x) mean += v / n
  let ss = 0
  for (const v of x) ss += (v - mean) ** 2
  const sd = Math.sqrt(ss / n)
  return x.map((v) => (sd > 0 ? (v - mean) / sd : 0))
}

function median(x: Float32Array): number {
  return quantileSorted(Float64Array.from(x).sort(), 0.5)
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

/**
 * Calibrated 0–1 score: linear from the lowest raw score (0) to the 99th percentile (CALIBRATED_KNEE), then
 * knee + (1 − knee)·t/(1 + t), t = a·(z − 1), above it, with a chosen so the slope is continuous at the knee (a rational
 * tail, not an exponential one, so even a row 1,000 × past the percentile stays below 1 in float32).
 * Order is kept everywhere and gaps are kept exactly (up to one scale factor) for the lower 99 %.
 */
export function calibratedScores(raw: Float32Array, q = TAIL_Q): Float32Array {
  const n = raw.length
  if (n === 0) return new Float32Array(0)
  const sorted = Float64Array.from(raw).sort()
  const lo = sorted[0]
  let span = quantileSorted(sorted, q) - lo
  // a degenerate body (most rows equal): fall back to the full range so the tail still spreads
  if (!(span > 0)) span = sorted[n - 1] - lo
  if (!(span > 0)) return new Float32Array(n)
  const a = CALIBRATED_KNEE / (1 - CALIBRATED_KNEE)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const z = (raw[i] - lo) / span
    out[i] = z <= 1 ? CALIBRATED_KNEE * z : CALIBRATED_KNEE + ((1 - CALIBRATED_KNEE) * a * (z - 1)) / (1 + a * (z - 1))
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
