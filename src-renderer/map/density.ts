import type { Theme } from './appearance'
import { DECK_THEMES } from './appearance'

/**
 * The optional density underlay, binned on the CPU: @deck.gl/aggregation-layers is not installed, and a GPU
 * heatmap would be slow on software WebGL anyway. One O(n) pass into a grid, drawn as one bitmap.
 */
export interface DensityGrid {
  width: number
  height: number
  counts: Uint32Array
  max: number
  /** Map-space bounds of the grid: [left, bottom, right, top] as BitmapLayer wants them (flipY view: y grows down). */
  bounds: [number, number, number, number]
}

export function densityGrid(coords: Float32Array, width = 256, height = 256): DensityGrid | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (minX > maxX) return null
  const dx = Math.max(maxX - minX, 1e-9)
  const dy = Math.max(maxY - minY, 1e-9)
  const counts = new Uint32Array(width * height)
  let max = 0
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue
    const gx = Math.min(width - 1, Math.floor(((x - minX) / dx) * width))
    const gy = Math.min(height - 1, Math.floor(((y - minY) / dy) * height))
    const c = ++counts[gy * width + gx]
    if (c > max) max = c
  }
  // Row 0 of the image holds the smallest y; with flipY the smallest y is drawn at the top, which is the image's top.
  return { width, height, counts, max, bounds: [minX, maxY, maxX, minY] }
}

/** RGBA pixels: the theme's density colour, alpha on a log scale so sparse areas still show. */
export function densityPixels(grid: DensityGrid, theme: Theme): Uint8ClampedArray<ArrayBuffer> {
  const [r, g, b] = DECK_THEMES[theme].density
  const out = new Uint8ClampedArray(grid.counts.length * 4)
  const logMax = Math.log1p(grid.max)
  for (let i = 0; i < grid.counts.length; i++) {
    const c = grid.counts[i]
    if (c === 0) continue
    out[i * 4] = r
    out[i * 4 + 1] = g
    out[i * 4 + 2] = b
    out[i * 4 + 3] = Math.round(30 + 170 * (Math.log1p(c) / logMax))
  }
  return out
}
