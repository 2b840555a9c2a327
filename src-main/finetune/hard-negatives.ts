/**
 * Hard-negative mining over stored vectors: for each anchor, corpus rows ranked by cosine to the anchor,
 * filtered like sentence-transformers' `mine_hard_negatives` (util/hard_negatives.py), so the knobs mean
 * the same thing in the adapter and in the Python trainer:
 *
 *  1. candidates = the top (rangeMax + maxPositives) corpus rows by cosine (room left for positives);
 *  2. the anchor's own positives are removed;
 *  3. candidates too close to the positive are removed — absoluteMargin: neg + margin > pos;
 *     relativeMargin: neg > pos − |pos|·margin — where pos is the anchor's *lowest* positive score (the
 *     safe side with several positives); these guard against unlabeled positives (false negatives);
 *  4. maxScore / minScore: absolute caps on the candidate's cosine;
 *  5. of the survivors, in rank order, the first rangeMin are skipped and numNegatives taken, either the
 *     top ones or a seeded random sample of the window (then re-sorted by score).
 *
 * Vectors must be L2-normalised (stored embeddings are), so cosine = dot product.
 */
import { EmbedMapError } from '../errors'
import { checkRows, dot, topKByDot } from './linalg'
import { seededRandom } from './rng'
import { type SimilarityStats, similarityStats } from './stats'

export interface MineOptions {
  /** Negatives per anchor (default 3). */
  numNegatives?: number
  /** Survivors skipped first: the very closest are often unlabeled positives (default 0). */
  rangeMin?: number
  /** Rank window end. Default as sentence-transformers: rangeMin + numNegatives (×10 when a margin or cap is set). */
  rangeMax?: number
  maxScore?: number
  minScore?: number
  absoluteMargin?: number
  relativeMargin?: number
  sampling?: 'top' | 'random'
  seed?: number
}

export interface MineInput {
  dims: number
  /** m × dims, L2-normalised. */
  anchors: Float32Array
  /** n × dims, L2-normalised: the pool negatives come from (e.g. the whole corpus). */
  corpus: Float32Array
  /** Per anchor, the corpus rows that are its positives (excluded, and used for the margins). */
  positives: ReadonlyArray<ArrayLike<number>>
}

export interface MineStats {
  /** Cosine of every (anchor, positive) pair. */
  positive: SimilarityStats
  /** Cosine of every mined (anchor, negative). */
  negative: SimilarityStats
  /** Lowest positive − negative, per mined negative. */
  difference: SimilarityStats
  /** Candidates removed by each rule (a candidate counts for the first rule that removed it). */
  skipped: { absoluteMargin: number; relativeMargin: number; maxScore: number; minScore: number }
  /** Anchors that got fewer than numNegatives negatives. */
  anchorsShort: number
  rangeMax: number
}

export interface MinedNegatives {
  numNegatives: number
  /** m × numNegatives corpus rows, hardest first; −1 where too few candidates survived. */
  indices: Int32Array
  /** m × numNegatives cosines (NaN where the index is −1). */
  scores: Float32Array
  /** Per anchor, its lowest positive cosine (the one the margins use). */
  positiveScores: Float32Array
  stats: MineStats
}

