/** Shapes shared by the import pipeline (sniff → read records → infer column types). Pure data, no I/O. */

export type SourceFormat = 'csv' | 'jsonl' | 'parquet' | 'arrow'

/** How a vector column stores its numbers: a float list (Parquet/Arrow) or JSON arrays of numbers in a text cell. */
export type VectorElement = 'float16' | 'float32' | 'float64' | 'json'

/** A column that holds one embedding per row (detected in the file's head, or named by the user). */
export interface VectorColumn {
  idx: number
  name: string
  element: VectorElement
  /** Length of the vectors seen in the head (null when the head held none). */
  dims: number | null
}

/** Column types inferred from every value seen; `text` wins as soon as one value does not fit. */
export type ColumnType = 'empty' | 'integer' | 'number' | 'boolean' | 'date' | 'text'

export interface ImportOptions {
  /** Force an encoding (any label iconv-lite knows: utf-8, utf-16le, gbk, gb18030, big5, shift_jis …). */
  encoding?: string
  /** Force a delimiter (`,`, `\t`, `;`, `|`). */
  delimiter?: string
  format?: SourceFormat
  /** Column to embed, by name or 0-based index; default: the suggested one. */
  textColumn?: string | number
  /**
   * Size limit, default 16 MiB: a CSV record larger than this (csv-parse's `max_record_size`, so in practice the
   * one huge field of a quote that never closes) or a JSON Lines line longer than this is refused, naming the file
   * and the line where it starts.
   */
  maxFieldBytes?: number
  /** Most columns a file may have (header or widest record, or JSON keys in all), default 10,000. */
  maxColumns?: number
  /**
   * (Added by import.) Set to false to skip the "line 1 looks like data, not a header" check, for the rare real
   * header that trips it (e.g. long survey questions over long answers). Default true.
   */
  headerCheck?: boolean
  /**
   * Column of precomputed embeddings, by name or 0-based index. Default: the detected one, if any; `false` takes no
   * vectors (a detected column is then imported as a plain text column).
   */
  vectors?: string | number | false
}

export interface ColumnSummary {
  name: string
  type: ColumnType
  /** Median character length of the non-empty values seen in the sample (drives the text-column suggestion). */
  medianLength: number
}

/** What a quick look at the head of a file tells us; shown in the import dialog and reused by the import job. */
export interface SourceSniff {
  path: string
  sizeBytes: number
  format: SourceFormat
  /** Normalized iconv-lite label, e.g. 'utf-8', 'utf-16le', 'gb18030', 'big5', 'shift_jis'. */
  encoding: string
  /** How sure the detector is (1 for a BOM or a forced encoding). */
  encodingConfidence: number
  hadBom: boolean
  /** CSV only. */
  delimiter?: string
  columns: ColumnSummary[]
  suggestedTextColumn: number
  /** The first rows, as they will be imported (for the preview table). */
  sampleRows: string[][]
  /** Columns that look like (or were named as) embeddings; see VectorColumn. */
  vectorColumns: VectorColumn[]
  /** The column taken as vectors on import (the named one, else the first detected), or null. */
  vectorColumn: number | null
  /** Exact data row count when the format says it (Parquet/Arrow footers), else null. */
  rowCount: number | null
}

/**
 * What reading a CSV/TSV/JSON Lines file takes from its sniff: the import job keeps this in its parameters,
 * so it reads the file exactly as it was inspected without sniffing it again (the header is still checked).
 */
export interface TextSource {
  path: string
  sizeBytes: number
  format: 'csv' | 'jsonl'
  encoding: string
  hadBom: boolean
  /** CSV only. */
  delimiter?: string
  columnNames: string[]
}

export interface ParsedRecord {
  /** 0-based data-row index (the header is not a row). */
  index: number
  /** 1-based physical line of the file where the record starts. */
  line: number
  /**
   * One cell per known column, padded with '' when the record was short. A record with more fields than
   * the header keeps them: the reader adds columns named `extra_1`, `extra_2`, … (see RecordReader.columns).
   */
  cells: string[]
  /** JSON.stringify(cells), when the reader made it beside the import (see reader-off-thread.ts). */
  cellsJson?: string
  /** Set when the record had a different number of fields than the header. */
  ragged?: { expected: number; got: number }
  /**
   * Columnar formats only: the vector column's value as floats (its cell is then ''), null when the row has none.
   * Text formats leave it undefined and keep the JSON text in the cell.
   */
  vector?: Float32Array | null
}

export interface RaggedReport {
  count: number
  /** First few, for the report (line numbers are 1-based, physical lines). */
  examples: { line: number; expected: number; got: number }[]
}

/** (Added by import.) Streams every record of a sniffed source in constant memory; see read-records.ts. */
export interface RecordReader {
  /** Column names: the header's (trimmed), then `extra_N` for over-long records / new JSON Lines keys. Grows while reading. */
  readonly columns: string[]
  readonly ragged: RaggedReport
  /** Data records produced so far. */
  readonly recordsRead: number
  /** Bytes of the file consumed so far (for progress: bytesRead / SourceSniff.sizeBytes). */
  readonly bytesRead: number
  /**
   * Total data rows expected: records so far scaled by sizeBytes / bytesRead while reading (0 before the first
   * chunk), the exact count once the last batch has been yielded. Never less than recordsRead.
   */
  estimateTotalRows(): number
  /**
   * Yields the records in batches of `batchSize` (the last one may be shorter). Call once. Throws
   * EmbedMapError BAD_INPUT (file and line named) on malformed input, CANCELLED when `signal` aborts.
   */
  batches(signal?: AbortSignal, batchSize?: number): AsyncGenerator<ParsedRecord[], void, undefined>
}
