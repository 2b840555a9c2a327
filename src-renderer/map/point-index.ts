/**
 * Hover and click picking on the CPU: a uniform grid over the points' map coordinates. deck.gl's GPU picking draws
 * every point again into a picking buffer and reads a pixel back, which stalls on the GPU (100–500 ms per pick for
 * 20k points on software WebGL, seconds at 1M); a grid lookup touches only the points near the pointer.
 */
export interface PointIndex {
  n: number
  minX: number
  minY: number
  /** Cells per map unit. */
  scale: number
  cols: number
  rows: number
  /** Points of cell c are items[start[c]] … items[start[c + 1] - 1], in row order. */
  start: Uint32Array
  items: Uint32Array
}

/** About this many points per cell on average; dense clusters have more, which the lookup handles. */
const POINTS_PER_CELL = 4
const MAX_CELLS_PER_SIDE = 2048

/** Builds the grid in two passes (count, then place): O(n), two Uint32Arrays, no per-point objects. */
export function buildPointIndex(coords: Float32Array): PointIndex {
  const n = coords.length >> 1
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i < n; i++) {
    const x = coords[2 * i]
    const y = coords[2 * i + 1]
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (n === 0) return { n, minX: 0, minY: 0, scale: 1, cols: 1, rows: 1, start: new Uint32Array(2), items: new Uint32Array(0) }
  const w = Math.max(maxX - minX, 1e-9)
  const h = Math.max(maxY - minY, 1e-9)
  const side = Math.min(MAX_CELLS_PER_SIDE, Math.max(1, Math.ceil(Math.sqrt(n / POINTS_PER_CELL))))
  const scale = side / Math.max(w, h)
  const cols = Math.min(MAX_CELLS_PER_SIDE, Math.floor(w * scale) + 1)
  const rows = Math.min(MAX_CELLS_PER_SIDE, Math.floor(h * scale) + 1)
  const cellOf = new Uint32Array(n)
  const start = new Uint32Array(cols * rows + 1)
  for (let i = 0; i < n; i++) {
    const cx = Math.min(cols - 1, Math.floor((coords[2 * i] - minX) * scale))
    const cy = Math.min(rows - 1, Math.floor((coords[2 * i + 1] - minY) * scale))
    const c = cy * cols + cx
    cellOf[i] = c
    start[c + 1]++
  }
  for (let c = 0; c < cols * rows; c++) start[c + 1] += start[c]
  const fill = start.slice(0, cols * rows)
  const items = new Uint32Array(n)
  for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i
  return { n, minX, minY, scale, cols, rows, start, items }
}

/**
 * The point under (x, y), in map units: of the points whose disc (radius `radius`) covers it, the one drawn on top
 * (deck.gl draws in row order, so the highest row); else the nearest within `radius + slack`; else -1.
 * `skip(row)` leaves points out (hidden clusters).
 */
export function pickPoint(
  index: PointIndex,
  coords: Float32Array,
  x: number,
  y: number,
  radius: number,
  slack: number,
  skip?: (row: number) => boolean,
): number {
  const reach = radius + slack
  const x0 = Math.max(0, Math.floor((x - reach - index.minX) * index.scale))
  const x1 = Math.min(index.cols - 1, Math.floor((x + reach - index.minX) * index.scale))
  const y0 = Math.max(0, Math.floor((y - reach - index.minY) * index.scale))
  const y1 = Math.min(index.rows - 1, Math.floor((y + reach - index.minY) * index.scale))
  const r2 = radius * radius
  const reach2 = reach * reach
  let top = -1
  let nearest = -1
  let nearestD2 = Infinity
  for (let cy = y0; cy <= y1; cy++) {
    for (let cx = x0; cx <= x1; cx++) {
      const c = cy * index.cols + cx
      for (let k = index.start[c], end = index.start[c + 1]; k < end; k++) {
        const row = index.items[k]
        const dx = coords[2 * row] - x
        const dy = coords[2 * row + 1] - y
        const d2 = dx * dx + dy * dy
        if (d2 > reach2 || (skip && skip(row))) continue
        if (d2 <= r2 && row > top) top = row
        if (d2 < nearestD2 || (d2 === nearestD2 && row > nearest)) {
          nearestD2 = d2
          nearest = row
        }
      }
    }
  }
  return top >= 0 ? top : nearest
}
