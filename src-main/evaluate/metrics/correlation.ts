/**
 * Pearson and Spearman correlation, as scipy.stats computes them (mteb's STS scores).
 *
 * Spearman is Pearson on ranks where tied values share the average of their ranks (scipy's
 * `rankdata(method='average')`): STS gold scores are heavily tied (0.0–5.0 in steps of 0.2, integers
 * for the Chinese set), so the tie rule changes the result well above 1e-4.
 */

/** 1-based ranks, ties get the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b])
  const ranks = new Float64Array(n)
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++
    const r = (i + j) / 2 + 1
    for (let t = i; t <= j; t++) ranks[order[t]] = r
    i = j + 1
  }
  return ranks
}

/** Pearson's r in float64; NaN when either side is constant (as scipy, which also warns). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  if (n !== y.length) throw new Error(`pearson: ${n} vs ${y.length} values`)
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += x[i]
    my += y[i]
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx
    const b = y[i] - my
    sxy += a * b
    sxx += a * a
    syy += b * b
  }
  if (sxx === 0 || syy === 0) return NaN
  // scipy clips to [-1, 1] against rounding.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)))
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y))
}
