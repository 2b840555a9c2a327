import { describe, expect, it } from 'vitest'
import { CATEGORY_MISSING } from '../../../src-main/contract'
import { PALETTE } from '../../../src-renderer/map/colors'
import { categoricalColors, MISSING_COLOR, numericColors, numericScale, OTHER_COLOR, scaleT, viridis } from '../../../src-renderer/map/column-colors'

describe('colour by metadata column', () => {
  it('gives the top N categories palette colours, rarer ones "other" grey, missing a faint grey', () => {
    const codes = new Uint16Array([0, 1, 2, 3, CATEGORY_MISSING])
    const rgba = categoricalColors(codes, 4, 2)
    expect(Array.from(rgba.subarray(0, 3))).toEqual([...PALETTE[0]])
    expect(Array.from(rgba.subarray(4, 7))).toEqual([...PALETTE[1]])
    expect(Array.from(rgba.subarray(8, 11))).toEqual([...OTHER_COLOR])
    expect(Array.from(rgba.subarray(12, 15))).toEqual([...OTHER_COLOR])
    expect(Array.from(rgba.subarray(16, 19))).toEqual([...MISSING_COLOR])
    expect(rgba[19]).toBeLessThan(rgba[3])
  })

  it('maps numbers linearly between min and max', () => {
    const values = new Float32Array([0, 5, 10, Number.NaN])
    const s = numericScale(values, 'linear')!
    expect(scaleT(s, 0)).toBe(0)
    expect(scaleT(s, 5)).toBeCloseTo(0.5)
    expect(scaleT(s, 10)).toBe(1)
    expect(scaleT(s, 99)).toBe(1)
    expect(scaleT(s, Number.NaN)).toBeNaN()
    const rgba = numericColors(values, s)
    expect(Array.from(rgba.subarray(0, 3))).toEqual([...viridis(0)])
    expect(Array.from(rgba.subarray(8, 11))).toEqual([...viridis(1)])
    expect(Array.from(rgba.subarray(12, 15))).toEqual([...MISSING_COLOR])
    expect(numericScale(new Float32Array([Number.NaN]), 'linear')).toBeNull()
  })

  it('spreads skewed data evenly with a quantile domain, where linear squeezes it into one colour', () => {
    // 1,000 values: most small, a few huge (like prices or counts).
    const values = new Float32Array(1000).map((_, i) => (i < 990 ? i : 1e6 + i))
    const q = numericScale(values, 'quantile')!
    const lin = numericScale(values, 'linear')!
    expect(scaleT(q, 495)).toBeGreaterThan(0.4)
    expect(scaleT(q, 495)).toBeLessThan(0.6)
    expect(scaleT(lin, 495)).toBeLessThan(0.01)
    // Monotonic.
    let prev = -1
    for (let i = 0; i < 1000; i += 7) {
      const t = scaleT(q, values[i])
      expect(t).toBeGreaterThanOrEqual(prev)
      prev = t
    }
    // A constant column does not divide by zero.
    const flat = numericScale(new Float32Array([3, 3, 3]), 'quantile')!
    expect(Number.isFinite(scaleT(flat, 3))).toBe(true)
  })
})
