/** The bounding box of a map's points in data coordinates; null when no point has finite coordinates. */
export interface Extent {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

export function dataExtent(coords: Float32Array): Extent | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return minX > maxX ? null : { minX, minY, maxX, maxY }
}

/** Width and height, never 0 (a single point, or all points on a line, still has a size to fit). */
export function extentSize(e: Extent): { dx: number; dy: number } {
  const dx = e.maxX - e.minX
  const dy = e.maxY - e.minY
  const floor = Math.max(dx, dy, 1e-6) * 1e-3
  return { dx: Math.max(dx, floor), dy: Math.max(dy, floor) }
}
