import { describe, expect, it } from 'vitest'
import { keywordFilter, searchTopK } from '../../../src-main/analyze/search'
import { randomUnit } from './helpers'

describe('search', () => {
  for (const [n, d] of [
    [500, 16],
    [20000, 256],
  ] as const) {
    it(`top-k by dot product equals a full sort (${n}×${d})`, async () => {
      const X = randomUnit(n, d, 4)
      const q = X.data.slice(7 * d, 8 * d)
      const r = await searchTopK(X, q, 5)
      const dots = Array.from({ length: n }, (_, i) => {
        let s = 0
        for (let t = 0; t < d; t++) s += X.data[i * d + t] * q[t]
        return s
      })
      const order = dots.map((_, i) => i).sort((a, b) => dots[b] - dots[a])
      expect(Array.from(r.indices)).toEqual(order.slice(0, 5))
      expect(r.indices[0]).toBe(7)
      expect(r.scores[0]).toBeCloseTo(1, 4)
    })
  }

  it('honours a mask and k > matches', async () => {
    const X = randomUnit(50, 8, 1)
    const mask = new Uint8Array(50)
    mask[3] = mask[9] = 1
    const r = await searchTopK(X, X.data.slice(0, 8), 10, { mask })
    expect(Array.from(r.indices).sort()).toEqual([3, 9])
    await expect(searchTopK(X, new Float32Array(3), 2)).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('keyword filter: all/any terms, phrases, case and width folding, Chinese substrings', () => {
    const texts = ['The Quick brown fox', 'quick thinking', 'ＦＯＸ news', '机器学习很有趣', 'a brown dog']
    expect(Array.from(keywordFilter(texts, 'quick fox'))).toEqual([1, 0, 0, 0, 0])
    expect(Array.from(keywordFilter(texts, 'quick fox', { mode: 'any' }))).toEqual([1, 1, 1, 0, 0])
    expect(Array.from(keywordFilter(texts, '"brown dog"'))).toEqual([0, 0, 0, 0, 1])
    expect(Array.from(keywordFilter(texts, '学习'))).toEqual([0, 0, 0, 1, 0])
    expect(Array.from(keywordFilter(texts, '  '))).toEqual([1, 1, 1, 1, 1])
  })
})
