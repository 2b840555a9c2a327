import { describe, expect, it } from 'vitest'
import { knn, knnQuery, recallAtK } from '../../../src-main/analyze/knn'
import { EmbedMapError } from '../../../src-main/errors'
import { blobs, bruteKnn, moduleAvailable, randomUnit } from './helpers'

const hasUsearch = await moduleAvailable('usearch')

describe('knn', () => {
  const X = randomUnit(600, 24, 5)
  const truth = bruteKnn(X, 10)

  it('exact-js matches a naive brute force (self excluded, sorted)', async () => {
    const r = await knn(X, { k: 10, method: 'exact-js' })
    expect(r.method).toBe('exact-js')
    expect(Array.from(r.indices)).toEqual(Array.from(truth.indices))
    for (let t = 0; t < r.distances.length; t++) expect(r.distances[t]).toBeCloseTo(truth.distances[t], 5)
    for (let i = 0; i < X.n; i++) for (let t = 0; t < 10; t++) expect(r.indices[i * 10 + t]).not.toBe(i)
  })

  it.skipIf(process.env.EMBEDMAP_ANALYZE_NO_ORT === '1')('exact-onnx matches the JS result', async () => {
    const r = await knn(X, { k: 10, method: 'exact-onnx' })
    expect(r.method).toBe('exact-onnx')
    expect(recallAtK(r, { ...r, indices: truth.indices, distances: truth.distances })).toBe(1)
    for (let t = 0; t < r.distances.length; t++) expect(r.distances[t]).toBeCloseTo(truth.distances[t], 4)
  })

  it('keeps exact duplicates as neighbours at distance 0 but never the row itself', async () => {
    const d = 8
    const data = new Float32Array(5 * d)
    for (let i = 0; i < 5; i++) data[i * d] = 1 // five identical rows
    const r = await knn({ data, n: 5, d }, { k: 4, method: 'exact-js' })
    for (let i = 0; i < 5; i++) {
      const row = Array.from(r.indices.subarray(i * 4, i * 4 + 4))
      expect(row).not.toContain(i)
      expect(new Set(row).size).toBe(4)
      expect(Array.from(r.distances.subarray(i * 4, i * 4 + 4))).toEqual([0, 0, 0, 0])
    }
  })

  it('clamps k to n − 1 and handles n = 0 and n = 1', async () => {
    expect((await knn(randomUnit(4, 8), { k: 15 })).k).toBe(3)
    expect((await knn(randomUnit(1, 8), { k: 15 })).k).toBe(0)
    expect((await knn({ data: new Float32Array(0), n: 0, d: 8 })).indices.length).toBe(0)
  })

  it('reports progress and can be cancelled mid-run', async () => {
    const big = randomUnit(3000, 32, 9)
    const ac = new AbortController()
    const seen: number[] = []
    const p = knn(big, {
      k: 5,
      method: 'exact-js',
      signal: ac.signal,
      onProgress: (done) => {
        seen.push(done)
        ac.abort()
      },
    })
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' })
    await expect(p).rejects.toBeInstanceOf(EmbedMapError)
    expect(seen.length).toBeGreaterThan(0)
  })

  it('knnQuery returns the nearest base rows for queries', async () => {
    const B = randomUnit(300, 16, 1)
    const Q = { data: B.data.slice(0, 5 * 16), n: 5, d: 16 }
    const r = await knnQuery(B, Q, 3)
    for (let q = 0; q < 5; q++) {
      expect(r.indices[q * 3]).toBe(q)
      expect(r.distances[q * 3]).toBeCloseTo(0, 5)
    }
  })

  const { X: blobX } = blobs(8, 250, 64, 0.6, 4)
  const blobTruth = bruteKnn(blobX, 15)
  // usearch is the shipped approximate index; hnswlib-node (measured as a candidate) is not installed.
  it('usearch: recall ≥ 0.95 at k = 15', async () => {
    expect(hasUsearch).toBe(true)
    const r = await knn(blobX, { k: 15, method: 'usearch' })
    expect(r.method).toBe('usearch')
    const rec = recallAtK(r, { ...r, indices: blobTruth.indices, distances: blobTruth.distances })
    expect(rec).toBeGreaterThanOrEqual(0.95)
    for (let i = 0; i < blobX.n; i++) for (let t = 0; t < 15; t++) expect(r.indices[i * 15 + t]).not.toBe(i)
  })
})
