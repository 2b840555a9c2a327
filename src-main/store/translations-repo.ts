import { fromBlob, toBlob } from './blobs'
import type { Db } from './connection'

export interface TranslationMap {
  id: number
  runId: number
  column: number
  modelId: string
  /** Each pair's row. */
  rows: Int32Array
  /** Each translation's map position, pairs × 2. */
  coords: Float32Array
  /** The row nearest to each translation in embedding space. */
  nearest: Int32Array
  metrics: Record<string, number>
  sampled: boolean
  createdAt: string
}

interface Raw {
  id: number
  run_id: number
  column_idx: number
  model_id: string
  rows_idx: Buffer
  coords: Buffer
  nearest: Buffer
  metrics: string
  sampled: number
  created_at: string
}

/** Translations placed on a map, one per (analysis run, translation column); computing again replaces it. */
export class TranslationsRepo {
  constructor(private readonly db: Db) {}

  save(m: Omit<TranslationMap, 'id' | 'createdAt'>): number {
    return this.db.transaction(() => {
      this.db.prepare(`DELETE FROM translation_maps WHERE run_id = ? AND column_idx = ?`).run(m.runId, m.column)
      const info = this.db
        .prepare(`INSERT INTO translation_maps (run_id, column_idx, model_id, rows_idx, coords, nearest, metrics, sampled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(m.runId, m.column, m.modelId, toBlob(m.rows), toBlob(m.coords), toBlob(m.nearest), JSON.stringify(m.metrics), m.sampled ? 1 : 0)
      return Number(info.lastInsertRowid)
    })()
  }

  find(runId: number, column: number): TranslationMap | undefined {
    const r = this.db.prepare(`SELECT * FROM translation_maps WHERE run_id = ? AND column_idx = ?`).get(runId, column) as Raw | undefined
    if (!r) return undefined
    return {
      id: r.id,
      runId: r.run_id,
      column: r.column_idx,
      modelId: r.model_id,
      rows: fromBlob(r.rows_idx, Int32Array)!,
      coords: fromBlob(r.coords, Float32Array)!,
      nearest: fromBlob(r.nearest, Int32Array)!,
      metrics: JSON.parse(r.metrics) as Record<string, number>,
      sampled: r.sampled === 1,
      createdAt: r.created_at,
    }
  }
}
