import type { z } from 'zod'
import { searchTopK, type DuplicateGroup, type FlagRule } from '../analyze'
import type { AnalysisRun, AnalysisSummary, AnalyzeStartSchema } from '../contract'
import { EmbedMapError } from '../errors'
import type { AnalyzeParams } from '../jobs/analyze-job'
import type { JobRunner } from '../jobs/runner'
import { clusterLabel } from '../analyze/cluster-label'
import type { AnalysisRepo, AnalysisRunRow } from '../store/analysis-repo'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { EmbeddingsRepo } from '../store/embeddings-repo'
import { topRows } from '../analyze/top-rows'

interface Explanation {
  row: number
  score: number
  rawDistance: number
  neighbors: { indices: number[]; distances: number[] }
  cluster?: number
  reason?: 'neighbourhood' | 'text'
  meanNeighborDistance?: number
  textSurprisal?: number
}

/** The neighbours the anomaly job measures a row's neighbourhood over (its `k`). */
const ANOMALY_NEIGHBOURS = 10

/** Neighbours shown as the "why" of an outlier. */
const WHY_NEIGHBORS = 5

/** Starting analyses and reading their results back (summaries, neighbours, cluster names). */
export class AnalysisService {
  constructor(
    private readonly datasets: DatasetsRepo,
    private readonly sets: EmbeddingsRepo,
    private readonly analysis: AnalysisRepo,
    private readonly runner: JobRunner,
  ) {}

