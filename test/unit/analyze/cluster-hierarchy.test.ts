import { describe, expect, it } from 'vitest'
import { clusterHierarchy } from '../../../src-main/analyze/cluster-hierarchy'
import { normalizeRows, seededRandom } from '../../../src-main/analyze/common'
import { kmeans } from '../../../src-main/analyze/kmeans'
import { gaussian } from './helpers'

/** 2 far-apart groups × 3 nearby sub-blobs each (60 rows per sub-blob) in 16-d: a two-level structure. */
function twoLevels() {
  const d = 16
  const rand = seededRandom(5)
  const g = gaussian(rand)
  const data: number[] = []
  const truthCoarse: number[] = []
  for (let top = 0; top < 2; top++) {
    const base = Array.from({ length: d }, () => g() * 4)
    for (let sub = 0; sub < 3; sub++) {
      const centre = base.map((v) => v + g() * 1.2)
      for (let i = 0; i < 60; i++) {
        data.push(...centre.map((v) => v + g() * 0.25))
        truthCoarse.push(top)
      }
    }
  }
  const X = { data: Float32Array.from(data), n: truthCoarse.length, d }
  normalizeRows(X)
  return { X, truthCoarse }
}

describe('cluster hierarchy', () => {
  it('merges six fine clusters into the two groups they come from', async () => {
    const { X, truthCoarse } = twoLevels()
    const km = await kmeans(X, { k: 6, seed: 1 })
    const h = await clusterHierarchy(X, km.assignments, km.centroids, 6)
    expect(h).not.toBeNull()
    expect(h!.coarseK).toBe(2)
    expect(h!.parentOf).toHaveLength(6)
    // every row's coarse cluster agrees with its true group (up to naming)
    const coarse = Array.from(km.assignments, (a) => h!.parentOf[a])
    const agree = coarse.filter((c, i) => (c === coarse[0]) === (truthCoarse[i] === truthCoarse[0])).length
    expect(agree).toBe(coarse.length)
    // the cuts tried: 2 and 3 coarse clusters (at most half of 6), each with its silhouette
    expect(h!.curve.map((c) => c.k)).toEqual([2, 3])
  })

  it('no hierarchy under 4 clusters', async () => {
    const { X } = twoLevels()
    const km = await kmeans(X, { k: 3, seed: 1 })
    expect(await clusterHierarchy(X, km.assignments, km.centroids, 3)).toBeNull()
  })
})
