import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { anomalies, matrix, standardized, textSurprisal } from '../../../src-main/analyze'
import { sharedData } from '../../helpers/tmp'

const news = (parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as { text: string }[])
  .slice(0, 300)
  .map((r) => r.text)

const top = (x: Float32Array, n: number) =>
  Array.from(x.keys())
    .sort((a, b) => x[b] - x[a])
    .slice(0, n)

describe('textSurprisal', () => {
  it('ranks another script and random characters above every news row', async () => {
    const texts = [...news.slice(0, 150), '房间干净舒服，交通比较方便，但是早餐一般。', ...news.slice(150), 'qz7 xk2vw 9pl0 mmq8z trw4 jjx']
    const s = await textSurprisal(texts)
    expect(new Set(top(s, 2))).toEqual(new Set([150, texts.length - 1]))
    for (const v of s) expect(Number.isFinite(v)).toBe(true)
  })

  it('does not let a row explain itself (leave-one-out): a unique string scores as unusual although it is in the training rows', async () => {
    const odd = 'ϞϟϠϡ ϢϣϤϥ ϦϧϨϩ'
    const s = await textSurprisal([...news, odd])
    expect(top(s, 1)).toEqual([news.length])
  })

  it('scores empty and whitespace rows, and rows outside a training sample, with finite values', async () => {
    const texts = ['', '   ', ...news]
    const full = await textSurprisal(texts)
    const sampled = await textSurprisal(texts, { sampleSize: 100, seed: 3 })
    for (const v of [...full, ...sampled]) expect(Number.isFinite(v)).toBe(true)
    // a model trained on a third of the rows still orders the rows much like the full one
    const rank = (x: Float32Array) => {
      const r = new Float64Array(x.length)
      Array.from(x.keys())
        .sort((a, b) => x[a] - x[b])
        .forEach((i, j) => (r[i] = j))
      return r
    }
    const a = rank(full)
    const b = rank(sampled)
    const n = a.length
    let d2 = 0
    for (let i = 0; i < n; i++) d2 += (a[i] - b[i]) ** 2
    expect(1 - (6 * d2) / (n * (n * n - 1))).toBeGreaterThan(0.8)
  })

  it('is cancellable', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(textSurprisal(news, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})

describe("anomalies 'knn-text'", () => {
  it('needs the texts, and says which score flagged each row', async () => {
    // two tight blobs of vectors; one row's text is gibberish, one row's vector sits between the blobs
    const n = 60
    const d = 4
    const data = new Float32Array(n * d)
    for (let i = 0; i < n; i++) {
      const blob = i % 2
      data[i * d + blob] = 1
      data[i * d + 2] = 0.05 * ((i * 7) % 5)
    }
    data.fill(0, 10 * d, 11 * d)
    data[10 * d + 0] = Math.SQRT1_2
    data[10 * d + 1] = Math.SQRT1_2
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let t = 0; t < d; t++) s += data[i * d + t] ** 2
      for (let t = 0; t < d; t++) data[i * d + t] /= Math.sqrt(s)
    }
    const texts = news.slice(0, n)
    texts[33] = 'zzq 8xk 0pq7 vvw3 jq9 x0x0 qqz'
    const X = matrix(data, n, d)
    await expect(anomalies(X, { method: 'knn-text' })).rejects.toMatchObject({ code: 'BAD_INPUT' })
    const a = await anomalies(X, { texts, k: 5, flag: { by: 'contamination', fraction: 2 / n } })
    expect(a.method).toBe('knn-text')
    expect(new Set(a.flagged)).toEqual(new Set([10, 33]))
    const why = new Map(a.explanations.map((e) => [e.row, e.reason]))
    expect(why.get(10)).toBe('neighbourhood')
    expect(why.get(33)).toBe('text')
    expect(a.components?.textSurprisal.length).toBe(n)
    // the raw score is the larger of the two measures, each in standard deviations of its own spread
    const near = standardized(a.components!.meanNeighborDistance)
    const odd = standardized(a.components!.textSurprisal)
    for (let i = 0; i < n; i++) expect(a.raw[i]).toBeCloseTo(Math.max(near[i], odd[i]), 5)
  })

  it('standardized: mean 0 and sd 1, a constant measure is all 0', () => {
    const z = standardized(Float32Array.from([1, 2, 3, 4, 10]))
    const mean = z.reduce((p, q) => p + q, 0) / z.length
    const sd = Math.sqrt(z.reduce((p, q) => p + (q - mean) ** 2, 0) / z.length)
    expect(mean).toBeCloseTo(0, 6)
    expect(sd).toBeCloseTo(1, 5)
    // an extreme row widens the sd, so the ordinary rows' spread counts for less (what the ensemble relies on)
    expect(z[4]).toBeCloseTo((10 - 4) / Math.sqrt(((1 - 4) ** 2 + (2 - 4) ** 2 + (3 - 4) ** 2 + 0 + 36) / 5), 5)
    expect(Array.from(standardized(new Float32Array(4).fill(0.3)))).toEqual([0, 0, 0, 0])
  })
})
