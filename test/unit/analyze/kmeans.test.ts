import { describe, expect, it } from 'vitest'
import { adjustedRandIndex, chooseK, kmeans, silhouette } from '../../../src-main/analyze/kmeans'
import { blobs, randomUnit } from './helpers'

/** Naive O(n²) cosine silhouette for checking. */
function naiveSilhouette(X: { data: Float32Array; n: number; d: number }, labels: Int32Array): number {
  const { data, n, d } = X
  const k = Math.max(...labels) + 1
  let total = 0
  for (let i = 0; i < n; i++) {
    const sum = new Float64Array(k)
    const cnt = new Int32Array(k)
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      let s = 0
      for (let t = 0; t < d; t++) s += data[i * d + t] * data[j * d + t]
      sum[labels[j]] += 1 - s
      cnt[labels[j]]++
    }
    if (cnt[labels[i]] === 0) continue
    const a = sum[labels[i]] / cnt[labels[i]]
    let b = Infinity
    for (let c = 0; c < k; c++) if (c !== labels[i] && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c])
    total += (b - a) / Math.max(a, b)
  }
  return total / n
}

describe('kmeans', () => {
  const { X, labels } = blobs(5, 80, 32, 0.5, 2)

  it('recovers well-separated blobs', async () => {
    const r = await kmeans(X, { k: 5, seed: 1 })
    expect(adjustedRandIndex(r.assignments, labels)).toBeCloseTo(1, 6)
    expect(Array.from(r.sizes).sort()).toEqual([80, 80, 80, 80, 80])
    for (let c = 0; c < 5; c++) {
      let s = 0
      for (let t = 0; t < 32; t++) s += r.centroids[c * 32 + t] ** 2
      expect(s).toBeCloseTo(1, 5)
    }
    expect(r.iterations).toBeGreaterThan(0)
    expect(r.inertia).toBeGreaterThan(0)
  })

  it('reports sklearn-style inertia (Σ ‖x − cluster mean‖²)', async () => {
    const r = await kmeans(X, { k: 5, seed: 1 })
    const { data, n, d } = X
    const mean = new Float64Array(5 * d)
    const cnt = new Float64Array(5)
    for (let i = 0; i < n; i++) {
      cnt[r.assignments[i]]++
      for (let t = 0; t < d; t++) mean[r.assignments[i] * d + t] += data[i * d + t]
    }
    let inertia = 0
    for (let i = 0; i < n; i++) {
      const c = r.assignments[i]
      for (let t = 0; t < d; t++) inertia += (data[i * d + t] - mean[c * d + t] / cnt[c]) ** 2
    }
    expect(r.inertia).toBeCloseTo(inertia, 3)
  })

  it('is deterministic for a seed', async () => {
    const Y = randomUnit(500, 16, 8)
    const a = await kmeans(Y, { k: 7, seed: 3 })
    const b = await kmeans(Y, { k: 7, seed: 3 })
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments))
    expect(a.inertia).toBe(b.inertia)
  })

  it('same result with and without onnxruntime', async () => {
    const Y = randomUnit(2000, 128, 8)
    const a = await kmeans(Y, { k: 6, seed: 3, restarts: 1 })
    const b = await kmeans(Y, { k: 6, seed: 3, restarts: 1, useOnnx: false })
    expect(adjustedRandIndex(a.assignments, b.assignments)).toBeGreaterThan(0.99)
    expect(a.inertia).toBeCloseTo(b.inertia, 1)
  })

  it('handles n < k, n = 1 and n = 0 with a clear result', async () => {
    const Y = randomUnit(3, 8)
    const r = await kmeans(Y, { k: 5 })
    expect(r.k).toBe(3)
    expect(Array.from(r.assignments)).toEqual([0, 1, 2])
    expect(r.note).toMatch(/own cluster/)
    expect((await kmeans(randomUnit(1, 8), { k: 2 })).k).toBe(1)
    expect((await kmeans({ data: new Float32Array(0), n: 0, d: 8 }, { k: 2 })).k).toBe(0)
    await expect(kmeans(Y, { k: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('says so when there are fewer distinct points than k (no crash, like sklearn)', async () => {
    // 60 rows but only 4 distinct vectors, k = 6
    const d = 8
    const data = new Float32Array(60 * d)
    for (let i = 0; i < 60; i++) data[i * d + (i % 4)] = 1
    const r = await kmeans({ data, n: 60, d }, { k: 6, seed: 0 })
    expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(60)
    expect(r.sizes.filter((s) => s > 0).length).toBe(4)
    expect(r.inertia).toBeCloseTo(0, 5)
    expect(r.note).toMatch(/only 4 distinct clusters/)
  })

  it('relocates clusters that empty out during the iterations', async () => {
    // two tight groups + 1 far point; k = 3 from a bad start still ends with 3 non-empty clusters
    const { X: B } = blobs(3, 40, 16, 0.2, 12)
    for (let seed = 0; seed < 5; seed++) {
      const r = await kmeans(B, { k: 3, seed, restarts: 1 })
      expect(Math.min(...r.sizes)).toBeGreaterThan(0)
    }
  })

  it('starts from given centroids when asked (one run, no restarts)', async () => {
    const first = await kmeans(X, { k: 5, seed: 3 })
    const again = await kmeans(X, { k: 5, init: first.centroids })
    expect(again.restarts).toBe(1)
    expect(Array.from(again.assignments)).toEqual(Array.from(first.assignments))
    await expect(kmeans(X, { k: 4, init: first.centroids })).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('can be cancelled', async () => {
    const Y = randomUnit(4000, 64, 2)
    const ac = new AbortController()
    const p = kmeans(Y, { k: 10, signal: ac.signal, onProgress: () => ac.abort() })
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})

describe('silhouette', () => {
  const { X, labels } = blobs(4, 50, 16, 0.8, 6)

  it('equals the naive O(n²) cosine silhouette', async () => {
    expect(await silhouette(X, labels)).toBeCloseTo(naiveSilhouette(X, labels), 5)
    const shuffled = Int32Array.from(labels, (l, i) => (i % 7 === 0 ? (l + 1) % 4 : l))
    expect(await silhouette(X, shuffled)).toBeCloseTo(naiveSilhouette(X, shuffled), 5)
  })

  it('is high for blobs, sampled estimate close, NaN for one cluster', async () => {
    const { X: B, labels: L } = blobs(4, 250, 32, 0.3, 7)
    const s = await silhouette(B, L)
    expect(s).toBeGreaterThan(0.7)
    expect(await silhouette(B, L, { sampleSize: 300, seed: 1 })).toBeCloseTo(s, 1)
    expect(await silhouette(B, new Int32Array(B.n))).toBeNaN()
  })
})

describe('chooseK', () => {
  it('picks the number of blobs', async () => {
    const { X } = blobs(6, 60, 32, 0.5, 9)
    const r = await chooseK(X, { kMin: 2, kMax: 10, seed: 0 })
    expect(r.bestK).toBe(6)
    expect(r.curve.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(r.best?.k).toBe(6)
    const s6 = r.curve.find((c) => c.k === 6)!.silhouette
    expect(s6).toBeGreaterThan(0.5)
  })

  it('above the sample threshold, sweeps k on a sample and fits the chosen k on every row', async () => {
    const { X, labels } = blobs(6, 500, 32, 0.5, 9)
    const full = await chooseK(X, { kMin: 2, kMax: 10, seed: 0 })
    const sampled = await chooseK(X, { kMin: 2, kMax: 10, seed: 0, sampleThreshold: 1000, sampleSize: 400 })
    expect(sampled.bestK).toBe(full.bestK)
    expect(sampled.note).toMatch(/sample of 400 of 3,000 rows/)
    expect(sampled.best?.assignments.length).toBe(3000)
    expect(adjustedRandIndex(sampled.best!.assignments, labels)).toBeGreaterThan(0.99)
  })

  it('n ≤ 2 gives one cluster and a note', async () => {
    const r = await chooseK(randomUnit(2, 8))
    expect(r.bestK).toBe(1)
    expect(r.curve).toEqual([])
    expect(r.note).toMatch(/only 2 rows/)
    const r3 = await chooseK(randomUnit(3, 8))
    expect(r3.curve.map((c) => c.k)).toEqual([2])
  })
})
