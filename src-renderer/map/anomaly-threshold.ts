/**
 * The anomaly view's arithmetic: the score histogram and the flagged set at a threshold. Scores are the analysis'
 * normalized ones (0–1); a row is flagged when its score is at least the threshold, as the engine flags them.
 */

/** Counts per bin over [0, 1]: bin b holds scores in [b/bins, (b+1)/bins), the last bin also holds 1. NaN is skipped. */
export function scoreHistogram(scores: Float32Array, bins: number): Uint32Array {
  const counts = new Uint32Array(bins)
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]
    if (!(s >= 0)) continue
    counts[Math.min(bins - 1, Math.floor(Math.min(1, s) * bins))]++
  }
  return counts
}

/** How many rows a threshold flags. */
export function flaggedCount(scores: Float32Array, threshold: number): number {
  let count = 0
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) count++
  return count
}

/** Mask of the flagged rows (1 = flagged). */
export function flaggedMask(scores: Float32Array, threshold: number): Uint8Array {
  const mask = new Uint8Array(scores.length)
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) mask[i] = 1
  return mask
}

/** The flagged rows, most unusual first (ties by row), the order the engine's anomaly export uses. */
export function flaggedRows(scores: Float32Array, threshold: number): number[] {
  const rows: number[] = []
  for (let i = 0; i < scores.length; i++) if (scores[i] >= threshold) rows.push(i)
  return rows.sort((a, b) => scores[b] - scores[a] || a - b)
}
