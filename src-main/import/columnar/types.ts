/** Shapes shared by the columnar readers (Parquet via hyparquet, Arrow IPC via apache-arrow). */

/** A top-level column of a columnar file, as the import sees it. */
export interface ColumnarColumn {
  name: string
  /** 'value': one scalar per row; 'float-list': a list of floats per row (vector candidate); 'nested': refused. */
  kind: 'value' | 'float-list' | 'nested'
  element?: 'float16' | 'float32' | 'float64'
  /** The file's own type name, for messages ("struct<a: int64>", "list<string>"). */
  typeName: string
}

/** An opened columnar file: its schema, its exact row count and its rows, one row group / record batch at a time. */
export interface ColumnarTable {
  readonly format: 'parquet' | 'arrow'
  readonly columns: ColumnarColumn[]
  /** Exact data rows when the footer says (Parquet), else null (Arrow). */
  readonly rowCount: number | null
  /**
   * Rows in file order, a row group (Parquet) or record batch (Arrow) at a time: each row an array of raw values
   * (string, number, bigint, boolean, Date, Uint8Array, number[] / typed array for float lists, null).
   * Only one group is held in memory at a time; `limitRows` stops after that many rows (the sniff's head), decoding
   * no more of the last group than needed where the format allows.
   */
  groups(signal?: AbortSignal, limitRows?: number): AsyncGenerator<unknown[][], void, undefined>
}
