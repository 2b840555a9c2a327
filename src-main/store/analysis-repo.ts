import type { Db } from './connection'
import { fromBlob, toBlob } from './blobs'

export interface ClusterInfo {
  idx: number
  size: number
  keywords: { term: string; weight: number }[]
  exemplars: number[]
  name: string | null
}

export interface StoredClustering {
  id: number
  k: number
  params: Record<string, unknown>
  silhouette: number | null
  silhouetteCurve: { k: number; silhouette: number; inertia: number }[]
  assignments: Int32Array
  centroids: Float32Array
  clusters: ClusterInfo[]
}

export interface StoredAnomalies {
  id: number
  method: string
  params: Record<string, unknown>
  scores: Float32Array
  raw: Float32Array
  flags: Uint8Array
  threshold: number
  flaggedCount: number
  explanations: unknown[]
}

export interface AnalysisRunRow {
  id: number
  setId: number
  status: 'running' | 'ready'
  params: Record<string, unknown>
  projectionId: number | null
  clusteringId: number | null
  anomalyRunId: number | null
  knnK: number | null
  knnMethod: string | null
  hasDuplicates: boolean
  notes: Record<string, unknown>
  createdAt: string
}

interface RawRun {
  id: number
  set_id: number
  status: 'running' | 'ready'
  params: string
  projection_id: number | null
  clustering_id: number | null
  anomaly_run_id: number | null
  knn_k: number | null
  knn_method: string | null
  has_dups: number
  notes: string
  created_at: string
}

const RUN_COLUMNS = `a.id, a.set_id, a.status, a.params, a.projection_id, a.clustering_id, a.anomaly_run_id, a.knn_k, a.knn_method, a.dup_groups IS NOT NULL AS has_dups, a.notes, a.created_at`

function toRun(r: RawRun): AnalysisRunRow {
  return {
    id: r.id,
    setId: r.set_id,
    status: r.status,
    params: JSON.parse(r.params),
    projectionId: r.projection_id,
    clusteringId: r.clustering_id,
    anomalyRunId: r.anomaly_run_id,
    knnK: r.knn_k,
    knnMethod: r.knn_method,
    hasDuplicates: r.has_dups === 1,
    notes: JSON.parse(r.notes),
    createdAt: r.created_at,
  }
}

/**
 * Analysis results: each stage is saved as soon as it is computed, so a resumed run skips the stages
 * that finished (kNN, projection, clustering, anomalies, duplicates).
 */
export class AnalysisRepo {
  constructor(private readonly db: Db) {}

  createRun(setId: number, params: unknown): number {
    return Number(
      this.db.prepare(`INSERT INTO analysis_runs (set_id, status, params) VALUES (?, 'running', ?)`).run(setId, JSON.stringify(params)).lastInsertRowid,
    )
  }

