import { decodeBitmap } from '../contract/selection'
import { exportRows, type ExportChunk, type ExportFormat, type ExtraColumn } from '../export'
import { EmbedMapError } from '../errors'
import { AnalysisRepo, type StoredAnomalies, type StoredClustering } from '../store/analysis-repo'
import { DatasetsRepo } from '../store/datasets-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { clusterLabel } from '../analyze/cluster-label'
import { z } from 'zod'
import { defineJob } from './define-job'

export const ExportWhatSchema = z.union([z.enum(['all', 'clusters', 'anomalies', 'duplicates', 'selection']), z.string().regex(/^cluster:\d+$/)])
export type ExportWhat = z.output<typeof ExportWhatSchema>

export const ExportParamsSchema = z.object({
  datasetId: z.number().int().positive(),
  runId: z.number().int().positive().nullable(),
  what: ExportWhatSchema,
  rows: z.array(z.number().int().nonnegative()).optional(),
  /** Sorted [start, endExclusive) ranges and a base64 bitmap (contract/selection.ts), joined with `rows`. */
  ranges: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).optional(),
  bitmap: z.string().optional(),
  format: z.enum(['csv', 'jsonl', 'parquet']) satisfies z.ZodType<ExportFormat>,
  out: z.string().min(1),
  formulaGuard: z.boolean(),
  bom: z.boolean(),
  vectors: z.boolean(),
})
export type ExportParams = z.output<typeof ExportParamsSchema>

const CHUNK = 5000

/**
 * Writes rows with their original columns and what the analysis found about them. The row list is
 * decided up front, so the file holds exactly the rows asked for, once each.
 */
