import { describe, expect, it } from 'vitest'
import { minimapFrame, minimapRows, showMinimap } from '../../../src-renderer/map/minimap'

describe('minimap', () => {
  const frame = minimapFrame({ minX: 0, minY: 0, maxX: 10, maxY: 5 }, 168, 120)

  it('fits the data extent inside the inset with its aspect kept, and maps back', () => {
    const [x0, y0] = frame.toPx(0, 0)
    const [x1, y1] = frame.toPx(10, 5)
    expect(x0).toBeCloseTo(6)
    expect(x1).toBeCloseTo(162)
    expect((x1 - x0) / (y1 - y0)).toBeCloseTo(2)
    expect((y0 + y1) / 2).toBeCloseTo(60)
    const [dx, dy] = frame.toData(...frame.toPx(3, 4))
    expect(dx).toBeCloseTo(3)
    expect(dy).toBeCloseTo(4)
  })

  it('draws at most the cap, spread over all rows', () => {
    expect(minimapRows(10).length).toBe(10)
    const rows = minimapRows(1_000_000)
    expect(rows.length).toBeLessThanOrEqual(4000)
    expect(rows[rows.length - 1]).toBeGreaterThan(990_000)
  })

  it('shows only when zoomed in past the fit', () => {
    expect(showMinimap(3, 3)).toBe(false)
    expect(showMinimap(3.6, 3)).toBe(true)
  })
})
