/**
 * Links each row's translation to the row on its map. Both sides' vectors come from the same model; row i's
 * translation is target i. Three things follow from exact cosine search between the two sides:
 *  - mteb's bitext metrics both ways (the same functions as `embedmap eval bitext`),
 *  - where each translation sits on the map: among its nearest source rows, weighted by a softmax of cosine similarity
 *    (temperature PLACE_TEMPERATURE). A clear nearest row takes the translation onto itself; near-ties spread it between
 *    the candidates. (umap's transform initialisation, which places rows beyond a UMAP sample, was the first idea: its
 *    fixed neighbourhood weight of log2(k) pulls even a perfectly matched translation far toward its other neighbours,
 *    so good alignment would not look short.)
 *  - each translation's nearest source row (its own when the model aligns the languages).
 * Pure: typed arrays in, typed arrays out.
 */
import { directionMetrics } from '../evaluate/tasks/bitext-task'
import { exactTopK, normalizeRowsCopy } from '../evaluate/metrics/exact-search'
/** Source rows a translation's position is averaged over. */
const PLACE_NEIGHBOURS = 10
/**
 * Softmax temperature on cosine similarity: a row 0.03 less similar than the best weighs e^-3 ≈ 5 % of it, one 0.01
 * less 37 %. Models like e5 keep all similarities within a narrow band (0.75–0.9), so at 0.02 a well-matched
 * translation was still pulled visibly toward its runners-up; at 0.01 a clear match decides the place and only
 * near-ties (a model that cannot tell the candidates apart) average.
 */
const PLACE_TEMPERATURE = 0.01

export interface TranslationLinks {
  /** Each translation's map position, n × 2. */
  coords: Float32Array
  /** Index (into the pairs) of the source row nearest to each translation. */
  nearest: Int32Array
  metrics: Record<string, number>
}

export function linkTranslations(source: Float32Array, target: Float32Array, d: number, sourceCoords: Float32Array): TranslationLinks {
  const n = source.length / d
  if (!Number.isInteger(n) || target.length !== source.length || sourceCoords.length !== 2 * n)
    throw new Error(`translation links: ${source.length} source values, ${target.length} target values, ${sourceCoords.length} coordinates for d = ${d}`)
  const coords = new Float32Array(2 * n)
  const nearest = new Int32Array(n).fill(-1)
  if (n === 0) return { coords, nearest, metrics: {} }
  const S = normalizeRowsCopy(source, d)
  const T = normalizeRowsCopy(target, d)
  const forward = directionMetrics(exactTopK(S, T, d, 10), n)
  const k = Math.min(10, n)
  const back = exactTopK(T, S, d, k)
  const reverse = directionMetrics(back, n)
  const metrics: Record<string, number> = { ...forward }
  for (const [name, v] of Object.entries(reverse)) metrics[`reverse_${name}`] = v
  const kq = Math.min(PLACE_NEIGHBOURS, k)
  for (let q = 0; q < n; q++) {
    const o = q * k
    nearest[q] = back.indices[o]
    const best = back.scores[o]
    let sw = 0
    let x = 0
    let y = 0
    for (let t = 0; t < kq; t++) {
      const j = back.indices[o + t]
      if (j < 0) continue
      const w = Math.exp((back.scores[o + t] - best) / PLACE_TEMPERATURE)
      sw += w
      x += w * sourceCoords[2 * j]
      y += w * sourceCoords[2 * j + 1]
    }
    coords[2 * q] = x / sw
    coords[2 * q + 1] = y / sw
  }
  return { coords, nearest, metrics }
}

/** Median distance between each row and its translation, as a share of the map's diagonal. */
export function medianLinkShare(rows: Int32Array, coords: Float32Array, mapCoords: Float32Array): number {
  if (rows.length === 0) return 0
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < mapCoords.length; i += 2) {
    minX = Math.min(minX, mapCoords[i])
    maxX = Math.max(maxX, mapCoords[i])
    minY = Math.min(minY, mapCoords[i + 1])
    maxY = Math.max(maxY, mapCoords[i + 1])
  }
  const diagonal = Math.hypot(maxX - minX, maxY - minY) || 1
  const lengths = Float64Array.from(rows, (r, q) => Math.hypot(coords[2 * q] - mapCoords[2 * r], coords[2 * q + 1] - mapCoords[2 * r + 1]))
  lengths.sort()
  const mid = lengths.length >> 1
  const median = lengths.length % 2 ? lengths[mid] : (lengths[mid - 1] + lengths[mid]) / 2
  return median / diagonal
}
