import { describe, expect, it } from 'vitest'
import { topRows } from '../../../src-main/analyze/top-rows'

/** What the summary did before: every row number sorted by value, highest first, ties by row. */
const bySort = (v: Float32Array, top: number) =>
  Array.from({ length: v.length }, (_, i) => i)
    .sort((a, b) => v[b] - v[a] || a - b)
    .slice(0, top)

describe('top rows by value', () => {
  it('gives the same rows in the same order as sorting everything, ties included', () => {
    let seed = 3
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    // values on a coarse grid, so many ties
    const v = Float32Array.from({ length: 20_000 }, () => Math.round(rnd() * 50) / 50)
    for (const top of [1, 2, 20, 1000]) expect(topRows(v, top)).toEqual(bySort(v, top))
  })

  it('handles fewer rows than asked, an empty input and top 0', () => {
    expect(topRows(Float32Array.of(0.2, 0.9, 0.5), 10)).toEqual([1, 2, 0])
    expect(topRows(new Float32Array(0), 5)).toEqual([])
    expect(topRows(Float32Array.of(1, 2), 0)).toEqual([])
  })

  it('takes one pass over 1M rows (the map summary of a 1M-point run) in well under the sort’s time', () => {
    const v = Float32Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453))
    const t0 = performance.now()
    const fast = topRows(v, 20)
    const fastMs = performance.now() - t0
    const t1 = performance.now()
    const slow = bySort(v, 20)
    const slowMs = performance.now() - t1
    expect(fast).toEqual(slow)
    expect(fastMs).toBeLessThan(slowMs / 5)
  })
})
