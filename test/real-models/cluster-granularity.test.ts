/**
 * Granularity benchmark (issue #12): does the DEFAULT clustering find the data's human categories? On 1,000
 * THUCNews headlines (10 categories, multilingual-e5-small) and 1,000 AG News articles (4 classes,
 * all-MiniLM-L6-v2), the default (k-means, k by silhouette over 2–20) is compared by ARI against the label
 * column with k-means at the true number of classes; the density option (HDBSCAN on the 2-D UMAP map,
 * default smallest cluster) is reported beside them.
 *
 * Measured (and asserted as floors so a regression fails):
 *  - THUCNews: default k = 9, ARI 0.52 vs 0.52 at k = 10 — within 0.05, the bar is met.
 *  - AG News: default k = 3, ARI 0.52 vs 0.59 at k = 4 — NOT within 0.05: the bar stays open there
 *    (the silhouette is 0.077 at k = 3 against 0.070 at k = 4; a silhouette on the 2-D map prefers k = 3 too).
 *    No general rule tried picks k = 4 there without a constant set by looking at this set: k = 3 wins by more
 *    than two paired standard errors of the per-row silhouettes, on every k-means seed, on another 1,000-row
 *    slice, with multilingual-e5-small too, and on mean-centred vectors; Calinski–Harabasz and Davies–Bouldin
 *    pick k = 2; modularity of the partition on the kNN graph picks 4 on this slice but 5 (ARI 0.48) on another.
 *    Only "the largest k within 10 % of the best silhouette" gets 4, and by a hair (k = 4 is at 0.908 and 0.912
 *    of the best with the two models): a tolerance fitted to this set, so the default stays the silhouette peak.
 *  - HDBSCAN (minimum cluster 10 rows): THUCNews 12 clusters, 189 unclustered, ARI 0.42; AG News 5 clusters, 59 unclustered, ARI 0.26.
 *
 * Second round (issue #12): three rules from the literature, each with its published parameters, none tuned here,
 * on 1,000-row slices of AG News (every 7th row from 0 and from 3), THUCNews (every 10th from 0 and from 5),
 * ChnSentiCorp (2 classes) and STS-B first sentences by genre, with both real models. k runs from 2 to 20. The sweeps used
 * scikit-learn's k-means on the unit vectors; the stability figures on this test's slice were checked with the app's k-means.
 * None of them passes on AG News, so the default stays the silhouette peak:
 *  - Stability (Ben-Hur, Elisseeff & Guyon 2002; Lange et al. 2004): 10 pairs of 80 % subsamples, ARI on the overlap.
 *    It peaks at k = 3 on every AG News slice and model. On this test's slice, with the app's k-means: 0.89 ± 0.06 at k = 3
 *    against 0.72 ± 0.04 at k = 4. "The largest k within one standard error of the best" gets k = 4 on one of the four
 *    AG News runs only. On THUCNews it picks k = 7 (ARI 0.43 against 0.49 at k = 10) and k = 5 (0.33 against 0.40),
 *    worse than the silhouette.
 *  - Prediction strength (Tibshirani & Walther 2005): the largest k with PS ≥ 0.8 (3 × 2-fold). It picks k = 3 or 2 on
 *    AG News and k = 1 on both THUCNews slices (PS at k = 2 is only 0.62 and 0.71).
 *  - Silhouette on a BERTopic-style space (UMAP to 5 dims, 15 neighbours, min_dist 0, cosine): it picks k = 3 or 2 on
 *    AG News (ARI gap 0.10–0.38). On one THUCNews slice it picks k = 7 (ARI 0.37) or k = 9 (0.49), depending on the
 *    UMAP seed; on the other it picks k = 7.
 *  On STS-B genres and on ChnSentiCorp all three rules pick k = 2, so none runs away to k = 20 there. The silhouette on
 *  the full vectors picks k = 20 on STS-B, where its curve is flat. On THUCNews embedded with all-MiniLM-L6-v2 (an
 *  English model; ARI is only 0.09 even at k = 10), the UMAP silhouette picks k = 20 too.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { adjustedRandIndex, chooseK, hdbscan, kmeans, knn, matrix, umap } from '../../src-main/analyze'
import { Embedder } from '../../src-main/embed'
import { realModel, type RealModelId } from '../helpers/real-models'
import { sharedData } from '../helpers/tmp'

function rows(file: string, every: number): { text: string; label: number }[] {
  const all = parse(fs.readFileSync(path.join(sharedData, file)), { columns: true }) as Record<string, string>[]
  return all
    .filter((_, i) => i % every === 0)
    .slice(0, 1000)
    .map((r) => ({ text: r.text, label: Number(r.label) }))
}

async function granularity(file: string, every: number, model: RealModelId) {
  const data = rows(file, every)
  const labels = Int32Array.from(data, (r) => r.label)
  const classes = new Set(labels).size
  const embedder = await Embedder.load(realModel(model))
  let vectors: Float32Array
  try {
    vectors = (await embedder.embed(data.map((r) => r.text))).vectors
  } finally {
    await embedder.close()
  }
  const X = matrix(vectors, data.length, vectors.length / data.length)
  const chosen = await chooseK(X, { seed: 42 })
  const atTrue = await kmeans(X, { k: classes, seed: 42 })
  const graph = await knn(X, { k: 15 })
  const map = await umap(X, { knn: graph, seed: 42 })
  const dense = await hdbscan(map.embedding, 2, { seed: 42 })
  return {
    classes,
    defaultK: chosen.bestK,
    defaultAri: adjustedRandIndex(chosen.best!.assignments, labels),
    trueKAri: adjustedRandIndex(atTrue.assignments, labels),
    hdbscanK: dense.k,
    hdbscanUnclustered: dense.unclustered,
    hdbscanAri: adjustedRandIndex(dense.labels, labels),
  }
}

describe('cluster granularity against human categories', () => {
  it('THUCNews headlines (10 categories): the default is within 0.05 ARI of the true k', async () => {
    const r = await granularity('zh_thucnews_titles/thucnews_titles_test.csv', 10, 'multilingual-e5-small-q4')
    console.log('granularity THUCNews:', JSON.stringify(r))
    expect(r.classes).toBe(10)
    expect(r.defaultAri).toBeGreaterThanOrEqual(r.trueKAri - 0.05)
    expect(r.hdbscanAri).toBeGreaterThan(0.3)
  }, 180_000)

  it('AG News (4 classes): the default k and its ARI against the true k (bar not met yet: held at today’s gap)', async () => {
    const r = await granularity('en_ag_news_test/ag_news_test.csv', 7, 'all-MiniLM-L6-v2')
    console.log('granularity AG News:', JSON.stringify(r))
    expect(r.classes).toBe(4)
    expect(r.defaultAri).toBeGreaterThanOrEqual(r.trueKAri - 0.08)
    expect(r.hdbscanAri).toBeGreaterThan(0.1)
  }, 180_000)
})
