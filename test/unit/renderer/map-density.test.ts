import { describe, expect, it } from 'vitest'
import { densityBands, densityGrid, densityPixels } from '../../../src-renderer/map/density'

/** Two Gaussian-ish blobs of 200 points each (a deterministic spiral sample), like a small map. */
function blobs(): Float32Array {
  const out: number[] = []
  for (const [cx, cy] of [
    [2, 3],
    [7, 4],
  ]) {
    for (let i = 0; i < 200; i++) {
      const r = Math.sqrt(i / 200) * 1.5
      const a = i * 2.399963
      out.push(cx + r * Math.cos(a), cy + r * Math.sin(a))
    }
  }
  return Float32Array.from(out)
}

describe('density contours', () => {
  it('covers the blobs with several contour bands, not isolated specks under the points', () => {
    const grid = densityGrid(blobs())!
    const bands = densityBands(grid)
    const drawn = bands.filter((b) => b > 0).length
    // The blobs cover ~2 × π·1.5² of a ~10-wide map: a good share of the grid is shaded, not a few hundred cells.
    expect(drawn / bands.length).toBeGreaterThan(0.05)
    expect(new Set(bands).size).toBeGreaterThanOrEqual(5)
  })

  it('draws visible pixels, with the outer contours closed inside the image', () => {
    const grid = densityGrid(blobs())!
    const px = densityPixels(grid, 'light')
    let opaque = 0
    for (let i = 3; i < px.length; i += 4) if (px[i] >= 100) opaque++
    expect(opaque).toBeGreaterThan(200)
    // The image's border rows and columns stay empty: the density fell to zero before the edge.
    const w = grid.width
    for (let x = 0; x < w; x++) {
      expect(px[x * 4 + 3]).toBe(0)
      expect(px[((w - 1) * w + x) * 4 + 3]).toBe(0)
    }
  })

  it('maps the grid over the data with y flipped for the flipY view', () => {
    const grid = densityGrid(blobs())!
    const [left, bottom, right, top] = grid.bounds
    expect(left).toBeLessThan(0.5)
    expect(right).toBeGreaterThan(8.5)
    expect(top).toBeLessThan(bottom)
  })
})
