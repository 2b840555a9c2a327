/**
 * The in-batch softmax loss (InfoNCE; sentence-transformers' MultipleNegativesRankingLoss) on
 * precomputed embeddings, with its analytic gradient (the adapter trains through it).
 *
 * For anchors A (b×d), positives P (b×d) and optional hard negatives N (b×k×d): candidates are
 * C = [P; all rows of N] (every anchor sees every positive and every negative of the batch), scores
 * s_ij = scale · cos(a_i, c_j), and loss = mean_i (logsumexp_j s_ij − s_ii): cross-entropy with the
 * anchor's own positive as the target. scale = 1/temperature (20 by default, as in sentence-transformers).
 *
 * Matryoshka (MatryoshkaLoss): Σ_m weight_m · loss(first m dims of every vector, re-normalised). Weights
 * default to 1 and are not divided by their sum (MatryoshkaLoss does not either).
 */
import { EmbedMapError } from '../errors'

export const DEFAULT_SCALE = 20

export interface MnrlBatch {
  dims: number
  /** b × dims (need not be normalised: cosine normalises). */
  anchors: Float32Array
  /** b × dims: row i is anchor i's positive. */
  positives: Float32Array
  /** b × k × dims: anchor i's k hard negatives are rows i·k … i·k+k−1. Omit (or empty) for none. */
  negatives?: Float32Array
}

export interface MatryoshkaOptions {
  dims: readonly number[]
  /** One per dim (default all 1). */
  weights?: readonly number[]
}

export interface MnrlOptions {
  scale?: number
  matryoshka?: MatryoshkaOptions
}

export interface MnrlGradient {
  loss: number
  /** ∂loss/∂anchors, b × dims. */
  anchors: Float32Array
  positives: Float32Array
  /** Same shape as the batch's negatives (empty when there are none). */
  negatives: Float32Array
}

export function mnrlLoss(batch: MnrlBatch, opts: MnrlOptions = {}): number {
  return run(batch, opts, false).loss
}

export function mnrlLossAndGradient(batch: MnrlBatch, opts: MnrlOptions = {}): MnrlGradient {
  return run(batch, opts, true)
}

/** The (dim, weight) terms of the loss: the full size alone, or the Matryoshka dims. */
export function lossTerms(dims: number, matryoshka?: MatryoshkaOptions): Array<{ dim: number; weight: number }> {
  if (!matryoshka) return [{ dim: dims, weight: 1 }]
  const { dims: ms, weights } = matryoshka
  if (ms.length === 0) throw new EmbedMapError('BAD_INPUT', 'Matryoshka needs at least one dimension')
  if (weights && weights.length !== ms.length) throw new EmbedMapError('BAD_INPUT', `${ms.length} Matryoshka dims but ${weights.length} weights`)
  return ms.map((m, i) => {
    if (!(Number.isInteger(m) && m > 0)) throw new EmbedMapError('BAD_INPUT', `Matryoshka dim ${m} is not a positive whole number`)
    if (m > dims) throw new EmbedMapError('BAD_INPUT', `Matryoshka dim ${m} is larger than the model's ${dims} dims`, `use dims ≤ ${dims}`)
    return { dim: m, weight: weights ? weights[i] : 1 }
  })
}

