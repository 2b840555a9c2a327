import { describe, expect, it } from 'vitest'
import { declutterLabels, labelWidth, labelZoomStep } from '../../../src-renderer/map/labels'

const l = (label: string, x: number, y: number, size: number) => ({ label, x, y, size })

describe('cluster label decluttering', () => {
  it('keeps the bigger cluster when two labels overlap, and shows both once zoomed in far enough', () => {
    const labels = [l('small one', 0, 0.5, 10), l('big one', 0, 0, 100)]
    // At zoom 0 the centres are 0.5 px apart: only the bigger label survives.
    expect(declutterLabels(labels, 0).map((x) => x.label)).toEqual(['big one'])
    // At zoom 6 they are 32 px apart vertically, more than a label is tall.
    expect(declutterLabels(labels, 6).map((x) => x.label)).toEqual(['big one', 'small one'])
  })

  it('shows more labels as the zoom grows, never fewer, and kept labels never overlap', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const labels = Array.from({ length: 300 }, (_, i) => l(`cluster ${i} ${'x'.repeat(i % 9)}`, rnd() * 100, rnd() * 100, Math.floor(rnd() * 1000)))
    let previous = 0
    for (const zoom of [-2, 0, 1, 2, 3, 4, 6]) {
      const kept = declutterLabels(labels, zoom)
      expect(kept.length).toBeGreaterThanOrEqual(previous)
      previous = kept.length
      const s = 2 ** zoom
      for (let i = 0; i < kept.length; i++) {
        for (let j = i + 1; j < kept.length; j++) {
          const a = kept[i]
          const b = kept[j]
          const overlapX = Math.abs(a.x - b.x) * s * 2 < labelWidth(a.label) + labelWidth(b.label) + 12
          const overlapY = Math.abs(a.y - b.y) * s * 2 < 2 * (14 * 1.2 + 4 + 6)
          expect(overlapX && overlapY).toBe(false)
        }
      }
    }
    expect(declutterLabels(labels, -2).length).toBeLessThan(20)
    expect(declutterLabels(labels, 16).length).toBe(300)
  })

  it('measures CJK labels wider than Latin ones, skips non-finite centres, and steps the zoom by quarters', () => {
    expect(labelWidth('股票市场')).toBeGreaterThan(labelWidth('abcd'))
    expect(declutterLabels([l('a', Number.NaN, 0, 5)], 0)).toEqual([])
    expect(labelZoomStep(1.13)).toBe(1.25)
    expect(labelZoomStep(-0.6)).toBe(-0.5)
  })
})
