import { describe, expect, it } from 'vitest'
import { flaggedCount, flaggedMask, flaggedRows, scoreHistogram } from '../../../src-renderer/map/anomaly-threshold'

describe('anomaly threshold', () => {
  const scores = new Float32Array([0, 0.05, 0.1, 0.5, 0.95, 1, Number.NaN, 0.5])

  it('bins scores over [0, 1] with 1 in the last bin and NaN skipped', () => {
    expect(Array.from(scoreHistogram(scores, 10))).toEqual([2, 1, 0, 0, 0, 2, 0, 0, 0, 2])
    expect(Array.from(scoreHistogram(scores, 2))).toEqual([3, 4])
    const total = scoreHistogram(scores, 7).reduce((a, b) => a + b, 0)
    expect(total).toBe(7)
  })

  it('flags rows at or above the threshold, and the count falls as the threshold rises', () => {
    expect(flaggedCount(scores, 0.5)).toBe(4)
    expect(flaggedCount(scores, 0.51)).toBe(2)
    expect(flaggedCount(scores, 1)).toBe(1)
    expect(flaggedCount(scores, 0)).toBe(7)
    expect(Array.from(flaggedMask(scores, 0.5))).toEqual([0, 0, 0, 1, 1, 1, 0, 1])
  })

  it('lists flagged rows most unusual first, ties by row', () => {
    expect(flaggedRows(scores, 0.5)).toEqual([5, 4, 3, 7])
  })
})
