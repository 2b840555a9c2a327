/** Summary statistics for similarity distributions, as mine_hard_negatives prints them. */

export interface SimilarityStats {
  count: number
  mean: number
  /** Unbiased (n − 1), like torch.std. */
  std: number
  min: number
  q25: number
  median: number
  q75: number
  max: number
}

/** Quantile with linear interpolation between order statistics (torch.quantile / numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const pos = (n - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.min(n - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export function similarityStats(values: ArrayLike<number>): SimilarityStats {
  const n = values.length
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (let i = 0; i < n; i++) sum += sorted[i]
  const mean = n ? sum / n : NaN
  let ss = 0
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    min: n ? sorted[0] : NaN,
    q25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
    max: n ? sorted[n - 1] : NaN,
  }
}
