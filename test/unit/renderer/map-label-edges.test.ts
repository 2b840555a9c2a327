import { describe, expect, it } from 'vitest'
import { LABEL_EDGE_PAD, labelEdgeOffsets } from '../../../src-renderer/map/label-edges'
import { labelWidth } from '../../../src-renderer/map/labels'

describe('labels kept inside the canvas', () => {
  const label = { idx: 7, label: 'gold · oil · british', x: 0, y: 0 }
  const half = labelWidth(label.label) / 2

  it('shifts a label whose box crosses the left or bottom edge back inside', () => {
    // Anchor 10 px from the left edge, 5 px from the bottom of an 800 × 600 canvas (zoom 0: 1 unit = 1 px).
    const at = { ...label, x: -390, y: 295 }
    const off = labelEdgeOffsets([at], [0, 0], 0, 800, 600).get(7)!
    expect(10 + off[0] - half).toBeCloseTo(LABEL_EDGE_PAD, 6)
    expect(300 + 295 + off[1]).toBeLessThan(600)
    expect(off[1]).toBeLessThan(0)
  })

  it('leaves labels well inside, and labels anchored off screen, alone', () => {
    expect(labelEdgeOffsets([{ ...label, x: 0, y: 0 }], [0, 0], 0, 800, 600).size).toBe(0)
    expect(labelEdgeOffsets([{ ...label, x: -500, y: 0 }], [0, 0], 0, 800, 600).size).toBe(0)
  })

  it('centres a label wider than the canvas', () => {
    const off = labelEdgeOffsets([{ ...label, x: 10, y: 0 }], [0, 0], 0, 2 * half, 600).get(7)!
    expect(half + 10 + off[0]).toBeCloseTo(half, 6)
  })
})
