/**
 * Planted anomalies: 20 off-topic rows (7 Chinese hotel reviews, 6 SciFact abstract sentences, 7 random
 * strings) in 1,980 AG News rows (1 %), embedded by real models. The default detector's recall among its
 * top 20 is printed next to every other method's and must reach 0.8 with the English model. Measured with the
 * standardized ensemble (anomaly.ts): 0.80 (MiniLM: all 14 Chinese and random rows and 2 of the 6 science sentences)
 * and 0.70 (e5: the 14, no science sentence); the earlier 99th-percentile scaling gave 0.85 / 0.75 here but 0.70 for
 * MiniLM on paper titles (planted-anomalies-titles.test.ts).
 *
 * With multilingual-e5-small the science sentences are not separable by any neighbourhood measure (even
 * knowing which rows are planted, their distance to the nearest news rows is only at the 86th–99th
 * percentile: e5 puts them next to the Sci/Tech news), so its bar is the 14 language/gibberish rows.
 */
import { describe, expect, it } from 'vitest'
import { anomalies, kmeans, knn, matrix, type AnomalyMethod, type Matrix } from '../../src-main/analyze'
import { Embedder } from '../../src-main/embed'
import { foundByKind, plantedSet, recallAtPlanted } from '../helpers/planted'
import { realModel, type RealModelId } from '../helpers/real-models'

const set = plantedSet()
const METHODS: AnomalyMethod[] = ['knn-text', 'knn', 'lof', 'centroid', 'cluster-centroid']

async function recalls(model: RealModelId): Promise<{ recall: Record<string, number>; found: Record<string, number> }> {
  const embedder = await Embedder.load(realModel(model))
  try {
    const { vectors } = await embedder.embed(set.texts)
    const X = matrix(vectors, set.texts.length, vectors.length / set.texts.length)
    const graph = await knn(X, { k: 15 })
    const out: Record<string, number> = {}
    let found: Record<string, number> = {}
    for (const method of METHODS) {
      // one cluster per AG News class plus one, for the cluster-centroid method
      const centroids = method === 'cluster-centroid' ? await clusterInputs(X) : {}
      const a = await anomalies(X, { method, knn: graph, texts: set.texts, ...centroids })
      out[method] = recallAtPlanted(a.raw, set.planted)
      if (method === 'knn-text') found = foundByKind(a.raw, set.planted)
    }
    return { recall: out, found }
  } finally {
    await embedder.close()
  }
}

async function clusterInputs(X: Matrix) {
  const r = await kmeans(X, { k: 5, seed: 1 })
  return { assignments: r.assignments, centroids: r.centroids }
}

describe('planted anomalies (1 % off-topic rows in AG News)', () => {
  it('all-MiniLM-L6-v2: the default detector finds at least 80 % of them in its top 20', async () => {
    expect(set.planted.size).toBe(20)
    expect(set.texts.length).toBe(2000)
    const { recall: r, found } = await recalls('all-MiniLM-L6-v2')
    console.log('recall@20, all-MiniLM-L6-v2:', JSON.stringify(r), 'default detector found:', JSON.stringify(found))
    expect(r['knn-text']).toBeGreaterThanOrEqual(0.8)
    // the ensemble must beat its own neighbourhood half: that is what it is for
    expect(r['knn-text']).toBeGreaterThan(r.knn)
  }, 300_000)

  it('multilingual-e5-small: the default detector finds every other-language and random row', async () => {
    const { recall: r, found } = await recalls('multilingual-e5-small-q4')
    console.log('recall@20, multilingual-e5-small:', JSON.stringify(r), 'default detector found:', JSON.stringify(found))
    expect(found['zh-review']).toBe(7)
    expect(found.random).toBe(7)
    expect(r['knn-text']).toBeGreaterThanOrEqual(0.7)
    expect(r['knn-text']).toBeGreaterThan(r.knn)
  }, 300_000)
})
