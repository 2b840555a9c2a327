import {
  anomalies,
  chooseK,
  clusterCentroids,
  clusterKeywords,
  duplicates,
  hdbscan,
  kmeans,
  knn,
  matrix,
  umap,
  type AnomalyMethod,
  type FlagRule,
  type KnnResult,
} from '../analyze'
import { EmbedMapError } from '../errors'
import { AnalysisRepo } from '../store/analysis-repo'
import type { Db } from '../store/connection'
import { DatasetsRepo } from '../store/datasets-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { JobsRepo } from '../store/jobs-repo'
import type { JobContext } from './types'
import { z } from 'zod'
import { defineJob } from './define-job'
import { clusterHierarchy } from '../analyze/cluster-hierarchy'

export const FlagRuleSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('contamination'), fraction: z.number().gt(0).max(0.5) }),
  z.object({ by: z.literal('threshold'), score: z.number().min(0).max(1) }),
  z.object({ by: z.literal('iqr'), factor: z.number().positive().optional() }),
]) satisfies z.ZodType<FlagRule>

export const AnalyzeParamsSchema = z.object({
  datasetId: z.number().int().positive(),
  setId: z.number().int().positive(),
  k: z.union([z.literal('auto'), z.number().int().min(1)]),
  kMin: z.number().int().min(2),
  kMax: z.number().int().min(2),
  anomaly: z.enum(['knn-text', 'knn', 'lof', 'centroid', 'cluster-centroid']) satisfies z.ZodType<AnomalyMethod>,
  flag: FlagRuleSchema,
  nNeighbors: z.number().int().min(2),
  minDist: z.number().min(0).max(1),
  umapEngine: z.enum(['embedmap', 'umap-js']),
  seed: z.number().int(),
  duplicateThreshold: z.number().min(0),
  /** 'kmeans' (k by silhouette, or the given k) or 'hdbscan' on the map's coordinates (older runs: kmeans). */
  clusterMethod: z.enum(['kmeans', 'hdbscan']).default('kmeans'),
})
export type AnalyzeParams = z.output<typeof AnalyzeParamsSchema>

interface Checkpoint {
  runId?: number
}

/** Share of the progress bar each stage takes (UMAP dominates the time). */
const STAGES = { knn: 150, umap: 450, cluster: 250, anomaly: 50, duplicates: 30, labels: 70 } as const
const TOTAL = Object.values(STAGES).reduce((a, b) => a + b, 0)
/** The kNN graph is computed once, for the largest k any stage needs. */
const KNN_K = 15
const MAX_EXPLANATIONS = 1000

/**
 * The whole analysis of one set of vectors: kNN graph → UMAP map → k-means (k by silhouette) with
 * c-TF-IDF labels → anomaly scores → near-duplicate groups. Each stage is stored as it completes,
 * so a resumed run picks up at the first missing one.
 */
