import type { Theme } from './appearance'
import { DECK_THEMES } from './appearance'

/**
 * The optional density underlay: a kernel density estimate binned and smoothed on the CPU (@deck.gl/aggregation-layers
 * is not installed, and a GPU heatmap would be slow on software WebGL anyway), drawn as one bitmap of filled contour
 * bands with a line at each band's edge, like Embedding Atlas's KDE contours. O(n) binning plus O(grid) blurring.
 */
export interface DensityGrid {
  width: number
  height: number
  /** Smoothed density per cell (any unit; only ratios to `max` matter). */
  density: Float32Array
  max: number
  /** Map-space bounds of the grid: [left, bottom, right, top] as BitmapLayer wants them (flipY view: y grows down). */
  bounds: [number, number, number, number]
}

/** Contour bands between 0 and the peak density. */
export const DENSITY_LEVELS = 7

/** The kernel's width in grid cells: Scott's rule for 2-D data (σ · n^(-1/6)), σ taken as a quarter of the grid. */
export function bandwidthCells(n: number, cells: number): number {
  return Math.max(1.5, (cells / 4) * Math.pow(Math.max(n, 1), -1 / 6) * 0.6)
}

export function densityGrid(coords: Float32Array, cells = 256): DensityGrid | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  let n = 0
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue
    n++
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  if (minX > maxX) return null
  const h = bandwidthCells(n, cells)
  // A margin of three bandwidths around the points, so the outer contours close instead of being cut at the edge.
  const inner = cells - 2 * Math.ceil(3 * h)
  const span = Math.max(maxX - minX, maxY - minY, 1e-9)
  const unit = span / Math.max(inner, 8)
  const cx = (minX + maxX) / 2
  const cy = (minY + maxY) / 2
  const left = cx - (cells / 2) * unit
  const top = cy - (cells / 2) * unit
  const counts = new Float32Array(cells * cells)
  for (let i = 0; i + 1 < coords.length; i += 2) {
    const x = coords[i]
    const y = coords[i + 1]
    if (!(Number.isFinite(x) && Number.isFinite(y))) continue
    const gx = Math.min(cells - 1, Math.max(0, Math.floor((x - left) / unit)))
    const gy = Math.min(cells - 1, Math.max(0, Math.floor((y - top) / unit)))
    counts[gy * cells + gx]++
  }
  // Three box blurs approximate a Gaussian: radius r gives variance r(r+1)/3 per pass, so σ = h needs r(r+1) = h².
  const r = Math.max(1, Math.round(Math.sqrt(h * h + 0.25) - 0.5))
  const density = blur(blur(blur(counts, cells, r), cells, r), cells, r)
  let max = 0
  for (let i = 0; i < density.length; i++) if (density[i] > max) max = density[i]
  // Row 0 of the image holds the smallest y; with flipY the smallest y is drawn at the top, which is the image's top.
  return { width: cells, height: cells, density, max, bounds: [left, top + cells * unit, left + cells * unit, top] }
}

/** One separable box blur of radius r over a square grid (horizontal then vertical), edges treated as empty. */
function blur(src: Float32Array, size: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length)
  const out = new Float32Array(src.length)
  const norm = 1 / (2 * r + 1)
  for (let y = 0; y < size; y++) {
    let acc = 0
    for (let x = -r; x <= r; x++) if (x >= 0 && x < size) acc += src[y * size + x]
    for (let x = 0; x < size; x++) {
      tmp[y * size + x] = acc * norm
      const add = x + r + 1
      const drop = x - r
      if (add < size) acc += src[y * size + add]
      if (drop >= 0) acc -= src[y * size + drop]
    }
  }
  for (let x = 0; x < size; x++) {
    let acc = 0
    for (let y = -r; y <= r; y++) if (y >= 0 && y < size) acc += tmp[y * size + x]
    for (let y = 0; y < size; y++) {
      out[y * size + x] = acc * norm
      const add = y + r + 1
      const drop = y - r
      if (add < size) acc += tmp[add * size + x]
      if (drop >= 0) acc -= tmp[drop * size + x]
    }
  }
  return out
}

/** The contour band of each cell: 0 (below the lowest contour, transparent) to DENSITY_LEVELS. */
export function densityBands(grid: DensityGrid, levels = DENSITY_LEVELS): Uint8Array {
  const out = new Uint8Array(grid.density.length)
  if (grid.max <= 0) return out
  for (let i = 0; i < out.length; i++) out[i] = Math.min(levels, Math.floor((grid.density[i] / grid.max) * levels + 0.5))
  return out
}

/** RGBA pixels: filled bands in the theme's density colour, denser = more opaque, and a stronger line at each band edge. */
export function densityPixels(grid: DensityGrid, theme: Theme): Uint8ClampedArray<ArrayBuffer> {
  const [r, g, b] = DECK_THEMES[theme].density
  const bands = densityBands(grid)
  const w = grid.width
  const out = new Uint8ClampedArray(bands.length * 4)
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i]
    const x = i % w
    const edge = (x + 1 < w && bands[i + 1] !== band) || (i + w < bands.length && bands[i + w] !== band)
    if (band === 0 && !edge) continue
    out[i * 4] = r
    out[i * 4 + 1] = g
    out[i * 4 + 2] = b
    out[i * 4 + 3] = edge ? 150 : 18 + 16 * band
  }
  return out
}
