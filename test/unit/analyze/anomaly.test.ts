import { describe, expect, it } from 'vitest'
import { CALIBRATED_KNEE, anomalies, calibratedScores, lof, rankScores } from '../../../src-main/analyze/anomaly'
import { kmeans } from '../../../src-main/analyze/kmeans'
import { normalizeRows } from '../../../src-main/analyze/common'
import { knn } from '../../../src-main/analyze/knn'
import { blobs, gaussian } from './helpers'
import { seededRandom } from '../../../src-main/analyze/common'

/** 3 tight blobs of 100 + 6 planted outliers (random directions) at rows 300..305. */
function planted() {
  const { X } = blobs(3, 100, 32, 0.3, 21)
  const d = 32
  const n = X.n + 6
  const data = new Float32Array(n * d)
  data.set(X.data)
  const g = gaussian(seededRandom(99))
  for (let i = X.n; i < n; i++) for (let t = 0; t < d; t++) data[i * d + t] = g()
  normalizeRows({ data, n, d })
  return { X: { data, n, d }, outliers: [300, 301, 302, 303, 304, 305] }
}

describe('anomalies', () => {
  const { X, outliers } = planted()

  for (const method of ['knn', 'lof', 'centroid'] as const) {
    it(`${method} ranks the planted outliers on top`, async () => {
      const r = await anomalies(X, { method, k: 10, flag: { by: 'contamination', fraction: 6 / X.n } })
      expect(Array.from(r.flagged).sort((a, b) => a - b)).toEqual(outliers)
      // calibrated scores: every planted row scores above every ordinary row, and near the tail's knee or above
      const inlierMax = Math.max(...Array.from(r.scores).filter((_, i) => !outliers.includes(i)))
      for (const i of outliers) expect(r.scores[i]).toBeGreaterThan(Math.max(inlierMax, 0.6))
      expect(r.explanations).toHaveLength(6)
      const ex = r.explanations[0]
      expect(ex.neighbors.indices).toHaveLength(10)
      expect(ex.neighbors.distances[0]).toBeLessThanOrEqual(ex.neighbors.distances[9])
      expect(ex.score).toBe(r.scores[ex.row])
      expect(ex.rawDistance).toBe(r.raw[ex.row])
    })
  }

  it('cluster-centroid uses the k-means centroids and reports clusters', async () => {
    const km = await kmeans(X, { k: 3, seed: 0 })
    const r = await anomalies(X, {
      method: 'cluster-centroid',
      assignments: km.assignments,
      centroids: km.centroids,
      flag: { by: 'contamination', fraction: 6 / X.n },
    })
    expect(Array.from(r.flagged).sort((a, b) => a - b)).toEqual(outliers)
    expect(r.explanations[0].cluster).toBe(km.assignments[r.explanations[0].row])
    await expect(anomalies(X, { method: 'cluster-centroid' })).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('IQR fence and score threshold', async () => {
    const iqr = await anomalies(X, { flag: { by: 'iqr' } })
    for (const i of outliers) expect(Array.from(iqr.flagged)).toContain(i)
    expect(iqr.flagged.length).toBeLessThan(30)
    const th = await anomalies(X, { flag: { by: 'threshold', score: 0.99 } })
    expect(Array.from(th.flagged).every((i) => th.scores[i] >= 0.99)).toBe(true)
    const mm = await anomalies(X, { normalize: 'minmax', flag: { by: 'threshold', score: 1 } })
    expect(mm.flagged.length).toBe(1)
    expect(Math.max(...mm.scores)).toBe(1)
    expect(Math.min(...mm.scores)).toBe(0)
  })

  it('calibrated scores (the default) keep the order and the gaps of the raw distances, not rank steps', async () => {
    const r = await anomalies(X, { method: 'knn', k: 10 })
    expect(r.normalize).toBe('calibrated')
    const order = Array.from({ length: X.n }, (_, i) => i).sort((a, b) => r.raw[a] - r.raw[b] || a - b)
    // order: a larger distance never gets a smaller score
    for (let t = 1; t < order.length; t++) expect(r.scores[order[t]]).toBeGreaterThanOrEqual(r.scores[order[t - 1]])
    // gaps: in the body (raw up to the 99th percentile) score = a + b·raw for one a, b > 0
    const body = order.filter((i) => r.scores[i] <= CALIBRATED_KNEE)
    expect(body.length).toBeGreaterThan(0.98 * X.n)
    const [p, q] = [body[0], body[body.length - 1]]
    const slope = (r.scores[q] - r.scores[p]) / (r.raw[q] - r.raw[p])
    expect(slope).toBeGreaterThan(0)
    for (const i of body) expect(r.scores[i]).toBeCloseTo(r.scores[p] + slope * (r.raw[i] - r.raw[p]), 5)
    // not uniform steps: the planted outliers sit far from the inliers, and their score gap shows it
    const gaps = order.slice(1).map((i, t) => r.scores[i] - r.scores[order[t]])
    const biggest = Math.max(...gaps)
    expect(biggest).toBeGreaterThan(20 / X.n)
    expect(gaps.indexOf(biggest)).toBeGreaterThanOrEqual(X.n - 1 - outliers.length - 1)
  })

  it('calibrated scores: exact values, a strictly ordered tail, no clipping', () => {
    // 0..99 then one far row: body linear (the 99th percentile 98.01 maps to the knee), the far row below 1
    const raw = Float32Array.from([...Array.from({ length: 100 }, (_, i) => i), 1000])
    const s = calibratedScores(raw)
    expect(s[0]).toBe(0)
    expect(s[50]).toBeCloseTo((CALIBRATED_KNEE * 50) / 99, 5)
    expect(s[50] - s[49]).toBeCloseTo(s[20] - s[19], 6)
    expect(s[100]).toBeLessThan(1)
    expect(s[100]).toBeGreaterThan(s[99])
    expect(s[99]).toBeGreaterThan(CALIBRATED_KNEE)
    expect(Array.from(calibratedScores(Float32Array.from([3, 3, 3])))).toEqual([0, 0, 0])
  })

  it('rank scores are percentiles with tied ranks averaged', () => {
    expect(Array.from(rankScores(Float32Array.from([5, 1, 5, 3])))).toEqual([5 / 6, 0, 5 / 6, 1 / 3].map(Math.fround))
  })

  it('LOF is ~1 inside a uniform blob', async () => {
    const { X: B } = blobs(1, 200, 8, 0.5, 5)
    const s = lof(await knn(B, { k: 10 }), 10)
    const sorted = Array.from(s).sort((a, b) => a - b)
    expect(sorted[100]).toBeGreaterThan(0.9)
    expect(sorted[100]).toBeLessThan(1.25)
  })
})
