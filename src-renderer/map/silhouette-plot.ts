/** Geometry of the small silhouette-vs-k plot (SVG coordinates), kept pure so it can be tested without a DOM. */
export interface CurvePoint {
  k: number
  silhouette: number
  x: number
  y: number
}

export interface CurveGeometry {
  points: CurvePoint[]
  /** SVG path through the points in k order. */
  path: string
  /** Silhouette range shown on the y axis. */
  yMin: number
  yMax: number
}

export function silhouetteGeometry(curve: readonly { k: number; silhouette: number }[], width: number, height: number, pad = 6): CurveGeometry {
  const sorted = [...curve].filter((p) => Number.isFinite(p.silhouette)).sort((a, b) => a.k - b.k)
  if (sorted.length === 0) return { points: [], path: '', yMin: 0, yMax: 0 }
  const kMin = sorted[0].k
  const kMax = sorted[sorted.length - 1].k
  let yMin = Math.min(...sorted.map((p) => p.silhouette))
  let yMax = Math.max(...sorted.map((p) => p.silhouette))
  if (yMax - yMin < 1e-9) {
    yMin -= 0.05
    yMax += 0.05
  }
  const sx = (k: number) => (kMax === kMin ? width / 2 : pad + ((k - kMin) / (kMax - kMin)) * (width - 2 * pad))
  const sy = (s: number) => height - pad - ((s - yMin) / (yMax - yMin)) * (height - 2 * pad)
  const points = sorted.map((p) => ({ k: p.k, silhouette: p.silhouette, x: sx(p.k), y: sy(p.silhouette) }))
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')
  return { points, path, yMin, yMax }
}

export interface CloseK {
  k: number
  silhouette: number
  /** Its silhouette as a share of the best one on the curve. */
  ofBest: number
}

/**
 * The other k whose silhouette comes within `share` of the best (the `max` best of them, in k order): the silhouette peak is
 * the article's choice, but a close runner-up is often the granularity a reader expects (AG News: 3 groups by the
 * peak, where Business and Sci/Tech share one; 4 at 91 % of it), so the Run panel offers them in one click.
 */
export function closeAlternatives(curve: readonly { k: number; silhouette: number }[], chosenK: number, share = 0.9, max = 3): CloseK[] {
  const finite = curve.filter((p) => Number.isFinite(p.silhouette))
  const best = Math.max(...finite.map((p) => p.silhouette))
  if (!(best > 0)) return []
  return finite
    .filter((p) => p.k !== chosenK && p.silhouette >= share * best)
    .sort((a, b) => b.silhouette - a.silhouette || a.k - b.k)
    .slice(0, max)
    .sort((a, b) => a.k - b.k)
    .map((p) => ({ k: p.k, silhouette: p.silhouette, ofBest: p.silhouette / best }))
}
