/**
 * How much of the data a view shows, to tell a usable remembered view from a lost one: the share of points on the
 * canvas, and how large those points' on-screen box is next to the canvas's shorter side.
 */
export interface ViewCoverage {
  /** Points inside the canvas / all points with finite coordinates (0 when there are none). */
  shownShare: number
  /** The larger side of the on-screen box of the shown points / the canvas's shorter side. */
  spanShare: number
}

/** A remembered view is kept only if it shows at least half the points, spread over at least a quarter of the canvas. */
export const MIN_SHOWN_SHARE = 0.5
export const MIN_SPAN_SHARE = 0.25

export function viewCoverage(coords: Float32Array, target: readonly number[], zoom: number, width: number, height: number): ViewCoverage {
  const scale = 2 ** zoom
  let total = 0
  let shown = 0
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    total++
    const sx = (x - target[0]) * scale + width / 2
    const sy = (y - target[1]) * scale + height / 2
    if (sx < 0 || sy < 0 || sx > width || sy > height) continue
    shown++
    if (sx < minX) minX = sx
    if (sx > maxX) maxX = sx
    if (sy < minY) minY = sy
    if (sy > maxY) maxY = sy
  }
  if (!shown) return { shownShare: 0, spanShare: 0 }
  return { shownShare: shown / total, spanShare: Math.max(maxX - minX, maxY - minY) / Math.max(1, Math.min(width, height)) }
}

export function showsData(c: ViewCoverage): boolean {
  return c.shownShare >= MIN_SHOWN_SHARE && c.spanShare >= MIN_SPAN_SHARE
}
