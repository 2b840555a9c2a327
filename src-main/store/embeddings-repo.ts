import type { EmbeddingSet, ProviderInfoView } from '../contract'
import type { Db } from './connection'

/** What makes two runs produce the same vectors: re-running with the same key is a no-op. */
export interface EmbeddingKey {
  datasetId: number
  modelId: string
  modelVersion: string
  dims: number
  /** Everything else that shapes a vector: variant, prompt kind, tokenizer/pooling config hash. */
  params: { variant: string; kind: string; configKey: string; imported?: ImportedVectors }
}

/** Where an imported set's vectors came from: the file's column, and the model the user named (id or free text). */
export interface ImportedVectors {
  column: string
  /** What the user called the model (null: not said). */
  model: string | null
  /** False when EmbedMap cannot run that model, so queries cannot be embedded the same way. */
  searchable: boolean
}

/** Model id prefix of imported sets whose model EmbedMap cannot run (free text or unknown). */
export const EXTERNAL_MODEL_PREFIX = 'external:'

export interface EmbeddingStats {
  truncated?: number
  emptyText?: number
}

interface RawSet {
  id: number
  dataset_id: number
  model_id: string
  model_version: string
  dims: number
  params: string
  provider: string | null
  status: 'embedding' | 'ready'
  created_at: string
  stats: string
  vector_count: number
}

/** Sets of vectors (one per dataset × model version × settings) and the vectors themselves. */
export class EmbeddingsRepo {
  constructor(private readonly db: Db) {}

  /** Finds the set for this key or creates it ('embedding'); returns its id. */
  findOrCreate(key: EmbeddingKey): number {
    const params = JSON.stringify(key.params)
    const found = this.db
      .prepare(`SELECT id FROM embedding_sets WHERE dataset_id = ? AND model_id = ? AND model_version = ? AND dims = ? AND params = ?`)
      .get(key.datasetId, key.modelId, key.modelVersion, key.dims, params) as { id: number } | undefined
    if (found) return found.id
    const info = this.db
      .prepare(`INSERT INTO embedding_sets (dataset_id, model_id, model_version, dims, params, status) VALUES (?, ?, ?, ?, ?, 'embedding')`)
      .run(key.datasetId, key.modelId, key.modelVersion, key.dims, params)
    return Number(info.lastInsertRowid)
  }

  /** The set for this exact key, if one was ever started (none is created). */
  find(key: EmbeddingKey): number | undefined {
    const found = this.db
      .prepare(`SELECT id FROM embedding_sets WHERE dataset_id = ? AND model_id = ? AND model_version = ? AND dims = ? AND params = ?`)
      .get(key.datasetId, key.modelId, key.modelVersion, key.dims, JSON.stringify(key.params)) as { id: number } | undefined
    return found?.id
  }

  /** Every stored vector of a set with its row's text, in row order, read in chunks (a set may be partial). */
  textVectors(setId: number, datasetId: number, dims: number): { text: string; vector: Float32Array }[] {
    const stmt = this.db.prepare(
      `SELECT e.row_idx, e.vector, r.text FROM embeddings e JOIN rows r ON r.dataset_id = ? AND r.idx = e.row_idx
       WHERE e.set_id = ? AND e.row_idx >= ? ORDER BY e.row_idx LIMIT 10000`,
    )
    const out: { text: string; vector: Float32Array }[] = []
    for (let next = 0; ;) {
      const chunk = stmt.all(datasetId, setId, next) as { row_idx: number; vector: Buffer; text: string }[]
      if (chunk.length === 0) break
      // Copied: a BLOB's Buffer may sit at an offset that a Float32Array view cannot use.
      for (const r of chunk) out.push({ text: r.text, vector: new Float32Array(new Uint8Array(r.vector.subarray(0, dims * 4)).buffer) })
      next = chunk[chunk.length - 1].row_idx + 1
    }
    return out
  }

