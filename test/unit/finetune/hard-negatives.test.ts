import { describe, expect, it } from 'vitest'
import { mineHardNegatives } from '../../../src-main/finetune/hard-negatives'

// One anchor e1 and corpus rows at known cosines to it; row 0 is the positive (0.9).
const cosines = [0.9, 0.95, 0.85, 0.78, 0.5, 0.3, -0.2]
const d = 4
const anchors = new Float32Array([1, 0, 0, 0])
const corpus = new Float32Array(cosines.flatMap((c) => [c, Math.sqrt(1 - c * c), 0, 0]))
const mine = (opts: Parameters<typeof mineHardNegatives>[1]) => mineHardNegatives({ dims: d, anchors, corpus, positives: [[0]] }, opts)

describe('mineHardNegatives (sentence-transformers semantics)', () => {
  it('top-k by cosine, the positive excluded', () => {
    const r = mine({ numNegatives: 2 })
    expect(Array.from(r.indices)).toEqual([1, 2])
    expect(r.scores[0]).toBeCloseTo(0.95, 6)
    expect(r.positiveScores[0]).toBeCloseTo(0.9, 6)
    expect(r.stats.rangeMax).toBe(3) // rangeMin + numNegatives + maxPositives
  })
  it('relative margin: drops negatives above pos − |pos|·margin (0.855), the false-negative guard', () => {
    const r = mine({ numNegatives: 2, relativeMargin: 0.05 })
    expect(Array.from(r.indices)).toEqual([2, 3])
    expect(r.stats.skipped.relativeMargin).toBe(1)
    expect(r.stats.rangeMax).toBe(21)
  })
  it('absolute margin: drops neg + margin > pos', () => {
    expect(Array.from(mine({ numNegatives: 2, absoluteMargin: 0.1 }).indices)).toEqual([3, 4])
  })
  it('max and min score caps', () => {
    expect(Array.from(mine({ numNegatives: 2, maxScore: 0.82 }).indices)).toEqual([3, 4])
    const r = mine({ numNegatives: 3, minScore: 0.4, maxScore: 0.82 })
    expect(Array.from(r.indices)).toEqual([3, 4, -1])
    expect(r.stats.anchorsShort).toBe(1)
    expect(Number.isNaN(r.scores[2])).toBe(true)
  })
  it('rangeMin skips the closest survivors; rangeMax bounds the window', () => {
    expect(Array.from(mine({ numNegatives: 2, rangeMin: 1 }).indices)).toEqual([2, 3])
    expect(Array.from(mine({ numNegatives: 2, rangeMin: 2, rangeMax: 4 }).indices)).toEqual([3, 4])
    expect(() => mine({ numNegatives: 3, rangeMin: 2, rangeMax: 4 })).toThrow(/Cannot mine 3 negatives/)
  })
  it('random sampling picks from the window, seeded, re-sorted by score', () => {
    const a = mine({ numNegatives: 2, rangeMax: 6, sampling: 'random', seed: 1 })
    expect(Array.from(a.indices)).toEqual(Array.from(mine({ numNegatives: 2, rangeMax: 6, sampling: 'random', seed: 1 }).indices))
    expect(a.scores[0]).toBeGreaterThanOrEqual(a.scores[1])
    for (const i of a.indices) expect([1, 2, 3, 4, 5, 6]).toContain(i)
  })
  it('statistics of positive vs negative similarity', () => {
    const r = mine({ numNegatives: 3 })
    expect(r.stats.positive.count).toBe(1)
    expect(r.stats.positive.mean).toBeCloseTo(0.9, 6)
    expect(r.stats.negative.count).toBe(3)
    expect(r.stats.negative.mean).toBeCloseTo((0.95 + 0.85 + 0.78) / 3, 6)
    expect(r.stats.negative.median).toBeCloseTo(0.85, 6)
    expect(r.stats.negative.q25).toBeCloseTo((0.78 + 0.85) / 2, 6)
    expect(r.stats.difference.min).toBeCloseTo(-0.05, 6)
  })
  it('several positives: all excluded, margins use the lowest', () => {
    const r = mineHardNegatives({ dims: d, anchors, corpus, positives: [[0, 2]] }, { numNegatives: 2, absoluteMargin: 0 })
    // lowest positive 0.85: 0.95 is removed by the margin, 0.85 is a positive.
    expect(Array.from(r.indices)).toEqual([3, 4])
  })
})
