/**
 * From token states to sentence vectors: pooling (as sentence-transformers' Pooling module does it),
 * L2 normalization, and Matryoshka truncation.
 */
import { EmbedMapError } from '../errors'
import type { Pooling } from './types'

/**
 * Pools token states [batch × seq × hidden] into [batch × hidden].
 * `mask` is the attention mask [batch × seq] (1 = real token); padded positions never count.
 * - mean: Σ mask·h / max(Σ mask, 1e-9)
 * - cls: the first position
 * - last_token: the last position whose mask is 1 (right or left padding both work)
 * - max: per-dimension max over real tokens
 */
export function pool(hidden: Float32Array, batch: number, seq: number, dim: number, mask: ArrayLike<number | bigint>, pooling: Pooling): Float32Array {
  if (hidden.length !== batch * seq * dim) throw new Error(`pool: hidden has ${hidden.length} values, expected ${batch}×${seq}×${dim}`)
  const out = new Float32Array(batch * dim)
  const on = (b: number, t: number) => Number(mask[b * seq + t]) !== 0
  for (let b = 0; b < batch; b++) {
    const o = b * dim
    if (pooling === 'cls') {
      out.set(hidden.subarray(b * seq * dim, b * seq * dim + dim), o)
    } else if (pooling === 'last_token') {
      let last = seq - 1
      while (last > 0 && !on(b, last)) last--
      const h = (b * seq + last) * dim
      out.set(hidden.subarray(h, h + dim), o)
    } else if (pooling === 'mean') {
      const acc = new Float64Array(dim)
      let count = 0
      for (let t = 0; t < seq; t++) {
        if (!on(b, t)) continue
        count++
        const h = (b * seq + t) * dim
        for (let d = 0; d < dim; d++) acc[d] += hidden[h + d]
      }
      const div = Math.max(count, 1e-9)
      for (let d = 0; d < dim; d++) out[o + d] = acc[d] / div
    } else if (pooling === 'max') {
      const acc = new Float64Array(dim).fill(-Infinity)
      let any = false
      for (let t = 0; t < seq; t++) {
        if (!on(b, t)) continue
        any = true
        const h = (b * seq + t) * dim
        for (let d = 0; d < dim; d++) if (hidden[h + d] > acc[d]) acc[d] = hidden[h + d]
      }
      for (let d = 0; d < dim; d++) out[o + d] = any ? acc[d] : 0
    } else {
      throw new Error(`unknown pooling ${String(pooling)}`)
    }
  }
  return out
}

/** L2-normalizes each row of [n × dim] in place (rows of zeros stay zero). */
export function l2NormalizeRows(vectors: Float32Array, dim: number): Float32Array {
  const n = vectors.length / dim
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let d = 0; d < dim; d++) s += vectors[i * dim + d] * vectors[i * dim + d]
    const norm = Math.sqrt(s)
    if (norm < 1e-12) continue
    for (let d = 0; d < dim; d++) vectors[i * dim + d] /= norm
  }
  return vectors
}

/** layer_norm over each row (no affine weights, eps 1e-5), in place, like torch.nn.functional.layer_norm. */
export function layerNormRows(vectors: Float32Array, dim: number, eps = 1e-5): Float32Array {
  const n = vectors.length / dim
  for (let i = 0; i < n; i++) {
    let mean = 0
    for (let d = 0; d < dim; d++) mean += vectors[i * dim + d]
    mean /= dim
    let v = 0
    for (let d = 0; d < dim; d++) v += (vectors[i * dim + d] - mean) ** 2
    const inv = 1 / Math.sqrt(v / dim + eps)
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = (vectors[i * dim + d] - mean) * inv
  }
  return vectors
}

export interface MatryoshkaSpec {
  /** The model's full output dims. */
  fullDims: number
  /** Dims the model was trained to be cut to (undefined: not a Matryoshka model). */
  matryoshkaDims?: readonly number[]
  /** Cut to dims the model was not trained for anyway. */
  force?: boolean
  model?: string
}

/** Checks a requested `dims`; returns it (or fullDims when undefined). BAD_INPUT with a clear reason otherwise. */
export function checkDims(dims: number | undefined, spec: MatryoshkaSpec): number {
  const name = spec.model ? `${spec.model} ` : ''
  if (dims === undefined || dims === spec.fullDims) return spec.fullDims
  if (!Number.isInteger(dims) || dims < 1)
    throw new EmbedMapError('BAD_INPUT', `dims must be a positive integer, got ${dims}`, `use ${spec.fullDims} or leave it out`)
  if (dims > spec.fullDims) {
    throw new EmbedMapError('BAD_INPUT', `model ${name}makes ${spec.fullDims}-dim vectors; it cannot give ${dims}`, `use ${spec.fullDims} or fewer`)
  }
  if (spec.force) return dims
  const allowed = spec.matryoshkaDims
  if (!allowed || allowed.length === 0) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `model ${name}was not trained with Matryoshka loss, so cutting its ${spec.fullDims}-dim vectors to ${dims} would lose quality unpredictably`,
      `leave dims out (${spec.fullDims}), choose a Matryoshka model (e.g. nomic-embed-text-v1.5), or force it`,
    )
  }
  if (!allowed.includes(dims)) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `model ${name}was trained for dims ${allowed.join(', ')}; ${dims} is not one of them`,
      `use one of ${allowed.join(', ')}, or force it`,
    )
  }
  return dims
}

/**
 * Cuts [n × fromDims] vectors to their first `toDims` values and re-normalizes (the Matryoshka recipe).
 * `layerNorm` first applies layer_norm over the full vector (nomic-embed-text-v1.5's recipe).
 */
export function truncateDims(vectors: Float32Array, fromDims: number, toDims: number, opts: { layerNorm?: boolean } = {}): Float32Array {
  if (toDims === fromDims) return vectors
  if (opts.layerNorm) layerNormRows(vectors, fromDims)
  const n = vectors.length / fromDims
  const out = new Float32Array(n * toDims)
  for (let i = 0; i < n; i++) out.set(vectors.subarray(i * fromDims, i * fromDims + toDims), i * toDims)
  return l2NormalizeRows(out, toDims)
}

/** IEEE half → float, for fp16 graphs whose outputs stay float16. */
export function float16ToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) {
    const h = src[i]
    const sign = h & 0x8000 ? -1 : 1
    const exp = (h >> 10) & 0x1f
    const frac = h & 0x3ff
    if (exp === 0) out[i] = sign * 2 ** -14 * (frac / 1024)
    else if (exp === 0x1f) out[i] = frac ? NaN : sign * Infinity
    else out[i] = sign * 2 ** (exp - 15) * (1 + frac / 1024)
  }
  return out
}
