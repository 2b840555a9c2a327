import { describe, expect, it } from 'vitest'
import { duplicates, normalizeText } from '../../../src-main/analyze/duplicates'
import { normalizeRows } from '../../../src-main/analyze/common'
import { gaussian, randomUnit } from './helpers'
import { seededRandom } from '../../../src-main/analyze/common'

describe('duplicates', () => {
  // 40 distinct rows; rows 40..59 are near-copies of rows 0..9 (2 each), rows 60..64 exact text copies
  const d = 32
  const base = randomUnit(40, d, 1)
  const n = 65
  const data = new Float32Array(n * d)
  data.set(base.data)
  const g = gaussian(seededRandom(2))
  for (let i = 40; i < 60; i++) {
    const src = (i - 40) % 10
    for (let t = 0; t < d; t++) data[i * d + t] = base.data[src * d + t] + (0.02 * g()) / Math.sqrt(d)
  }
  for (let i = 60; i < 65; i++) for (let t = 0; t < d; t++) data[i * d + t] = base.data[(20 + i - 60) * d + t] * 0.9 + (0.5 * g()) / Math.sqrt(d)
  normalizeRows({ data, n, d })
  const X = { data, n, d }
  const texts = Array.from({ length: n }, (_, i) => `text number ${i}`)
  for (let i = 60; i < 65; i++) texts[i] = `  TEXT   number ${20 + i - 60} ` // same text after normalization

  it('groups near-duplicate vectors and exact texts, one keeper each', async () => {
    const r = await duplicates(X, { texts, threshold: 0.02 })
    expect(r.groups).toHaveLength(15)
    const byFirst = new Map(r.groups.map((gr) => [gr.rows[0], gr]))
    for (let src = 0; src < 10; src++) {
      const gr = byFirst.get(src)!
      expect(gr.rows).toEqual([src, 40 + src, 50 + src])
      expect(gr.kind).toBe('near')
      expect(gr.rows).toContain(gr.keeper)
      expect(gr.maxDistance).toBeLessThanOrEqual(0.02)
    }
    for (let k = 0; k < 5; k++) {
      const gr = byFirst.get(20 + k)!
      expect(gr.rows).toEqual([20 + k, 60 + k])
      expect(gr.kind).toBe('exact-text')
    }
    expect(r.redundantRows).toBe(25)
    expect(r.groupOf[0]).toBe(r.groupOf[40])
    expect(r.groupOf[30]).toBe(-1)
  })

  it("keeper 'first' is the first occurrence; 'centroid' is the most central row", async () => {
    const first = await duplicates(X, { keeper: 'first' })
    for (const gr of first.groups) expect(gr.keeper).toBe(gr.rows[0])
    // a group of 3 collinear-ish rows: the middle one is closest to the centroid
    const m = { data: normalizeRows({ data: Float32Array.from([1, 0, 1, 0.01, 1, 0.02, 0, 1]), n: 4, d: 2 }).data, n: 4, d: 2 }
    const r = await duplicates(m, { threshold: 0.001 })
    expect(r.groups).toHaveLength(1)
    expect(r.groups[0].rows).toEqual([0, 1, 2])
    expect(r.groups[0].keeper).toBe(1)
  })

  it('works on texts alone', async () => {
    const r = await duplicates(null, { texts: ['A b', 'a  B', 'c', 'Ｃ'] })
    expect(r.groups.map((gr) => gr.rows)).toEqual([
      [0, 1],
      [2, 3],
    ])
    expect(normalizeText(' Ｈｅｌｌｏ\tWORLD ')).toBe('hello world')
  })
})