function run(batch: MnrlBatch, opts: MnrlOptions, wantGrad: boolean): MnrlGradient {
  const d = batch.dims
  const b = batch.anchors.length / d
  if (!Number.isInteger(b) || b < 1 || batch.positives.length !== b * d) {
    throw new EmbedMapError('BAD_INPUT', `MNRL batch: anchors (${batch.anchors.length}) and positives (${batch.positives.length}) must both be b × ${d}`)
  }
  const neg = batch.negatives ?? new Float32Array(0)
  const k = neg.length / (b * d)
  if (!Number.isInteger(k)) throw new EmbedMapError('BAD_INPUT', `MNRL batch: negatives (${neg.length} values) are not ${b} × k × ${d}`)
  const scale = opts.scale ?? DEFAULT_SCALE
  const nc = b + b * k
  // One candidate view over positives then negatives, so the maths below has a single index j.
  const candArr = (j: number) => (j < b ? batch.positives : neg)
  const candOff = (j: number) => (j < b ? j * d : (j - b) * d)

  const gA = new Float32Array(wantGrad ? b * d : 0)
  const gP = new Float32Array(wantGrad ? b * d : 0)
  const gN = new Float32Array(wantGrad ? neg.length : 0)
  let total = 0
  for (const { dim: m, weight } of lossTerms(d, opts.matryoshka)) {
    // Unit vectors of the first m dims (Float64 for accuracy), and the norms for the backward pass.
    const a = new Float64Array(b * m)
    const aNorm = new Float64Array(b)
    for (let i = 0; i < b; i++) aNorm[i] = unitPrefix(batch.anchors, i * d, m, a, i * m)
    const c = new Float64Array(nc * m)
    const cNorm = new Float64Array(nc)
    for (let j = 0; j < nc; j++) cNorm[j] = unitPrefix(candArr(j), candOff(j), m, c, j * m)
    const s = new Float64Array(b * nc)
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < nc; j++) {
        let acc = 0
        for (let t = 0; t < m; t++) acc += a[i * m + t] * c[j * m + t]
        s[i * nc + j] = scale * acc
      }
    }
    let loss = 0
    // G = ∂loss/∂s = (softmax − onehot) / b, overwritten into s.
    for (let i = 0; i < b; i++) {
      const row = i * nc
      let mx = -Infinity
      for (let j = 0; j < nc; j++) mx = Math.max(mx, s[row + j])
      let z = 0
      for (let j = 0; j < nc; j++) z += Math.exp(s[row + j] - mx)
      const lse = mx + Math.log(z)
      loss += lse - s[row + i]
      if (wantGrad) {
        for (let j = 0; j < nc; j++) s[row + j] = (Math.exp(s[row + j] - lse) - (j === i ? 1 : 0)) / b
      }
    }
    loss /= b
    total += weight * loss
    if (!wantGrad) continue
    // ∂/∂â_i = scale Σ_j G_ij ĉ_j and ∂/∂ĉ_j = scale Σ_i G_ij â_i, then through ĉ = x/|x|.
    const ga = new Float64Array(m)
    for (let i = 0; i < b; i++) {
      ga.fill(0)
      for (let j = 0; j < nc; j++) {
        const g = s[i * nc + j]
        for (let t = 0; t < m; t++) ga[t] += g * c[j * m + t]
      }
      backNormalize(ga, a, i * m, m, (weight * scale) / aNorm[i], gA, i * d)
    }
    const gc = new Float64Array(m)
    for (let j = 0; j < nc; j++) {
      gc.fill(0)
      for (let i = 0; i < b; i++) {
        const g = s[i * nc + j]
        for (let t = 0; t < m; t++) gc[t] += g * a[i * m + t]
      }
      backNormalize(gc, c, j * m, m, (weight * scale) / cNorm[j], j < b ? gP : gN, candOff(j))
    }
  }
  return { loss: total, anchors: gA, positives: gP, negatives: gN }
}

/** Writes x[off..off+m) / |x| into out at outOff; returns |x| (floored like F.normalize's eps). */
function unitPrefix(x: Float32Array, off: number, m: number, out: Float64Array, outOff: number): number {
  let ss = 0
  for (let t = 0; t < m; t++) ss += x[off + t] * x[off + t]
  const norm = Math.max(Math.sqrt(ss), 1e-12)
  for (let t = 0; t < m; t++) out[outOff + t] = x[off + t] / norm
  return norm
}

/** Jacobian of x/|x| applied to g: (g − u(u·g)) · factor, added into dst. */
function backNormalize(g: Float64Array, u: Float64Array, uOff: number, m: number, factor: number, dst: Float32Array, dstOff: number): void {
  let ug = 0
  for (let t = 0; t < m; t++) ug += u[uOff + t] * g[t]
  for (let t = 0; t < m; t++) dst[dstOff + t] += (g[t] - u[uOff + t] * ug) * factor
}
