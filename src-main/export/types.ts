/** Shapes of the exporter (see index.ts). Pure data, no I/O. */
import type { ColumnType } from '../import/types'

export type ExportFormat = 'csv' | 'jsonl' | 'parquet'

/** One original column of the dataset, as the importer named and typed it (datasets-repo `columns()`). */
export interface ExportColumn {
  name: string
  type: ColumnType
}

/** Computed columns that can follow the original ones, in this order of the caller's choosing. */
export type ExtraColumn = 'cluster' | 'cluster_label' | 'anomaly_score' | 'is_anomaly' | 'x' | 'y'

export const EXTRA_COLUMNS: readonly ExtraColumn[] = ['cluster', 'cluster_label', 'anomaly_score', 'is_anomaly', 'x', 'y']

/**
 * A batch of rows, columnar where it can be. Every array has one entry per row (`vectors`: `vectorDims` per
 * row, row-major). `cells[i]` are row i's original values as strings in column order (datasets-repo `cells`);
 * a row shorter than the columns is padded with '' (rows imported before an `extra_N` column appeared are
 * shorter), a longer one is refused. The arrays of the extras named in `extraColumns` must be present.
 */
export interface ExportChunk {
  cells: string[][]
  /** Cluster id per row (-1 for noise / not clustered is written as it is). */
  cluster?: Int32Array
  clusterLabel?: string[]
  /** NaN → empty (CSV), null (JSON Lines), NaN (Parquet FLOAT). Same for x and y. */
  anomalyScore?: Float32Array
  /** 0 → false, anything else → true. */
  isAnomaly?: Uint8Array
  x?: Float32Array
  y?: Float32Array
  /** Parquet only: rows × vectorDims values. */
  vectors?: Float32Array
}

export interface CsvExportOptions {
  /**
   * Default true: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` so
   * that spreadsheet apps show it as text instead of running it as a formula (see csv.ts for the exact rule).
   */
  formulaGuard?: boolean
  /** Default false: start the file with a UTF-8 byte order mark, which Excel needs to read UTF-8 as UTF-8. */
  bom?: boolean
}

export interface ParquetExportOptions {
  /**
   * Rows per row group, default 50,000 (GROUP_ROWS). A group also closes early when its cells reach ~32 Mi
   * characters or its vectors ~2 Mi floats, which keeps memory flat for long texts and wide vectors.
   */
  rowGroupRows?: number
}

export interface ExportOptions {
  format: ExportFormat
  /** Destination file. Written as `out + '.part'` and renamed to `out` once complete. */
  out: string
  columns: readonly ExportColumn[]
  extraColumns?: readonly ExtraColumn[]
  /** Parquet only: adds a `vector` column, list<float> of this length, fed from ExportChunk.vectors. */
  vectorDims?: number
  rows: AsyncIterable<ExportChunk> | Iterable<ExportChunk>
  csv?: CsvExportOptions
  parquet?: ParquetExportOptions
  signal?: AbortSignal
  /** Rows consumed so far, called once per chunk. */
  onProgress?(rows: number): void
}

export interface ExportResult {
  /** Rows written: always the sum of the chunks' lengths. */
  rows: number
  /** Size of the finished file. */
  bytes: number
  out: string
  /**
   * The header as written: original column names, then the extras (an extra whose name is already taken by an
   * original column gets `_2`, `_3`, … appended), then `vector` (Parquet with vectorDims, same rule).
   */
  columns: string[]
  /**
   * Parquet only: per column name, how many non-empty values did not parse as the column's type (integer,
   * number, boolean) and were written as null. Empty when every value fitted (the normal case: the types come
   * from the importer, which looked at every value).
   */
  unparsable: Record<string, number>
}
