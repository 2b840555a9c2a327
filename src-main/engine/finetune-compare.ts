import type { FinetuneCompare } from '../contract'
import { procrustes2d } from '../analyze/procrustes'
import { EmbedMapError } from '../errors'
import { AnalysisRepo } from '../store/analysis-repo'
import type { Db } from '../store/connection'
import { EmbeddingsRepo } from '../store/embeddings-repo'

/**
 * The base model's map and the fine-tuned model's map of the same dataset: the new layout Procrustes-aligned onto the
 * old one, and the rows whose neighbourhood changed most (share of their k nearest neighbours, from each run's stored
 * kNN graph, that differ), with how far they moved on the aligned maps.
 */
export function compareMaps(db: Db, input: { datasetId: number; baseRunId: number; newRunId: number; top: number }): FinetuneCompare {
  const analysis = new AnalysisRepo(db)
  const sets = new EmbeddingsRepo(db)
  const load = (runId: number) => {
    const run = analysis.run(runId)
    const set = run && sets.get(run.setId)
    if (!run || !set || set.datasetId !== input.datasetId)
      throw new EmbedMapError('NOT_FOUND', `Dataset ${input.datasetId} has no analysis run ${runId}.`, 'Map the dataset with both models first.')
    const projection = run.projectionId === null ? null : analysis.projection(run.projectionId)
    const knn = analysis.knn(runId)
    if (!projection || !knn) throw new EmbedMapError('CONFLICT', `Analysis run ${runId} has no map yet.`, 'Wait for it to finish.')
    return { coords: projection.coords, knn }
  }
  const a = load(input.baseRunId)
  const b = load(input.newRunId)
  if (a.coords.length !== b.coords.length) throw new EmbedMapError('CONFLICT', 'The two maps do not have the same rows.')
  const n = a.coords.length / 2
  const { aligned } = procrustes2d(a.coords, b.coords)
  const k = Math.min(a.knn.k, b.knn.k)
  const change = new Float32Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const mine = new Set(Array.from(a.knn.indices.subarray(i * a.knn.k, i * a.knn.k + k)))
    let shared = 0
    for (let j = 0; j < k; j++) if (mine.has(b.knn.indices[i * b.knn.k + j])) shared++
    change[i] = k ? 1 - shared / k : 0
    sum += change[i]
  }
  const displacement = (i: number) => Math.hypot(aligned[2 * i] - a.coords[2 * i], aligned[2 * i + 1] - a.coords[2 * i + 1])
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => change[y] - change[x] || displacement(y) - displacement(x))
  const top = order.slice(0, input.top)
  const texts = new Map(
    (
      db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))`).all(input.datasetId, JSON.stringify(top)) as {
        idx: number
        text: string
      }[]
    ).map((r) => [r.idx, r.text]),
  )
  return {
    datasetId: input.datasetId,
    baseRunId: input.baseRunId,
    newRunId: input.newRunId,
    base: Array.from(a.coords),
    newAligned: Array.from(aligned),
    moved: top.map((i) => ({ row: i, text: texts.get(i) ?? '', neighbourChange: change[i], displacement: displacement(i) })),
    meanNeighbourChange: n ? sum / n : 0,
  }
}
