/**
 * A coarse level above the clusters: the fine clusters' centroids are merged by average-linkage agglomeration
 * (cosine similarity, weighted by cluster size), and the cut of that tree with the best silhouette on the rows
 * (between 2 and half the fine clusters) becomes the coarse level. Every coarse cluster is a union of fine ones,
 * so the map can show coarse labels zoomed out and the fine ones zoomed in (Embedding Atlas' multi-level labels).
 */
import { type LongRunOptions, type Matrix, dotRows } from './common'
import { silhouette } from './kmeans'

export interface ClusterHierarchy {
  /** Coarse cluster of each fine cluster (index = fine idx). */
  parentOf: number[]
  coarseK: number
  /** Silhouette of each cut tried, by number of coarse clusters. */
  curve: { k: number; silhouette: number }[]
}

/** null when there are fewer than 4 fine clusters (nothing coarser than 2 to show). */
export async function clusterHierarchy(
  X: Matrix,
  assignments: Int32Array,
  centroids: Float32Array,
  k: number,
  opts: LongRunOptions & { seed?: number } = {},
): Promise<ClusterHierarchy | null> {
  if (k < 4) return null
  const d = X.d
  const sizes = new Float64Array(k)
  for (const a of assignments) if (a >= 0) sizes[a]++
  // average-linkage on centroid similarity: sim(A ∪ B, C) = size-weighted mean of sim(A, C) and sim(B, C)
  const sim = Array.from({ length: k }, (_, i) => Float64Array.from({ length: k }, (_, j) => dotRows(centroids, i, centroids, j, d)))
  const groupOf = Array.from({ length: k }, (_, i) => i)
  const alive = new Set(groupOf)
  const weight = Float64Array.from(sizes)
  const cuts = new Map<number, number[]>()
  while (alive.size > 2) {
    let best = -Infinity
    let pa = -1
    let pb = -1
    for (const a of alive)
      for (const b of alive)
        if (a < b && sim[a][b] > best) {
          best = sim[a][b]
          pa = a
          pb = b
        }
    // merge pb into pa
    for (const c of alive) {
      if (c === pa || c === pb) continue
      const s = (weight[pa] * sim[pa][c] + weight[pb] * sim[pb][c]) / Math.max(1, weight[pa] + weight[pb])
      sim[pa][c] = sim[c][pa] = s
    }
    weight[pa] += weight[pb]
    alive.delete(pb)
    for (let i = 0; i < k; i++) if (groupOf[i] === pb) groupOf[i] = pa
    if (alive.size <= Math.floor(k / 2)) cuts.set(alive.size, [...groupOf])
  }
  const curve: ClusterHierarchy['curve'] = []
  let bestCut: number[] | null = null
  let bestS = -Infinity
  for (const [c, groups] of [...cuts].sort((x, y) => x[0] - y[0])) {
    const ids = [...new Set(groups)].sort((x, y) => x - y)
    const remap = groups.map((g) => ids.indexOf(g))
    const coarse = assignments.map((a) => (a >= 0 ? remap[a] : -1))
    const s = await silhouette(X, coarse, { seed: opts.seed, signal: opts.signal })
    curve.push({ k: c, silhouette: s })
    if (s > bestS) {
      bestS = s
      bestCut = remap
    }
  }
  if (!bestCut) return null
  return { parentOf: bestCut, coarseK: Math.max(...bestCut) + 1, curve }
}