  list(datasetId: number): EmbeddingSet[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, (SELECT count(*) FROM embeddings e WHERE e.set_id = s.id) AS vector_count
         FROM embedding_sets s WHERE s.dataset_id = ? ORDER BY s.id DESC`,
      )
      .all(datasetId) as RawSet[]
    return rows.map(toSet)
  }

  /** Set id → model id for a dataset's sets: without list()'s vector counts, which scan every vector. */
  modelIds(datasetId: number): Map<number, string> {
    const rows = this.db.prepare(`SELECT id, model_id FROM embedding_sets WHERE dataset_id = ?`).all(datasetId) as { id: number; model_id: string }[]
    return new Map(rows.map((r) => [r.id, r.model_id]))
  }

  get(id: number): EmbeddingSet | undefined {
    const r = this.db
      .prepare(`SELECT s.*, (SELECT count(*) FROM embeddings e WHERE e.set_id = s.id) AS vector_count FROM embedding_sets s WHERE s.id = ?`)
      .get(id) as RawSet | undefined
    return r && toSet(r)
  }

  setProvider(id: number, provider: ProviderInfoView): void {
    this.db.prepare(`UPDATE embedding_sets SET provider = ? WHERE id = ?`).run(JSON.stringify(provider), id)
  }

  /** Rows of the dataset that have no vector in this set yet, in row order after `afterIdx`. */
  missingRows(setId: number, datasetId: number, afterIdx: number, limit: number): { idx: number; text: string }[] {
    return this.db
      .prepare(
        `SELECT r.idx, r.text FROM rows r
         WHERE r.dataset_id = ? AND r.idx > ?
           AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.set_id = ? AND e.row_idx = r.idx)
         ORDER BY r.idx LIMIT ?`,
      )
      .all(datasetId, afterIdx, setId, limit) as { idx: number; text: string }[]
  }

  countVectors(setId: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM embeddings WHERE set_id = ?`).get(setId) as { n: number }).n
  }

  /** Inserts vectors (row-major n × dims); call inside the caller's transaction. */
  insertVectors(setId: number, rowIdx: readonly number[], vectors: Float32Array, dims: number): void {
    const stmt = this.db.prepare(`INSERT OR REPLACE INTO embeddings (set_id, row_idx, vector) VALUES (?, ?, ?)`)
    for (let i = 0; i < rowIdx.length; i++) {
      const v = vectors.subarray(i * dims, (i + 1) * dims)
      stmt.run(setId, rowIdx[i], Buffer.from(v.buffer, v.byteOffset, v.byteLength))
    }
  }

  /** Adds to the running counts (truncated and empty texts) as batches commit. */
  addStats(setId: number, add: EmbeddingStats): void {
    const row = this.db.prepare(`SELECT stats FROM embedding_sets WHERE id = ?`).get(setId) as { stats: string }
    const s = JSON.parse(row.stats) as EmbeddingStats
    const next = { truncated: (s.truncated ?? 0) + (add.truncated ?? 0), emptyText: (s.emptyText ?? 0) + (add.emptyText ?? 0) }
    this.db.prepare(`UPDATE embedding_sets SET stats = ? WHERE id = ?`).run(JSON.stringify(next), setId)
  }

  markReady(setId: number): void {
    this.db.prepare(`UPDATE embedding_sets SET status = 'ready' WHERE id = ?`).run(setId)
  }

  /**
   * All vectors of a set as one n × dims matrix in row order, read in chunks (no cursor stays open).
   * Rows without a vector are left as zeros and reported.
   */
  readMatrix(setId: number, rowCount: number, dims: number): { matrix: Float32Array; missing: number } {
    const matrix = new Float32Array(rowCount * dims)
    // Copied as bytes: a BLOB's Buffer may sit at an offset that a Float32Array view cannot use.
    const bytes = new Uint8Array(matrix.buffer)
    const stmt = this.db.prepare(`SELECT row_idx, vector FROM embeddings WHERE set_id = ? AND row_idx >= ? ORDER BY row_idx LIMIT 10000`)
    let next = 0
    let found = 0
    for (;;) {
      const chunk = stmt.all(setId, next) as { row_idx: number; vector: Buffer }[]
      if (chunk.length === 0) break
      for (const r of chunk) {
        bytes.set(r.vector.subarray(0, dims * 4), r.row_idx * dims * 4)
        found++
      }
      next = chunk[chunk.length - 1].row_idx + 1
    }
    return { matrix, missing: rowCount - found }
  }
}

function toSet(r: RawSet): EmbeddingSet {
  const params = JSON.parse(r.params) as { variant?: string; kind?: string; imported?: ImportedVectors }
  const imported = params.imported ?? null
  const stats = JSON.parse(r.stats) as EmbeddingStats
  return {
    id: r.id,
    datasetId: r.dataset_id,
    modelId: r.model_id,
    modelVersion: r.model_version,
    dims: r.dims,
    variant: params.variant ?? 'fp32',
    kind: params.kind ?? 'passage',
    provider: r.provider ? (JSON.parse(r.provider) as ProviderInfoView) : null,
    status: r.status,
    vectorCount: r.vector_count,
    truncatedCount: stats.truncated ?? 0,
    emptyTextCount: stats.emptyText ?? 0,
    createdAt: r.created_at,
    imported: imported && { column: imported.column, model: imported.model },
    searchDisabledReason: imported && !imported.searchable ? searchOffReason(imported) : null,
  }
}

function searchOffReason(v: ImportedVectors): string {
  const who = v.model ? `model '${v.model}', which EmbedMap cannot run` : 'a model that was not named'
  return `These vectors were imported from column '${v.column}' and made by ${who}, so a search query cannot be embedded the same way. Import the file again with --vectors-model set to a catalog or local model id (in the app: pick the model in the import preview), or embed the text with a model here.`
}
