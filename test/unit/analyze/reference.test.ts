/**
 * Our k-means / k choice / UMAP against scikit-learn and umap-learn on real embeddings.
 *
 * Fixtures (test/fixtures/analyze/, made by `scripts/analyze/reference.py fixtures`): 2,000 rows of
 * AG News (all-MiniLM-L6-v2, 4 topics) and of THUCNews titles (multilingual-e5-small-q4, 10 topics),
 * stored as int8 with a per-row scale (768 KB each; mean cosine to the float32 vectors 0.99997), and
 * the reference numbers computed by sklearn/umap-learn on exactly the dequantized vectors.
 */
import { describe, expect, it } from 'vitest'
import { adjustedRandIndex, chooseK, kmeans } from '../../../src-main/analyze/kmeans'
import { trustworthiness, umap } from '../../../src-main/analyze/umap'
import { loadFixture } from './helpers'

for (const name of ['ag_news', 'thucnews']) {
  const fx = loadFixture(name)
  describe.runIf(fx !== null)(`reference: ${name}`, () => {
    const { X, ref } = fx!
    const labels = Int32Array.from(ref.labels as number[])

    // A single run's ARI moves by ±0.01–0.02 with the seed (different local optima of almost equal
    // inertia, for sklearn as for us), so the two-sided check compares means over 5 seeds; one seed
    // must simply not be worse than sklearn's random_state=0 by more than 0.02.
    it(`k-means ARI within 0.02 of sklearn (k = ${ref.kmeans?.k}, n_init = 10)`, async () => {
      const aris: number[] = []
      for (let seed = 0; seed < 5; seed++) {
        const r = await kmeans(X, { k: ref.kmeans.k, restarts: 10, seed })
        aris.push(adjustedRandIndex(r.assignments, labels))
        if (seed === 0) {
          expect(Math.abs(r.inertia - ref.kmeans.inertia) / ref.kmeans.inertia).toBeLessThan(0.01)
          console.log(`[${name}] inertia ours ${r.inertia.toFixed(2)} sklearn ${ref.kmeans.inertia.toFixed(2)}`)
        }
      }
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
      const skl: number[] = ref.kmeans.ariBySeed ?? [ref.kmeans.ari]
      console.log(
        `[${name}] ARI ours ${aris.map((a) => a.toFixed(4)).join(' ')} (mean ${mean(aris).toFixed(4)}); sklearn ${skl.map((a) => a.toFixed(4)).join(' ')} (mean ${mean(skl).toFixed(4)})`,
      )
      expect(aris[0]).toBeGreaterThanOrEqual(ref.kmeans.ari - 0.02)
      expect(Math.abs(mean(aris) - mean(skl))).toBeLessThanOrEqual(0.02)
    })

    it("auto-k equals sklearn's silhouette choice", async () => {
      const r = await chooseK(X, { kMin: ref.chooseK.kMin, kMax: ref.chooseK.kMax, restarts: 10, seed: 0 })
      const fmt = (c: Array<{ k: number; silhouette: number }>) => c.map((p) => `${p.k}:${p.silhouette.toFixed(4)}`).join(' ')
      console.log(`[${name}] best k ours ${r.bestK} sklearn ${ref.chooseK.bestK}\n  ours    ${fmt(r.curve)}\n  sklearn ${fmt(ref.chooseK.curve)}`)
      expect(r.bestK).toBe(ref.chooseK.bestK)
    })

    it('UMAP trustworthiness within 0.01 of umap-learn', async () => {
      const r = await umap(X, { nNeighbors: 15, minDist: 0.1, seed: 42 })
      const t = await trustworthiness(X, { data: r.embedding, n: X.n, d: 2 }, 15)
      console.log(`[${name}] trustworthiness ours ${t.toFixed(4)} umap-learn ${ref.umap.trustworthiness.toFixed(4)}`)
      expect(Math.abs(t - ref.umap.trustworthiness)).toBeLessThanOrEqual(0.01)
    })
  })
}
