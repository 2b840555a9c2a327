import { describe, expect, it } from 'vitest'
import { BoundedLloyd, type KMeansEngine } from '../../../src-main/analyze/kmeans-lloyd'
import { blobs, randomUnit } from './helpers'

/** The engine BoundedLloyd uses (top-2 by dot product), computed plainly in float64. */
function plainEngine(d: number): KMeansEngine {
  const unused = () => Promise.reject(new Error('not used by BoundedLloyd'))
  return {
    name: 'js',
    dots: unused,
    assign: unused,
    async top(rows, m, C, k, kk, idx, val) {
      for (let i = 0; i < m; i++) {
        const sims = Array.from({ length: k }, (_, c) => {
          let s = 0
          for (let t = 0; t < d; t++) s += rows[i * d + t] * C[c * d + t]
          return { c, s }
        }).sort((a, b) => b.s - a.s)
        for (let j = 0; j < kk; j++) {
          idx[i * kk + j] = sims[j].c
          val[i * kk + j] = sims[j].s
        }
      }
    },
  }
}

/** One plain Lloyd step: every row to its most similar centroid, then normalized cluster sums. */
function plainStep(X: { data: Float32Array; n: number; d: number }, C: Float32Array, k: number): Int32Array {
  const { data, n, d } = X
  const a = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = -Infinity
    for (let c = 0; c < k; c++) {
      let s = 0
      for (let t = 0; t < d; t++) s += data[i * d + t] * C[c * d + t]
      if (s > best) {
        best = s
        a[i] = c
      }
    }
  }
  const sums = new Float64Array(k * d)
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) sums[a[i] * d + t] += data[i * d + t]
  for (let c = 0; c < k; c++) {
    let s = 0
    for (let t = 0; t < d; t++) s += sums[c * d + t] ** 2
    for (let t = 0; t < d; t++) C[c * d + t] = sums[c * d + t] / Math.sqrt(s)
  }
  return a
}

describe('BoundedLloyd (Hamerly bounds)', () => {
  for (const [name, X] of [
    ['uniform random directions (slow convergence, many rows move)', randomUnit(1500, 12, 5)],
    ['overlapping blobs', blobs(6, 250, 24, 1.2, 4).X],
  ] as const) {
    it(`makes exactly the plain Lloyd assignments step by step, and skips rows: ${name}`, async () => {
      const k = 8
      const { n, d } = X
      const C1 = X.data.slice(0, k * d)
      const C2 = C1.slice()
      const assign = new Int32Array(n)
      const sums = new Float64Array(k * d)
      const counts = new Float64Array(k)
      const lloyd = new BoundedLloyd(X, k, plainEngine(d), assign, new Float32Array(n), sums, counts)
      lloyd.reset()
      const recomputed: number[] = []
      let steps = 0
      for (; steps < 60; steps++) {
        const changed = await lloyd.assignStep(C1, async () => {})
        recomputed.push(lloyd.lastRecomputed)
        const expected = plainStep(X, C2, k)
        expect(Array.from(assign)).toEqual(Array.from(expected))
        // the sums kept by moving changed rows equal the sums over the new clusters
        for (let c = 0; c < k; c++) expect(counts[c]).toBe(expected.filter((v) => v === c).length)
        lloyd.updateCentroids(C1)
        for (let t = 0; t < k * d; t++) expect(C1[t]).toBeCloseTo(C2[t], 5)
        if (changed === 0) break
      }
      expect(steps).toBeGreaterThan(4)
      expect(recomputed[0]).toBe(n)
      // later steps recompute only the rows whose bounds could not prove their cluster
      expect(Math.min(...recomputed.slice(2))).toBeLessThan(n / 2)
    })
  }
})