export function mineHardNegatives(input: MineInput, opts: MineOptions = {}): MinedNegatives {
  const d = input.dims
  const m = checkRows('anchors', input.anchors, d)
  const n = checkRows('corpus', input.corpus, d)
  if (input.positives.length !== m) throw new EmbedMapError('BAD_INPUT', `${m} anchors but ${input.positives.length} positive lists`)
  const numNegatives = opts.numNegatives ?? 3
  const rangeMin = opts.rangeMin ?? 0
  if (!(Number.isInteger(numNegatives) && numNegatives >= 1))
    throw new EmbedMapError('BAD_INPUT', `numNegatives must be a whole number ≥ 1, got ${numNegatives}`)
  if (!(Number.isInteger(rangeMin) && rangeMin >= 0)) throw new EmbedMapError('BAD_INPUT', `rangeMin must be a whole number ≥ 0, got ${rangeMin}`)
  let maxPositives = 0
  for (const p of input.positives) maxPositives = Math.max(maxPositives, p.length)
  const filtered = opts.absoluteMargin !== undefined || opts.relativeMargin !== undefined || opts.maxScore !== undefined
  // Why ×10 with a filter: some candidates will be removed, so look further down the ranking.
  const rangeMax = opts.rangeMax ?? rangeMin + numNegatives * (filtered ? 10 : 1) + maxPositives
  if (rangeMin >= rangeMax) throw new EmbedMapError('BAD_INPUT', `rangeMin (${rangeMin}) must be smaller than rangeMax (${rangeMax})`)
  if (numNegatives > rangeMax - rangeMin) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `Cannot mine ${numNegatives} negatives per anchor from a window of ${rangeMax - rangeMin} (rangeMin ${rangeMin}, rangeMax ${rangeMax})`,
      'lower the number of negatives or rangeMin, or raise rangeMax',
    )
  }
  const pool = Math.min(rangeMax + maxPositives, n)
  const top = topKByDot(input.anchors, input.corpus, d, pool)
  const rand = seededRandom(opts.seed ?? 42)

  const indices = new Int32Array(m * numNegatives).fill(-1)
  const scores = new Float32Array(m * numNegatives).fill(NaN)
  const positiveScores = new Float32Array(m)
  const skipped = { absoluteMargin: 0, relativeMargin: 0, maxScore: 0, minScore: 0 }
  const allPos: number[] = []
  const allNeg: number[] = []
  const allDiff: number[] = []
  let anchorsShort = 0
  const survivors: number[] = []
  for (let a = 0; a < m; a++) {
    const pos = input.positives[a]
    const posSet = new Set<number>()
    let minPos = Infinity
    for (let j = 0; j < pos.length; j++) {
      const p = pos[j]
      if (!(p >= 0 && p < n)) throw new EmbedMapError('BAD_INPUT', `Anchor ${a}: positive row ${p} is outside the corpus (${n} rows)`)
      if (posSet.has(p)) continue
      posSet.add(p)
      const s = dot(input.anchors, a * d, input.corpus, p * d, d)
      allPos.push(s)
      minPos = Math.min(minPos, s)
    }
    positiveScores[a] = pos.length ? minPos : NaN
    survivors.length = 0
    for (let r = 0; r < pool; r++) {
      const c = top.indices[a * pool + r]
      if (c < 0 || posSet.has(c)) continue
      const s = top.scores[a * pool + r]
      if (pos.length && opts.absoluteMargin !== undefined && s + opts.absoluteMargin > minPos) {
        skipped.absoluteMargin++
        continue
      }
      if (pos.length && opts.relativeMargin !== undefined && s > minPos - Math.abs(minPos) * opts.relativeMargin) {
        skipped.relativeMargin++
        continue
      }
      if (opts.maxScore !== undefined && s > opts.maxScore) {
        skipped.maxScore++
        continue
      }
      if (opts.minScore !== undefined && s < opts.minScore) {
        skipped.minScore++
        continue
      }
      survivors.push(r)
    }
    // The rank window over the survivors (sentence-transformers re-ranks after filtering, then skips rangeMin).
    const window = survivors.slice(rangeMin, rangeMax)
    let picked: number[]
    if ((opts.sampling ?? 'top') === 'top' || window.length <= numNegatives) {
      picked = window.slice(0, numNegatives)
    } else {
      const w = window.slice()
      for (let i = 0; i < numNegatives; i++) {
        const j = i + Math.floor(rand() * (w.length - i))
        const t = w[i]
        w[i] = w[j]
        w[j] = t
      }
      // Ranks are in descending score order, so sorting ranks re-sorts by score.
      picked = w.slice(0, numNegatives).sort((x, y) => x - y)
    }
    if (picked.length < numNegatives) anchorsShort++
    for (let i = 0; i < picked.length; i++) {
      const r = picked[i]
      const s = top.scores[a * pool + r]
      indices[a * numNegatives + i] = top.indices[a * pool + r]
      scores[a * numNegatives + i] = s
      allNeg.push(s)
      if (pos.length) allDiff.push(minPos - s)
    }
  }
  return {
    numNegatives,
    indices,
    scores,
    positiveScores,
    stats: {
      positive: similarityStats(allPos),
      negative: similarityStats(allNeg),
      difference: similarityStats(allDiff),
      skipped,
      anchorsShort,
      rangeMax,
    },
  }
}
