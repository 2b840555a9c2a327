import { describe, expect, it } from 'vitest'
import { tooltipPlacement } from '../../../src-renderer/map/tooltip-placement'

/** The box a tooltip of the given content size would take, clipped to its maxima. */
function box(p: ReturnType<typeof tooltipPlacement>, width: number, height: number, w = 360, h = 400) {
  const bw = Math.min(w, p.maxWidth)
  const bh = Math.min(h, p.maxHeight)
  const left = p.left ?? width - (p.right ?? 0) - bw
  const top = p.top ?? height - (p.bottom ?? 0) - bh
  return { left, top, right: left + bw, bottom: top + bh }
}

describe('tooltip placement', () => {
  it('stays inside the canvas wherever the pointer is, for a tall tooltip too', () => {
    for (const [x, y] of [
      [5, 5],
      [795, 5],
      [5, 495],
      [795, 495],
      [400, 250],
      [400, 490],
    ]) {
      const p = tooltipPlacement(x, y, 800, 500)
      const b = box(p, 800, 500)
      expect(b.left).toBeGreaterThanOrEqual(0)
      expect(b.top).toBeGreaterThanOrEqual(0)
      expect(b.right).toBeLessThanOrEqual(800)
      expect(b.bottom).toBeLessThanOrEqual(500)
    }
  })

  it('opens towards the side with more room', () => {
    expect(tooltipPlacement(700, 450, 800, 500).bottom).toBeDefined()
    expect(tooltipPlacement(100, 50, 800, 500).top).toBeDefined()
    expect(tooltipPlacement(700, 50, 800, 500).right).toBeDefined()
  })

  it('uses the whole width on a canvas narrower than the tooltip', () => {
    const p = tooltipPlacement(150, 100, 300, 400)
    expect(p.left).toBe(6)
    expect(p.maxWidth).toBe(288)
  })
})
