/**
 * The detector must generalise beyond the AG News set it was first tuned on: 10 off-domain rows (1 %) planted into
 * 990 SciFact paper titles — 4 AG News articles, 3 Chinese news headlines and 3 random strings. The default
 * detector's recall among its top 10 must reach 0.8 with both real models (issue #12); every method's recall is printed.
 *
 * Measured: all-MiniLM-L6-v2 0.9 (every Chinese and random row, 3 of the 4 news articles), multilingual-e5-small 1.0.
 * Before the two measures were standardized by their sd (anomaly.ts) MiniLM reached 0.7: its kNN distance ranks the
 * news articles 1st, 2nd, 4th and 6th, but scaling each measure to its own 99th percentile let titles with odd
 * characters (text surprisal just past its 99th percentile) outrank them.
 */
import { describe, expect, it } from 'vitest'
import { anomalies, kmeans, knn, matrix, type AnomalyMethod } from '../../src-main/analyze'
import { Embedder } from '../../src-main/embed'
import { foundByKind, plantedPaperTitles, recallAtPlanted } from '../helpers/planted'
import { realModel, type RealModelId } from '../helpers/real-models'

const set = plantedPaperTitles()
const METHODS: AnomalyMethod[] = ['knn-text', 'knn', 'lof', 'centroid', 'cluster-centroid']

async function recalls(model: RealModelId) {
  const embedder = await Embedder.load(realModel(model))
  try {
    const { vectors } = await embedder.embed(set.texts)
    const X = matrix(vectors, set.texts.length, vectors.length / set.texts.length)
    const graph = await knn(X, { k: 15 })
    const km = await kmeans(X, { k: 10, seed: 1 })
    const recall: Record<string, number> = {}
    let found: Record<string, number> = {}
    for (const method of METHODS) {
      // no `method` for the default: what the analysis runs when it has the texts
      const a = await anomalies(X, {
        ...(method === 'knn-text' ? {} : { method }),
        knn: graph,
        texts: set.texts,
        assignments: km.assignments,
        centroids: km.centroids,
      })
      if (method === 'knn-text') {
        expect(a.method).toBe('knn-text')
        found = foundByKind(a.raw, set.planted)
      }
      recall[method] = recallAtPlanted(a.raw, set.planted)
    }
    return { recall, found }
  } finally {
    await embedder.close()
  }
}

describe('planted anomalies (1 % off-domain rows in SciFact paper titles)', () => {
  it('the set is 1,000 rows with 10 planted', () => {
    expect(set.texts.length).toBe(1000)
    expect(set.planted.size).toBe(10)
  })

  for (const model of ['all-MiniLM-L6-v2', 'multilingual-e5-small-q4'] as const) {
    it(`${model}: the default detector finds at least 80 % of them in its top 10`, async () => {
      const { recall, found } = await recalls(model)
      console.log(`recall@10 on paper titles, ${model}:`, JSON.stringify(recall), 'default detector found:', JSON.stringify(found))
      expect(recall['knn-text']).toBeGreaterThanOrEqual(0.8)
      expect(found.random + found['zh-news']).toBe(6)
    }, 300_000)
  }
})
