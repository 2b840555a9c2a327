import { describe, expect, it } from 'vitest'
import { CATEGORY_MISSING } from '../../../src-main/contract'
import type { ColumnValues } from '../../../src-renderer/map/decode'
import {
  countMatches,
  crossFilterHistogram,
  dimColors,
  failCounts,
  isActive,
  matchMask,
  MISSING_KEY,
  OTHER_KEY,
  passMask,
} from '../../../src-renderer/map/filters'

const M = CATEGORY_MISSING
// Six rows: colour (categorical) and price (numeric).
const colour: ColumnValues = {
  header: { kind: 'column', type: 'categorical', column: 1, name: 'colour', n: 6, categories: ['red', 'blue'], counts: [3, 1], otherCount: 1, missing: 1 },
  codes: new Uint16Array([0, 0, 1, 2, M, 0]), // red red blue <other> <missing> red
}
const price: ColumnValues = {
  header: { kind: 'column', type: 'numeric', column: 2, name: 'price', n: 6, unit: 'number', min: 0, max: 10, missing: 1 },
  values: new Float32Array([0, 5, 10, Number.NaN, 2, 9]),
}

describe('metadata filters', () => {
  it('builds pass masks: categorical by value (incl. other and missing), numeric by closed range, NaN never passes', () => {
    expect(Array.from(passMask({ type: 'categorical', column: 1, include: ['red'] }, colour))).toEqual([1, 1, 0, 0, 0, 1])
    expect(Array.from(passMask({ type: 'categorical', column: 1, include: [OTHER_KEY, MISSING_KEY, 'nope'] }, colour))).toEqual([0, 0, 0, 1, 1, 0])
    expect(Array.from(passMask({ type: 'numeric', column: 2, min: 2, max: 9 }, price))).toEqual([0, 1, 0, 0, 1, 1])
    expect(Array.from(passMask({ type: 'numeric', column: 2, min: 5, max: null }, price))).toEqual([0, 1, 1, 0, 0, 1])
    expect(() => passMask({ type: 'numeric', column: 1, min: 0, max: 1 }, colour)).toThrow(/not numeric/)
    // A new filter restricts nothing until a value or bound is picked.
    expect(isActive({ type: 'categorical', column: 1, include: [] })).toBe(false)
    expect(isActive({ type: 'numeric', column: 2, min: null, max: null })).toBe(false)
    expect(isActive({ type: 'numeric', column: 2, min: null, max: 3 })).toBe(true)
  })

  it('matches rows passing every filter and dims the rest instead of hiding them', () => {
    const red = passMask({ type: 'categorical', column: 1, include: ['red'] }, colour)
    const cheap = passMask({ type: 'numeric', column: 2, min: 0, max: 6 }, price)
    const fails = failCounts([red, cheap], 6)
    expect(Array.from(fails)).toEqual([0, 0, 2, 2, 1, 1])
    const match = matchMask(fails)!
    expect(Array.from(match)).toEqual([1, 1, 0, 0, 0, 0])
    expect(countMatches(match, 6)).toBe(2)
    expect(matchMask(null)).toBeNull()
    expect(countMatches(null, 6)).toBe(6)
    const base = new Uint8Array(6 * 4).fill(200)
    const dimmed = dimColors(base, match, [1, 2, 3, 4])
    expect(dimmed).toHaveLength(24) // every point is still drawn
    expect(Array.from(dimmed.subarray(0, 4))).toEqual([200, 200, 200, 200])
    expect(Array.from(dimmed.subarray(8, 12))).toEqual([1, 2, 3, 4])
    expect(dimColors(base, null, [0, 0, 0, 0])).toBe(base)
  })

  it('counts each histogram over the rows that pass all the OTHER filters', () => {
    const red = passMask({ type: 'categorical', column: 1, include: ['red'] }, colour)
    const cheap = passMask({ type: 'numeric', column: 2, min: 0, max: 6 }, price)
    const fails = failCounts([red, cheap], 6)
    // Colour histogram ignores the colour filter itself: rows with price in 0–6 are 0, 1, 4 → red, red, missing.
    const h = crossFilterHistogram(colour, fails, red)
    expect(h.bins.map((b) => b.key)).toEqual(['red', 'blue', OTHER_KEY, MISSING_KEY])
    expect(Array.from(h.counts)).toEqual([2, 0, 0, 1])
    expect(Array.from(h.totals)).toEqual([3, 1, 1, 1])
    // Price histogram ignores the price filter: red rows 0, 1, 5 → prices 0, 5, 9.
    const p = crossFilterHistogram(price, fails, cheap, 12, 10)
    expect(p.bins).toHaveLength(10)
    expect(p.counts.reduce((a, b) => a + b, 0)).toBe(3)
    expect(p.counts[0]).toBe(1)
    expect(p.counts[5]).toBe(1)
    expect(p.counts[9]).toBe(1)
    expect(p.totals.reduce((a, b) => a + b, 0)).toBe(5) // NaN is not binned
    // An unfiltered column's histogram counts rows passing every filter.
    const unfiltered = crossFilterHistogram(colour, failCounts([cheap], 6), null)
    expect(Array.from(unfiltered.counts)).toEqual([2, 0, 0, 1])
  })

  it('stays linear at a million rows', () => {
    const n = 1_000_000
    const big: ColumnValues = { header: { ...price.header, n, min: 0, max: 1 } as never, values: new Float32Array(n).map((_, i) => (i % 1000) / 1000) }
    const t0 = performance.now()
    const mask = passMask({ type: 'numeric', column: 2, min: 0.25, max: 0.5 }, big)
    const fails = failCounts([mask], n)
    const match = matchMask(fails)
    crossFilterHistogram(big, fails, mask)
    expect(countMatches(match, n)).toBe(251_000)
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})
