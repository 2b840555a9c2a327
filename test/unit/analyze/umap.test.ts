import { describe, expect, it } from 'vitest'
import { findAB, fuzzySimplicialSet, trustworthiness, umap } from '../../../src-main/analyze/umap'
import { knn } from '../../../src-main/analyze/knn'
import { blobs, loadFixture, moduleAvailable, randomUnit } from './helpers'

const hasUmapJs = await moduleAvailable('umap-js')

describe('umap', () => {
  const { X, labels } = blobs(5, 120, 32, 0.6, 3)

  it('lays out blobs with trustworthiness ≥ 0.9 and reports per-epoch progress', async () => {
    let last = 0
    let calls = 0
    const r = await umap(X, {
      seed: 1,
      onProgress: (done, total) => {
        calls++
        expect(done).toBeGreaterThanOrEqual(last)
        expect(done).toBeLessThanOrEqual(total)
        last = done
      },
    })
    expect(r.embedding.length).toBe(2 * X.n)
    expect(r.nEpochs).toBe(500)
    expect(calls).toBeGreaterThan(0)
    const T = await trustworthiness(X, { data: r.embedding, n: X.n, d: 2 }, 15)
    expect(T).toBeGreaterThanOrEqual(0.9)
    // blobs stay apart: each point's nearest embedded neighbour has its label
    let same = 0
    for (let i = 0; i < X.n; i++) {
      let best = -1
      let bd = Infinity
      for (let j = 0; j < X.n; j++) {
        if (j === i) continue
        const dd = (r.embedding[2 * i] - r.embedding[2 * j]) ** 2 + (r.embedding[2 * i + 1] - r.embedding[2 * j + 1]) ** 2
        if (dd < bd) {
          bd = dd
          best = j
        }
      }
      if (labels[best] === labels[i]) same++
    }
    expect(same / X.n).toBeGreaterThan(0.98)
  })

  it('is deterministic for a seed and differs for another seed', async () => {
    const a = await umap(X, { seed: 7, nEpochs: 60 })
    const b = await umap(X, { seed: 7, nEpochs: 60 })
    const c = await umap(X, { seed: 8, nEpochs: 60 })
    expect(Array.from(a.embedding)).toEqual(Array.from(b.embedding))
    expect(Array.from(a.embedding)).not.toEqual(Array.from(c.embedding))
  })

  it('can be cancelled between epochs', async () => {
    const ac = new AbortController()
    const p = umap(X, {
      signal: ac.signal,
      onProgress: (done) => {
        if (done > 150) ac.abort()
      },
    })
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('fits a sample and places the rest above the sample threshold', async () => {
    const r = await umap(X, { seed: 2, sampleThreshold: 300, sampleSize: 300, nEpochs: 200 })
    expect(r.sample?.size).toBe(300)
    expect(r.note).toMatch(/sample of 300 rows/)
    for (const v of r.embedding) expect(Number.isFinite(v)).toBe(true)
    const T = await trustworthiness(X, { data: r.embedding, n: X.n, d: 2 }, 15)
    expect(T).toBeGreaterThan(0.85)
  })

  it('handles tiny inputs without crashing', async () => {
    expect((await umap({ data: new Float32Array(0), n: 0, d: 4 })).embedding.length).toBe(0)
    const two = await umap(randomUnit(2, 4))
    expect(two.embedding.length).toBe(4)
    expect(two.note).toMatch(/only 2 rows/)
    const few = await umap(randomUnit(10, 4), { seed: 1 })
    expect(few.embedding.length).toBe(20)
    for (const v of few.embedding) expect(Number.isFinite(v)).toBe(true)
  })

  it.runIf(hasUmapJs)("the 'umap-js' engine gives a comparable layout", async () => {
    const r = await umap(X, { seed: 1, engine: 'umap-js', nEpochs: 200 })
    const T = await trustworthiness(X, { data: r.embedding, n: X.n, d: 2 }, 15)
    expect(T).toBeGreaterThanOrEqual(0.9)
  })
})

describe('umap internals', () => {
  it('findAB matches umap-learn for min_dist 0.1, spread 1', () => {
    const { a, b } = findAB(1, 0.1)
    expect(a).toBeCloseTo(1.577, 2)
    expect(b).toBeCloseTo(0.895, 2)
  })

  it('fuzzy union graph is symmetric with weights in (0, 1]', async () => {
    const Y = randomUnit(200, 8, 4)
    const g = fuzzySimplicialSet(await knn(Y, { k: 14 }), 15)
    const w = new Map<string, number>()
    for (let i = 0; i < g.n; i++) for (let p = g.indptr[i]; p < g.indptr[i + 1]; p++) w.set(`${i},${g.indices[p]}`, g.weights[p])
    for (const [key, v] of w) {
      const [i, j] = key.split(',')
      expect(w.get(`${j},${i}`)).toBeCloseTo(v, 6)
      expect(v).toBeGreaterThan(0)
      expect(v).toBeLessThanOrEqual(1)
    }
  })
})

describe('trustworthiness', () => {
  it('is 1 for an isometric copy and ~0.5 for a random layout', async () => {
    const Y = randomUnit(300, 2, 5)
    expect(await trustworthiness(Y, Y, 5)).toBeCloseTo(1, 10)
    const R = randomUnit(300, 2, 6)
    const X = randomUnit(300, 16, 7)
    const t = await trustworthiness(X, R, 5)
    expect(t).toBeGreaterThan(0.4)
    expect(t).toBeLessThan(0.6)
  })

  const fx = loadFixture('ag_news')
  it.runIf(fx !== null)("equals sklearn's value on umap-learn's stored embedding", async () => {
    const { X, ref } = fx!
    const Y = Float32Array.from(ref.umap.embedding4 as number[])
    const t = await trustworthiness(X, { data: Y, n: X.n, d: 2 }, 15)
    expect(Math.abs(t - ref.umap.trustworthinessOfEmbedding4)).toBeLessThan(2e-4)
  })
})