export const analyzeJob = defineJob({
  kind: 'analyze',
  params: AnalyzeParamsSchema,
  title: (p) => `Analyze dataset ${p.datasetId}`,

  async run(ctx) {
    const p = ctx.params
    const repo = new AnalysisRepo(ctx.db)
    const datasets = new DatasetsRepo(ctx.db)
    const sets = new EmbeddingsRepo(ctx.db)
    const jobs = new JobsRepo(ctx.db)
    const dataset = datasets.get(p.datasetId)
    const set = sets.get(p.setId)
    if (!dataset || !set) throw new EmbedMapError('NOT_FOUND', `Dataset ${p.datasetId} or its vectors are gone.`)
    if (set.status !== 'ready')
      throw new EmbedMapError(
        'CONFLICT',
        `Embedding set ${set.id} is not complete (${set.vectorCount} of ${dataset.rowCount} rows).`,
        'Finish embedding first: run `embedmap embed` again.',
      )

    let runId = (ctx.job.checkpoint as Checkpoint).runId
    if (runId === undefined || !repo.run(runId)) {
      runId = repo.createRun(p.setId, p)
      jobs.progress(ctx.job.id, 0, TOTAL, { runId } satisfies Checkpoint)
    }
    const run = repo.run(runId)!
    const { matrix: data, missing } = sets.readMatrix(p.setId, dataset.rowCount, set.dims)
    if (missing > 0) throw new EmbedMapError('CONFLICT', `${missing} rows have no vector in set ${set.id}.`, 'Run `embedmap embed` again to fill them in.')
    const X = matrix(data, dataset.rowCount, set.dims)
    const progress = stageProgress(ctx)
    const notes: Record<string, unknown> = { ...run.notes }
    // Wall seconds of each stage this job ran (a resumed job adds the stages it had left).
    const seconds = (notes.seconds ?? {}) as Record<string, number>
    notes.seconds = seconds
    let stageStart = Date.now()
    const stageDone = (stage: string) => {
      seconds[stage] = (Date.now() - stageStart) / 1000
      stageStart = Date.now()
    }
    let textsRead: string[] | undefined
    const texts = () => (textsRead ??= readTexts(ctx.db, p.datasetId, X.n))

    // 1. kNN graph
    let graph: KnnResult
    const stored = repo.knn(runId)
    if (stored) {
      graph = { ...stored, n: X.n, method: stored.method as KnnResult['method'] }
    } else {
      graph = await knn(X, { k: Math.min(KNN_K, Math.max(1, X.n - 1)), signal: ctx.signal, onProgress: progress('knn') })
      repo.saveKnn(runId, graph.k, graph.method, graph.indices, graph.distances)
    }
    notes.knn = { method: graph.method, k: graph.k, note: graph.note }
    progress('knn')(1, 1)
    stageDone('knn')

    // 2. UMAP
    if (run.projectionId === null) {
      const t0 = Date.now()
      const u = await umap(X, {
        nNeighbors: p.nNeighbors,
        minDist: p.minDist,
        seed: p.seed,
        engine: p.umapEngine,
        knn: graph,
        signal: ctx.signal,
        onProgress: progress('umap'),
      })
      repo.saveProjection(
        runId,
        p.setId,
        u.embedding,
        { nNeighbors: p.nNeighbors, minDist: p.minDist, seed: p.seed, metric: 'cosine', engine: p.umapEngine },
        {
          nEpochs: u.nEpochs,
          knnMethod: u.knnMethod,
          sample: u.sample ? { size: u.sample.size, note: 'fitted on a sample; the other rows were placed by the fitted model' } : null,
          note: u.note ?? null,
          seconds: (Date.now() - t0) / 1000,
        },
      )
    }
    progress('umap')(1, 1)
    stageDone('umap')

    // 3. Clusters with labels
    let clusteringId = repo.run(runId)!.clusteringId
    if (clusteringId === null) {
      const clusterProgress = progress('cluster')
      let result
      let curve: { k: number; silhouette: number; inertia: number }[] = []
      let note: string | undefined
      if (p.clusterMethod === 'hdbscan') {
        // density clusters on the map's UMAP coordinates (BERTopic's recipe); rows in no dense region stay −1
        const coords = repo.projection(repo.run(runId)!.projectionId!)!.coords
        const h = await hdbscan(coords, 2, { seed: p.seed, signal: ctx.signal, onProgress: clusterProgress })
        result = { k: h.k, assignments: h.labels, centroids: clusterCentroids(X, h.labels, h.k), restarts: 0, iterations: 0, inertia: NaN, note: h.note }
        note = `HDBSCAN on the 2-D map, smallest cluster ${h.minClusterSize} rows: ${h.k} clusters, ${h.unclustered} rows unclustered`
      } else if (p.k === 'auto') {
        const chosen = await chooseK(X, { kMin: p.kMin, kMax: p.kMax, seed: p.seed, signal: ctx.signal, onProgress: clusterProgress })
        result = chosen.best
        curve = chosen.curve
        note = chosen.note
      } else {
        result = await kmeans(X, { k: Math.min(p.k, X.n), seed: p.seed, signal: ctx.signal, onProgress: clusterProgress })
      }
      if (!result) throw new EmbedMapError('BAD_INPUT', `Dataset ${p.datasetId} has too few rows (${X.n}) to cluster.`, note)
      const labels = await clusterKeywords(texts(), result.assignments, {
        X,
        centroids: result.centroids,
        exemplars: 3,
        topN: 10,
        signal: ctx.signal,
        onProgress: progress('labels'),
      })
      // the coarse level above k-means clusters (labels shown zoomed out); density clusters have no centroid tree
      const tree = p.clusterMethod === 'kmeans' ? await clusterHierarchy(X, result.assignments, result.centroids, result.k, { seed: p.seed }) : null
      let hierarchy = null
      if (tree) {
        const coarse = result.assignments.map((a) => (a >= 0 ? tree.parentOf[a] : -1))
        const coarseLabels = await clusterKeywords(texts(), coarse, { topN: 5, signal: ctx.signal })
        hierarchy = {
          parentOf: tree.parentOf,
          curve: tree.curve,
          coarse: coarseLabels.map((l) => ({ idx: l.cluster, size: l.size, keywords: l.keywords.slice(0, 5) })),
        }
      }
      const silhouette = curve.find((c) => c.k === result.k)?.silhouette ?? null
      clusteringId = repo.saveClustering(runId, p.setId, {
        k: result.k,
        params: {
          method: p.clusterMethod,
          k: p.k,
          kMin: p.kMin,
          kMax: p.kMax,
          seed: p.seed,
          restarts: result.restarts,
          iterations: result.iterations,
          inertia: Number.isFinite(result.inertia) ? result.inertia : null,
          note: note ?? result.note ?? null,
          hierarchy,
        },
        silhouette,
        silhouetteCurve: curve,
        assignments: result.assignments,
        centroids: result.centroids,
        clusters: labels.map((l) => ({ idx: l.cluster, size: l.size, keywords: l.keywords, exemplars: l.exemplars, name: null })),
      })
    }
    progress('labels')(1, 1)
    stageDone('clusters') // k-means (k chosen by silhouette) and the keyword labels
    const clustering = repo.clustering(clusteringId)!

    // 4. Anomalies
    if (repo.run(runId)!.anomalyRunId === null) {
      const a = await anomalies(X, {
        method: p.anomaly,
        k: 10,
        knn: graph,
        assignments: clustering.assignments,
        centroids: clustering.centroids,
        texts: p.anomaly === 'knn-text' ? texts() : undefined,
        flag: p.flag,
        maxExplanations: MAX_EXPLANATIONS,
        signal: ctx.signal,
        onProgress: progress('anomaly'),
      })
      const flags = new Uint8Array(X.n)
      for (const r of a.flagged) flags[r] = 1
      let threshold = 1
      for (const r of a.flagged) threshold = Math.min(threshold, a.scores[r])
      repo.saveAnomalies(runId, p.setId, {
        method: a.method,
        params: { rule: a.rule, normalize: a.normalize, rawThreshold: a.rawThreshold, k: 10, typical: a.typical },
        scores: a.scores,
        raw: a.raw,
        flags,
        threshold: a.flagged.length ? threshold : 1,
        flaggedCount: a.flagged.length,
        explanations: a.explanations,
      })
    }
    progress('anomaly')(1, 1)
    stageDone('anomaly')

    // 5. Near-duplicates
    if (!repo.run(runId)!.hasDuplicates) {
      const d = await duplicates(X, { threshold: p.duplicateThreshold, knn: graph, texts: texts(), signal: ctx.signal, onProgress: progress('duplicates') })
      repo.saveDuplicates(runId, d.groupOf, d.groups)
      notes.duplicates = { groups: d.groups.length, redundantRows: d.redundantRows, threshold: p.duplicateThreshold }
    }
    progress('duplicates')(1, 1)
    stageDone('duplicates')

    repo.finish(runId, notes)
    jobs.progress(ctx.job.id, TOTAL, TOTAL, { runId } satisfies Checkpoint)
    return { runId, k: clustering.k, silhouette: clustering.silhouette }
  },
})

/** Maps a stage's own done/total onto the job's 0..TOTAL progress. */
function stageProgress(ctx: JobContext) {
  const order = Object.keys(STAGES) as (keyof typeof STAGES)[]
  return (stage: keyof typeof STAGES) => {
    const start = order.slice(0, order.indexOf(stage)).reduce((s, k) => s + STAGES[k], 0)
    return (done: number, total: number) => {
      ctx.report(Math.round(start + (STAGES[stage] * Math.min(done, total)) / Math.max(1, total)), TOTAL)
      ctx.throwIfCancelled()
    }
  }
}

/** Every row's text, in row order, read in chunks so no cursor stays open. */
export function readTexts(db: Db, datasetId: number, n: number): string[] {
  const texts = new Array<string>(n)
  const stmt = db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? AND idx >= ? ORDER BY idx LIMIT 20000`)
  let next = 0
  for (;;) {
    const chunk = stmt.all(datasetId, next) as { idx: number; text: string }[]
    if (chunk.length === 0) break
    for (const r of chunk) texts[r.idx] = r.text
    next = chunk[chunk.length - 1].idx + 1
  }
  return texts
}
