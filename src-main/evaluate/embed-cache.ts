import type { EmbedFn, EmbedRole } from './tasks/types'

/** How long embedding took and how many texts it saw: a model's measured speed on this machine. */
export interface EmbedMeter {
  texts: number
  seconds: number
}

/**
 * Embeds each (role, texts) once and remembers it, timing the real work; `truncate(dims)` then gives the same
 * vectors cut to a Matryoshka dimension and re-normalised, so a model is evaluated at every dimension it was
 * trained for from one embedding pass.
 */
export function cachingEmbed(base: EmbedFn, meter: EmbedMeter): { embed: EmbedFn; truncate(dims: number): EmbedFn } {
  const cache = new Map<string, { texts: string[]; vectors: Float32Array }>()
  const key = (texts: string[], role: EmbedRole) => `${role}:${texts.length}:${texts[0] ?? ''}:${texts[texts.length - 1] ?? ''}`
  const embed: EmbedFn = async (texts, role) => {
    const k = key(texts, role)
    const hit = cache.get(k)
    if (hit && hit.texts.length === texts.length && hit.texts.every((t, i) => t === texts[i])) return hit.vectors
    const t0 = performance.now()
    const vectors = await base(texts, role)
    meter.seconds += (performance.now() - t0) / 1000
    meter.texts += texts.length
    cache.set(k, { texts, vectors })
    return vectors
  }
  return {
    embed,
    truncate: (dims) => async (texts, role) => truncateRows(await embed(texts, role), texts.length, dims),
  }
}

/** The first `dims` values of each row, L2-normalised again (what a Matryoshka model's short vector is). */
export function truncateRows(vectors: Float32Array, rows: number, dims: number): Float32Array {
  if (rows === 0) return new Float32Array(0)
  const full = vectors.length / rows
  if (dims >= full) return vectors
  const out = new Float32Array(rows * dims)
  for (let r = 0; r < rows; r++) {
    let norm = 0
    for (let j = 0; j < dims; j++) norm += vectors[r * full + j] ** 2
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0
    for (let j = 0; j < dims; j++) out[r * dims + j] = vectors[r * full + j] * inv
  }
  return out
}