export const exportJob = defineJob({
  kind: 'export',
  params: ExportParamsSchema,
  title: (p) => `Export ${p.what} of dataset ${p.datasetId} to ${p.format}`,

  async run(ctx) {
    const p = ctx.params
    const datasets = new DatasetsRepo(ctx.db)
    const analysis = new AnalysisRepo(ctx.db)
    const dataset = datasets.get(p.datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${p.datasetId}.`)
    const run = p.runId !== null ? analysis.run(p.runId) : undefined
    const clustering: StoredClustering | null = run?.clusteringId ? analysis.clustering(run.clusteringId) : null
    const anomalies: StoredAnomalies | null = run?.anomalyRunId ? analysis.anomalies(run.anomalyRunId) : null
    const coords = run?.projectionId ? (analysis.projection(run.projectionId)?.coords ?? null) : null
    const dups = run ? analysis.duplicates<{ rows: number[]; keeper: number }>(run.id) : null
    const rows = selectRows(p, dataset.rowCount, clustering, anomalies, dups?.groups ?? null)
    const labels = new Map(clustering?.clusters.map((c) => [c.idx, clusterLabel(c)]) ?? [])
    const extras: ExtraColumn[] = [
      ...(clustering ? (['cluster', 'cluster_label'] as const) : []),
      ...(anomalies ? (['anomaly_score', 'is_anomaly'] as const) : []),
      ...(coords ? (['x', 'y'] as const) : []),
    ]
    // Vectors asked for before any analysis ran come from the newest finished set (they used to be dropped silently).
    const sets = new EmbeddingsRepo(ctx.db)
    const set = run ? sets.get(run.setId) : p.vectors ? sets.list(p.datasetId).find((s) => s.status === 'ready') : undefined
    const dims = p.vectors && p.format === 'parquet' && set ? set.dims : undefined

    async function* chunks(): AsyncGenerator<ExportChunk> {
      const vectorStmt = dims ? ctx.db.prepare(`SELECT row_idx, vector FROM embeddings WHERE set_id = ? AND row_idx IN (SELECT value FROM json_each(?))`) : null
      const cellStmt = ctx.db.prepare(`SELECT idx, cells FROM rows WHERE dataset_id = ? AND idx IN (SELECT value FROM json_each(?))`)
      for (let i = 0; i < rows.length; i += CHUNK) {
        ctx.throwIfCancelled()
        const part = rows.slice(i, i + CHUNK)
        const byIdx = new Map(
          (cellStmt.all(p.datasetId, JSON.stringify(part)) as { idx: number; cells: string }[]).map((r) => [r.idx, JSON.parse(r.cells) as string[]]),
        )
        const chunk: ExportChunk = { cells: part.map((r) => byIdx.get(r) ?? []) }
        if (clustering) {
          chunk.cluster = Int32Array.from(part, (r) => clustering.assignments[r])
          chunk.clusterLabel = part.map((r) => labels.get(clustering.assignments[r]) ?? '')
        }
        if (anomalies) {
          chunk.anomalyScore = Float32Array.from(part, (r) => anomalies.scores[r])
          chunk.isAnomaly = Uint8Array.from(part, (r) => anomalies.flags[r])
        }
        if (coords) {
          chunk.x = Float32Array.from(part, (r) => coords[2 * r])
          chunk.y = Float32Array.from(part, (r) => coords[2 * r + 1])
        }
        if (vectorStmt && dims) {
          const vecs = new Float32Array(part.length * dims)
          const pos = new Map(part.map((r, j) => [r, j]))
          for (const v of vectorStmt.all(set!.id, JSON.stringify(part)) as { row_idx: number; vector: Buffer }[]) {
            new Uint8Array(vecs.buffer).set(v.vector.subarray(0, dims * 4), pos.get(v.row_idx)! * dims * 4)
          }
          chunk.vectors = vecs
        }
        yield chunk
      }
    }

    const result = await exportRows({
      format: p.format,
      out: p.out,
      columns: dataset.columns.map((c) => ({ name: c.name, type: c.type })),
      extraColumns: extras,
      vectorDims: dims,
      rows: chunks(),
      csv: { formulaGuard: p.formulaGuard, bom: p.bom },
      signal: ctx.signal,
      onProgress: (n) => ctx.report(n, rows.length),
    })
    if (result.rows !== rows.length) throw new EmbedMapError('INTERNAL', `Exported ${result.rows} rows instead of ${rows.length}.`)
    return { out: result.out, rows: result.rows, bytes: result.bytes, columns: result.columns }
  },
})

/** A plain row list keeps its order; with ranges or a bitmap the union is exported in row order. */
function selectedRows(p: ExportParams, n: number): number[] {
  const outside = () => new EmbedMapError('BAD_INPUT', `The selection has rows outside 0–${n - 1} or repeats.`)
  const rows = [...new Set(p.rows ?? [])].filter((r) => r >= 0 && r < n)
  if (rows.length !== (p.rows ?? []).length) throw outside()
  if (!p.ranges && !p.bitmap) return rows
  const chosen = new Uint8Array(n)
  for (const r of rows) chosen[r] = 1
  // Checked before filling, so a range to 2^31 never allocates beyond the dataset.
  for (const [start, end] of p.ranges ?? []) {
    if (end > n) throw outside()
    chosen.fill(1, start, end)
  }
  for (const r of p.bitmap ? decodeBitmap(p.bitmap) : []) {
    if (r >= n) throw outside()
    chosen[r] = 1
  }
  const out: number[] = []
  for (let i = 0; i < n; i++) if (chosen[i]) out.push(i)
  return out
}

function selectRows(
  p: ExportParams,
  n: number,
  clustering: StoredClustering | null,
  anomalies: StoredAnomalies | null,
  groups: { rows: number[] }[] | null,
): number[] {
  const all = () => Array.from({ length: n }, (_, i) => i)
  const needRun = (what: string) =>
    new EmbedMapError('CONFLICT', `Exporting ${what} needs an analysis of dataset ${p.datasetId}.`, `Run \`embedmap analyze --dataset ${p.datasetId}\` first.`)
  if (p.what === 'all') return all()
  if (p.what === 'selection') return selectedRows(p, n)
  if (p.what === 'clusters') {
    if (!clustering) throw needRun('clusters')
    // Grouped by cluster, row order within each.
    return all().sort((a, b) => clustering.assignments[a] - clustering.assignments[b] || a - b)
  }
  if (p.what === 'anomalies') {
    if (!anomalies) throw needRun('anomalies')
    return all()
      .filter((r) => anomalies.flags[r])
      .sort((a, b) => anomalies.scores[b] - anomalies.scores[a] || a - b)
  }
  if (p.what === 'duplicates') {
    if (!groups) throw needRun('duplicates')
    return groups.flatMap((g) => g.rows)
  }
  const m = /^cluster:(\d+)$/.exec(p.what)
  if (m) {
    if (!clustering) throw needRun('a cluster')
    const c = Number(m[1])
    if (c >= clustering.k) throw new EmbedMapError('BAD_INPUT', `There is no cluster ${c} (clusters are 0–${clustering.k - 1}).`)
    return all().filter((r) => clustering.assignments[r] === c)
  }
  throw new EmbedMapError('BAD_INPUT', `Unknown export '${p.what}'.`, 'Use all, clusters, anomalies, duplicates, cluster:N or a selection.')
}
