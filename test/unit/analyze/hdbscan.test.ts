import { describe, expect, it } from 'vitest'
import { adjustedRandIndex } from '../../../src-main/analyze/kmeans'
import { hdbscan } from '../../../src-main/analyze/hdbscan'
import { seededRandom } from '../../../src-main/analyze/common'
import { gaussian } from './helpers'

/** Three 2-D blobs of different sizes and spreads plus uniform background noise. */
function blobsWithNoise() {
  const rand = seededRandom(3)
  const g = gaussian(rand)
  const pts: number[] = []
  const truth: number[] = []
  const blobs = [
    { cx: 0, cy: 0, s: 0.5, n: 300 },
    { cx: 8, cy: 1, s: 0.8, n: 200 },
    { cx: 3, cy: 9, s: 0.3, n: 100 },
  ]
  blobs.forEach((b, c) => {
    for (let i = 0; i < b.n; i++) {
      pts.push(b.cx + b.s * g(), b.cy + b.s * g())
      truth.push(c)
    }
  })
  for (let i = 0; i < 30; i++) {
    pts.push(-6 + 20 * rand(), -6 + 20 * rand())
    truth.push(-1)
  }
  return { P: Float32Array.from(pts), truth }
}

describe('hdbscan', () => {
  it('finds the three blobs and leaves most of the background unclustered', async () => {
    const { P, truth } = blobsWithNoise()
    const r = await hdbscan(P, 2, { minClusterSize: 20 })
    expect(r.k).toBe(3)
    const inBlobs = truth.map((t, i) => [t, r.labels[i]]).filter(([t]) => t >= 0)
    expect(
      adjustedRandIndex(
        Int32Array.from(inBlobs, ([, l]) => l),
        Int32Array.from(inBlobs, ([t]) => t),
      ),
    ).toBeGreaterThan(0.9)
    const noise = truth.map((t, i) => (t < 0 ? r.labels[i] : 0)).filter((l, i) => truth[i] < 0)
    // some background points land inside a blob and rightly join it
    expect(noise.filter((l) => l < 0).length).toBeGreaterThanOrEqual(15)
    expect(r.unclustered).toBe(Array.from(r.labels).filter((l) => l < 0).length)
  })

  it('a sample-built tree labels every row like the full one (nearest sampled row)', async () => {
    const { P, truth } = blobsWithNoise()
    const full = await hdbscan(P, 2, { minClusterSize: 20 })
    const sampled = await hdbscan(P, 2, { minClusterSize: 20, sampleSize: 300, seed: 1 })
    expect(sampled.labels.length).toBe(truth.length)
    expect(sampled.k).toBe(3)
    const blob = (l: Int32Array) => Int32Array.from(truth.flatMap((t, i) => (t >= 0 ? [l[i]] : [])))
    expect(adjustedRandIndex(blob(sampled.labels), blob(full.labels))).toBeGreaterThan(0.9)
  })

  it('too few rows for two clusters: everything unclustered', async () => {
    const r = await hdbscan(Float32Array.from([0, 0, 1, 1, 2, 2]), 2, { minClusterSize: 5 })
    expect(r.k).toBe(0)
    expect(Array.from(r.labels)).toEqual([-1, -1, -1])
  })
})
