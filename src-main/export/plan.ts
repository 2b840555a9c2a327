/** What every writer needs to know: the header and where each column's values come from. */
import { EmbedMapError } from '../errors'
import type { ExportChunk, ExportColumn, ExtraColumn } from './types'

export interface ExtraPlan {
  kind: ExtraColumn
  /** Header name (the kind, or kind_2 … when an original column already has that name). */
  name: string
}

export interface ExportPlan {
  out: string
  columns: readonly ExportColumn[]
  extras: ExtraPlan[]
  /** Parquet only. */
  vector?: { name: string; dims: number }
  /** All header names in file order. */
  header: string[]
}

/** A chunk that passed checkChunk, with its row count. */
export interface CheckedChunk {
  chunk: ExportChunk
  n: number
}

/** Which ExportChunk field holds each extra. */
export const EXTRA_FIELD = {
  cluster: 'cluster',
  cluster_label: 'clusterLabel',
  anomaly_score: 'anomalyScore',
  is_anomaly: 'isAnomaly',
  x: 'x',
  y: 'y',
} as const satisfies Record<ExtraColumn, keyof ExportChunk>

/** Cell j of a row: '' past the row's end (rows imported before an extra_N column appeared are shorter). */
export function cellAt(row: readonly string[], j: number): string {
  const v = row[j]
  return typeof v === 'string' ? v : v == null ? '' : String(v)
}

export function contractError(message: string, details?: Record<string, unknown>): EmbedMapError {
  return new EmbedMapError('INTERNAL', `Export: ${message}`, 'This is a bug in EmbedMap, not in your data: please report it.', details)
}

/**
 * Checks one chunk against the plan (k: 0-based chunk number, first: index of its first row overall) and returns
 * its row count. Every extra's array and the vectors must have one entry (vectorDims entries) per row, and no row
 * may have more cells than there are columns.
 */
export function checkChunk(plan: ExportPlan, chunk: ExportChunk, k: number, first: number): number {
  if (!chunk || !Array.isArray(chunk.cells)) throw contractError(`chunk ${k} has no cells array`)
  const n = chunk.cells.length
  for (const e of plan.extras) {
    const field = EXTRA_FIELD[e.kind]
    const arr = chunk[field] as ArrayLike<unknown> | undefined
    if (!arr || arr.length !== n) {
      throw contractError(`chunk ${k} has ${arr ? arr.length : 'no'} ${field} values for ${n} rows (${e.kind} was asked for)`, { chunk: k })
    }
  }
  if (plan.vector) {
    const want = n * plan.vector.dims
    if (!chunk.vectors || chunk.vectors.length !== want) {
      throw contractError(`chunk ${k} has ${chunk.vectors ? chunk.vectors.length : 'no'} vector values for ${n} rows × ${plan.vector.dims} dimensions`, {
        chunk: k,
      })
    }
  }
  const width = plan.columns.length
  for (let i = 0; i < n; i++) {
    const row = chunk.cells[i]
    if (!Array.isArray(row)) throw contractError(`row ${first + i} (chunk ${k}) is not an array of cells`, { row: first + i })
    if (row.length > width) {
      throw contractError(`row ${first + i} (chunk ${k}) has ${row.length} cells but there are ${width} columns`, { row: first + i })
    }
  }
  return n
}
