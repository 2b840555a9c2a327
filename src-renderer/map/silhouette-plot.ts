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