  start(input: z.output<typeof AnalyzeStartSchema>): { jobId: number } {
    const dataset = this.datasets.get(input.datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${input.datasetId}.`, 'List datasets with `embedmap datasets`.')
    const set = input.setId ? this.sets.get(input.setId) : this.sets.list(input.datasetId).find((s) => s.status === 'ready')
    if (!set || set.datasetId !== input.datasetId) {
      throw new EmbedMapError(
        'CONFLICT',
        `Dataset ${input.datasetId} has no complete embeddings to analyze.`,
        `Embed it first: \`embedmap embed --dataset ${input.datasetId}\`.`,
      )
    }
    if (input.kMin > input.kMax) throw new EmbedMapError('BAD_INPUT', `kMin (${input.kMin}) is larger than kMax (${input.kMax}).`)
    const flag: FlagRule =
      input.contamination !== undefined
        ? { by: 'contamination', fraction: input.contamination }
        : input.threshold !== undefined
          ? { by: 'threshold', score: input.threshold }
          : { by: 'iqr' }
    const params: AnalyzeParams = {
      datasetId: input.datasetId,
      setId: set.id,
      k: input.k,
      kMin: input.kMin,
      kMax: input.kMax,
      anomaly: input.anomaly,
      flag,
      nNeighbors: input.nNeighbors,
      minDist: input.minDist,
      umapEngine: input.umapEngine,
      seed: input.seed,
      duplicateThreshold: input.duplicateThreshold,
      clusterMethod: input.clusterMethod,
    }
    const lockKey = `analyze:${set.id}:${JSON.stringify(params)}`
    return this.runner.startOrJoin({ kind: 'analyze', datasetId: input.datasetId, params, lockKey })
  }

  /** Every analysis run of the dataset, newest first, for picking an earlier one. */
  runs(datasetId: number): AnalysisRun[] {
    if (!this.datasets.get(datasetId)) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${datasetId}.`, 'List datasets with `embedmap datasets`.')
    // The model behind each run: the map's picker names it, and the explore UI's model pickers follow it.
    const modelOf = this.sets.modelIds(datasetId)
    return this.analysis
      .runsForDataset(datasetId)
      .map((r) => ({ runId: r.id, setId: r.setId, modelId: modelOf.get(r.setId) ?? '', status: r.status, createdAt: r.createdAt, params: r.params }))
  }

  requireRun(datasetId: number, runId?: number): AnalysisRunRow {
    const run = runId === undefined ? this.analysis.latestReady(datasetId) : this.analysis.run(runId)
    if (!run)
      throw new EmbedMapError(
        'NOT_FOUND',
        runId === undefined ? `Dataset ${datasetId} has not been analyzed yet.` : `There is no analysis run ${runId}.`,
        `Run \`embedmap analyze --dataset ${datasetId}\`.`,
      )
    const set = this.sets.get(run.setId)
    if (!set || set.datasetId !== datasetId) throw new EmbedMapError('NOT_FOUND', `Analysis run ${run.id} is not of dataset ${datasetId}.`)
    return run
  }

  summary(datasetId: number, runId: number | undefined, top: number): AnalysisSummary {
    const run = this.requireRun(datasetId, runId)
    const set = this.sets.get(run.setId)!
    const clustering = run.clusteringId !== null ? this.analysis.clustering(run.clusteringId) : null
    const anomalies = run.anomalyRunId !== null ? this.analysis.anomalies(run.anomalyRunId) : null
    const dups = this.analysis.duplicates<DuplicateGroup>(run.id)
    const projection = run.projectionId !== null ? this.analysis.projection(run.projectionId) : null
    const explanations = anomalies
      ? this.topAnomalies(run.id, anomalies.raw, anomalies.scores, clustering?.assignments ?? null, top, anomalies.explanations as Explanation[])
      : []
    const dupGroups = [...(dups?.groups ?? [])].sort((a, b) => b.rows.length - a.rows.length).slice(0, top)
    const wanted = [...(clustering?.clusters.flatMap((c) => c.exemplars) ?? []), ...explanations.map((e) => e.row), ...dupGroups.map((g) => g.keeper)]
    const texts = this.datasets.texts(datasetId, wanted)
    const ref = (row: number) => ({ row, text: texts.get(row) ?? '' })
    return {
      runId: run.id,
      datasetId,
      setId: set.id,
      modelId: set.modelId,
      status: run.status,
      params: run.params,
      createdAt: run.createdAt,
      rows: clustering?.assignments.length ?? 0,
      k: clustering?.k ?? 0,
      silhouette: clustering?.silhouette ?? null,
      silhouetteCurve: clustering?.silhouetteCurve ?? [],
      clusters: (clustering?.clusters ?? []).map((c) => ({
        idx: c.idx,
        size: c.size,
        name: c.name,
        label: clusterLabel(c),
        keywords: c.keywords,
        exemplars: c.exemplars.map(ref),
      })),
      anomalies: {
        method: anomalies?.method ?? 'none',
        rule: anomalies?.params.rule ?? null,
        threshold: anomalies?.threshold ?? 1,
        flaggedCount: anomalies?.flaggedCount ?? 0,
        neighbours: typeof anomalies?.params.k === 'number' ? anomalies.params.k : ANOMALY_NEIGHBOURS,
        typical: typicalOf(anomalies?.params.typical),
        top: explanations.map((e) => ({
          ...ref(e.row),
          score: e.score,
          rawDistance: e.rawDistance,
          reason: e.reason ?? null,
          meanNeighborDistance: e.meanNeighborDistance ?? null,
          textSurprisal: e.textSurprisal ?? null,
          cluster: e.cluster ?? null,
          neighbors: e.neighbors.indices.map((row, i) => ({ row, distance: e.neighbors.distances[i] })),
        })),
      },
      duplicates: {
        groupCount: dups?.groups.length ?? 0,
        redundantRows: dups ? dups.groups.reduce((s, g) => s + g.rows.length - 1, 0) : 0,
        top: dupGroups.map((g) => ({ kind: g.kind, keeper: ref(g.keeper), rows: g.rows, maxDistance: Number.isFinite(g.maxDistance) ? g.maxDistance : null })),
      },
      projection: { method: 'umap', notes: projection?.notes ?? {} },
    }
  }

  /**
   * The highest-scoring rows, flagged or not (a user reviewing outliers wants the ranking, and the
   * flag threshold is only where it is cut), each with its nearest rows and its cluster as the why.
   */
  private topAnomalies(
    runId: number,
    raw: Float32Array,
    scores: Float32Array,
    assignments: Int32Array | null,
    top: number,
    stored: Explanation[],
  ): Explanation[] {
    const graph = this.analysis.knn(runId)
    const byRow = new Map(stored.map((e) => [e.row, e]))
    const order = topRows(raw, top)
    return order.map((row) => {
      const indices: number[] = []
      const distances: number[] = []
      for (let t = 0; graph && t < Math.min(WHY_NEIGHBORS, graph.k); t++) {
        const j = graph.indices[row * graph.k + t]
        if (j < 0) break
        indices.push(j)
        distances.push(graph.distances[row * graph.k + t])
      }
      const known = byRow.get(row)
      return {
        row,
        score: scores[row],
        rawDistance: raw[row],
        neighbors: { indices, distances },
        cluster: assignments ? assignments[row] : undefined,
        reason: known?.reason,
        meanNeighborDistance: known?.meanNeighborDistance ?? (graph ? meanDistance(graph, row, ANOMALY_NEIGHBOURS) : undefined),
        textSurprisal: known?.textSurprisal,
      }
    })
  }

  /** Names a cluster (null clears the name); the computed keywords stay as they are. */
  rename(runId: number, cluster: number, name: string | null): { renamed: boolean; datasetId: number } {
    const run = this.analysis.run(runId)
    if (!run || run.clusteringId === null) throw new EmbedMapError('NOT_FOUND', `Analysis run ${runId} has no clusters.`)
    const renamed = this.analysis.renameCluster(run.clusteringId, cluster, name?.trim() ? name.trim() : null)
    return { renamed, datasetId: this.sets.get(run.setId)!.datasetId }
  }

  /** The k rows most similar to `row`: from the stored kNN graph when it is deep enough, else exact. */
  async neighbors(datasetId: number, row: number, k: number, runId?: number): Promise<{ row: number; text: string; similarity: number }[]> {
    const dataset = this.datasets.get(datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${datasetId}.`)
    if (row >= dataset.rowCount) throw new EmbedMapError('BAD_INPUT', `Dataset ${datasetId} has rows 0–${dataset.rowCount - 1}; there is no row ${row}.`)
    const run = runId === undefined ? this.analysis.latestReady(datasetId) : this.requireRun(datasetId, runId)
    const graph = run ? this.analysis.knn(run.id) : null
    let pairs: { row: number; similarity: number }[]
    if (graph && graph.k >= k) {
      pairs = []
      for (let t = 0; t < k; t++) {
        const j = graph.indices[row * graph.k + t]
        if (j >= 0) pairs.push({ row: j, similarity: 1 - graph.distances[row * graph.k + t] })
      }
    } else {
      const set = run ? this.sets.get(run.setId) : this.sets.list(datasetId).find((s) => s.status === 'ready')
      if (!set) throw new EmbedMapError('CONFLICT', `Dataset ${datasetId} has no embeddings yet.`, `Embed it first: \`embedmap embed --dataset ${datasetId}\`.`)
      const { matrix } = this.sets.readMatrix(set.id, dataset.rowCount, set.dims)
      const q = matrix.slice(row * set.dims, (row + 1) * set.dims)
      const mask = new Uint8Array(dataset.rowCount).fill(1)
      mask[row] = 0
      const r = await searchTopK({ data: matrix, n: dataset.rowCount, d: set.dims }, q, k, { mask })
      pairs = Array.from(r.indices, (j, i) => ({ row: j, similarity: r.scores[i] }))
    }
    const texts = this.datasets.texts(
      datasetId,
      pairs.map((p) => p.row),
    )
    return pairs.map((p) => ({ ...p, text: texts.get(p.row) ?? '' }))
  }
}

function typicalOf(v: unknown): { meanNeighborDistance: number | null; textSurprisal: number | null } {
  const o = (v ?? {}) as Record<string, unknown>
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null)
  return { meanNeighborDistance: num(o.meanNeighborDistance), textSurprisal: num(o.textSurprisal) }
}

/** Mean distance to a row's first k neighbours in a stored graph (what the 'knn' score measures). */
function meanDistance(graph: { k: number; indices: Int32Array; distances: Float32Array }, row: number, k: number): number | undefined {
  let s = 0
  let c = 0
  for (let t = 0; t < Math.min(k, graph.k); t++) {
    if (graph.indices[row * graph.k + t] < 0) break
    s += graph.distances[row * graph.k + t]
    c++
  }
  return c ? s / c : undefined
}