  run(id: number): AnalysisRunRow | undefined {
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM analysis_runs a WHERE a.id = ?`).get(id) as RawRun | undefined
    return r && toRun(r)
  }

  runsForDataset(datasetId: number): AnalysisRunRow[] {
    const rows = this.db
      .prepare(`SELECT ${RUN_COLUMNS} FROM analysis_runs a JOIN embedding_sets s ON s.id = a.set_id WHERE s.dataset_id = ? ORDER BY a.id DESC`)
      .all(datasetId) as RawRun[]
    return rows.map(toRun)
  }

  latestReady(datasetId: number): AnalysisRunRow | undefined {
    return this.runsForDataset(datasetId).find((r) => r.status === 'ready')
  }

  saveKnn(runId: number, k: number, method: string, indices: Int32Array, distances: Float32Array): void {
    this.db
      .prepare(`UPDATE analysis_runs SET knn_k = ?, knn_method = ?, knn_indices = ?, knn_distances = ? WHERE id = ?`)
      .run(k, method, toBlob(indices), toBlob(distances), runId)
  }

  knn(runId: number): { k: number; indices: Int32Array; distances: Float32Array; method: string } | null {
    const r = this.db.prepare(`SELECT knn_k, knn_method, knn_indices, knn_distances FROM analysis_runs WHERE id = ?`).get(runId) as
      { knn_k: number | null; knn_method: string | null; knn_indices: Buffer | null; knn_distances: Buffer | null } | undefined
    if (!r || r.knn_k === null || !r.knn_indices || !r.knn_distances) return null
    return { k: r.knn_k, method: r.knn_method ?? '', indices: fromBlob(r.knn_indices, Int32Array)!, distances: fromBlob(r.knn_distances, Float32Array)! }
  }

  saveProjection(runId: number, setId: number, coords: Float32Array, params: unknown, notes: unknown): number {
    const id = Number(
      this.db
        .prepare(`INSERT INTO projections (set_id, method, params, notes, coords) VALUES (?, 'umap', ?, ?, ?)`)
        .run(setId, JSON.stringify(params), JSON.stringify(notes), toBlob(coords)).lastInsertRowid,
    )
    this.db.prepare(`UPDATE analysis_runs SET projection_id = ? WHERE id = ?`).run(id, runId)
    return id
  }

  projection(id: number): { coords: Float32Array; params: Record<string, unknown>; notes: Record<string, unknown> } | null {
    const r = this.db.prepare(`SELECT coords, params, notes FROM projections WHERE id = ?`).get(id) as
      { coords: Buffer; params: string; notes: string } | undefined
    return r ? { coords: fromBlob(r.coords, Float32Array)!, params: JSON.parse(r.params), notes: JSON.parse(r.notes) } : null
  }

  saveClustering(runId: number, setId: number, c: Omit<StoredClustering, 'id'>): number {
    const id = Number(
      this.db
        .prepare(`INSERT INTO clusterings (set_id, k, params, silhouette, silhouette_curve, assignments, centroids) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(setId, c.k, JSON.stringify(c.params), c.silhouette, JSON.stringify(c.silhouetteCurve), toBlob(c.assignments), toBlob(c.centroids)).lastInsertRowid,
    )
    const ins = this.db.prepare(`INSERT INTO clusters (clustering_id, idx, size, keywords, exemplars) VALUES (?, ?, ?, ?, ?)`)
    for (const cl of c.clusters) ins.run(id, cl.idx, cl.size, JSON.stringify(cl.keywords), JSON.stringify(cl.exemplars))
    this.db.prepare(`UPDATE analysis_runs SET clustering_id = ? WHERE id = ?`).run(id, runId)
    return id
  }

  clustering(id: number): StoredClustering | null {
    const r = this.db.prepare(`SELECT * FROM clusterings WHERE id = ?`).get(id) as
      { id: number; k: number; params: string; silhouette: number | null; silhouette_curve: string; assignments: Buffer; centroids: Buffer } | undefined
    if (!r) return null
    const clusters = (
      this.db.prepare(`SELECT idx, size, keywords, exemplars, name FROM clusters WHERE clustering_id = ? ORDER BY idx`).all(id) as {
        idx: number
        size: number
        keywords: string
        exemplars: string
        name: string | null
      }[]
    ).map((c) => ({ idx: c.idx, size: c.size, keywords: JSON.parse(c.keywords), exemplars: JSON.parse(c.exemplars), name: c.name }))
    return {
      id: r.id,
      k: r.k,
      params: JSON.parse(r.params),
      silhouette: r.silhouette,
      silhouetteCurve: JSON.parse(r.silhouette_curve),
      assignments: fromBlob(r.assignments, Int32Array)!,
      centroids: fromBlob(r.centroids, Float32Array)!,
      clusters,
    }
  }

  renameCluster(clusteringId: number, idx: number, name: string | null): boolean {
    return this.db.prepare(`UPDATE clusters SET name = ? WHERE clustering_id = ? AND idx = ?`).run(name, clusteringId, idx).changes === 1
  }

  saveAnomalies(runId: number, setId: number, a: Omit<StoredAnomalies, 'id'>): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO anomaly_runs (set_id, method, params, scores, raw, flags, threshold, flagged_count, explanations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          setId,
          a.method,
          JSON.stringify(a.params),
          toBlob(a.scores),
          toBlob(a.raw),
          toBlob(a.flags),
          a.threshold,
          a.flaggedCount,
          JSON.stringify(a.explanations),
        ).lastInsertRowid,
    )
    this.db.prepare(`UPDATE analysis_runs SET anomaly_run_id = ? WHERE id = ?`).run(id, runId)
    return id
  }

  anomalies(id: number): StoredAnomalies | null {
    const r = this.db.prepare(`SELECT * FROM anomaly_runs WHERE id = ?`).get(id) as
      | {
          id: number
          method: string
          params: string
          scores: Buffer
          raw: Buffer
          flags: Buffer
          threshold: number
          flagged_count: number
          explanations: string
        }
      | undefined
    if (!r) return null
    return {
      id: r.id,
      method: r.method,
      params: JSON.parse(r.params),
      scores: fromBlob(r.scores, Float32Array)!,
      raw: fromBlob(r.raw, Float32Array)!,
      flags: fromBlob(r.flags, Uint8Array)!,
      threshold: r.threshold,
      flaggedCount: r.flagged_count,
      explanations: JSON.parse(r.explanations),
    }
  }

  saveDuplicates(runId: number, groupOf: Int32Array, groups: unknown[]): void {
    this.db.prepare(`UPDATE analysis_runs SET dup_group_of = ?, dup_groups = ? WHERE id = ?`).run(toBlob(groupOf), JSON.stringify(groups), runId)
  }

  duplicates<G>(runId: number): { groupOf: Int32Array; groups: G[] } | null {
    const r = this.db.prepare(`SELECT dup_group_of, dup_groups FROM analysis_runs WHERE id = ?`).get(runId) as
      { dup_group_of: Buffer | null; dup_groups: string | null } | undefined
    if (!r || !r.dup_group_of || r.dup_groups === null) return null
    return { groupOf: fromBlob(r.dup_group_of, Int32Array)!, groups: JSON.parse(r.dup_groups) }
  }

  finish(runId: number, notes: unknown): void {
    this.db.prepare(`UPDATE analysis_runs SET status = 'ready', notes = ? WHERE id = ?`).run(JSON.stringify(notes), runId)
  }
}
