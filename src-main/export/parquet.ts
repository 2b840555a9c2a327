/**
 * Parquet via hyparquet-writer's ParquetWriter, which writes one row group per `write()` call and keeps only
 * the footer metadata in between, so the file is streamed: rows are buffered into a row group (50,000 rows, or
 * fewer when the cells hold more than GROUP_CHARS characters or vectors more than GROUP_VECTOR_VALUES floats),
 * the group is encoded (SNAPPY), and its bytes leave through the pipeline before the next group is collected.
 * Memory is one row group plus its encoding, whatever the row count.
 *
 * Column types (all nullable unless said):
 * - text, date → UTF8 string, the stored text unchanged ('' stays ''; dates are not parsed: their format and
 *   time zone are whatever the file had, so the text is the faithful value);
 * - empty (never a value) → UTF8 string, null for every blank cell (a stray value is kept as text);
 * - integer → INT64, number → DOUBLE, boolean → BOOLEAN; a blank cell is null.
 *   A non-blank value that does not parse as the column's type (only possible when the types passed in are not
 *   the importer's, which checked every value) is written as null and counted in ExportResult.unparsable: the
 *   schema is fixed before the first row group, so a column cannot fall back to text half-way through a stream,
 *   and failing a long export for one odd value would be worse. Integers outside INT64 count as unparsable.
 * - extras: cluster INT32, cluster_label UTF8, anomaly_score FLOAT, is_anomaly BOOLEAN, x / y FLOAT (all
 *   required; NaN stays NaN);
 * - vector (vectorDims): list<float> (LIST of REQUIRED FLOAT elements), one list of vectorDims per row; pyarrow
 *   reads it as list<element: float not null>, pandas as arrays.
 * The original column types are also stored as key-value metadata `embedmap.columns` (JSON).
 */
import { ByteWriter, ParquetWriter, type ColumnSource } from 'hyparquet-writer'
import type { CheckedChunk, ExportPlan } from './plan'
import { cellAt } from './plan'
import { parseBoolean, parseInteger, parseNumber, UNPARSABLE } from './values'

/** hyparquet-writer pins its own hyparquet (1.31.5), so its schema type is taken from the writer itself. */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number]

export const GROUP_ROWS = 50_000
/** A row group closes early once its cells hold this many UTF-16 characters (~64–190 MB of text in memory). */
export const GROUP_CHARS = 32 * 1024 * 1024
/** …or its vectors this many floats (the writer builds per-value level arrays: ~40 bytes per float while encoding). */
export const GROUP_VECTOR_VALUES = 2 * 1024 * 1024
/** Encoded bytes are handed on in pieces of about this size, even within a row group. */
const SPILL_BYTES = 4 * 1024 * 1024

/** A ByteWriter that moves what it holds into `ready` every SPILL_BYTES (as the library's own fileWriter does). */
class SpillingWriter extends ByteWriter {
  ready: Uint8Array[] = []

  override ensure(size: number): void {
    if (this.index > SPILL_BYTES) this.spill()
    super.ensure(size)
  }

  override finish(): void {
    this.spill()
  }

  spill(): void {
    if (this.index === 0) return
    this.ready.push(new Uint8Array(this.buffer.slice(0, this.index)))
    this.index = 0
  }

  take(): Uint8Array[] {
    this.spill()
    const r = this.ready
    this.ready = []
    return r
  }
}

type Kind = 'int64' | 'double' | 'boolean' | 'string' | 'nullable-string'

function kindOf(type: string): Kind {
  switch (type) {
    case 'integer':
      return 'int64'
    case 'number':
      return 'double'
    case 'boolean':
      return 'boolean'
    case 'empty':
      return 'nullable-string'
    default:
      return 'string'
  }
}

export function parquetSchema(plan: ExportPlan): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: plan.header.length }]
  plan.columns.forEach((c) => {
    const kind = kindOf(c.type)
    if (kind === 'int64') schema.push({ name: c.name, type: 'INT64', repetition_type: 'OPTIONAL' })
    else if (kind === 'double') schema.push({ name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })
    else if (kind === 'boolean') schema.push({ name: c.name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' })
    else schema.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })
  })
  for (const e of plan.extras) {
    switch (e.kind) {
      case 'cluster':
        schema.push({ name: e.name, type: 'INT32', repetition_type: 'REQUIRED' })
        break
      case 'cluster_label':
        schema.push({ name: e.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })
        break
      case 'is_anomaly':
        schema.push({ name: e.name, type: 'BOOLEAN', repetition_type: 'REQUIRED' })
        break
      default:
        schema.push({ name: e.name, type: 'FLOAT', repetition_type: 'REQUIRED' })
    }
  }
  if (plan.vector) {
    schema.push(
      { name: plan.vector.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
    )
  }
  return schema
}

/** Rows of the current row group, column by column. */
class RowGroup {
  size = 0
  chars = 0
  cols: unknown[][]
  cluster: number[] = []
  labels: (string | null)[] = []
  scores: number[] = []
  flags: boolean[] = []
  xs: number[] = []
  ys: number[] = []
  vectors: number[][] = []

  constructor(width: number) {
    this.cols = Array.from({ length: width }, () => [])
  }
}

/** Yields the file's bytes, row group by row group. `unparsable` is filled in as values are converted. */
export async function* parquetBytes(
  plan: ExportPlan,
  chunks: AsyncIterable<CheckedChunk>,
  unparsable: Record<string, number>,
  rowGroupRows = GROUP_ROWS,
): AsyncGenerator<Uint8Array, void, undefined> {
  const width = plan.columns.length
  const kinds = plan.columns.map((c) => kindOf(c.type))
  const dims = plan.vector?.dims ?? 0
  const groupRows = dims > 0 ? Math.max(1, Math.min(rowGroupRows, Math.floor(GROUP_VECTOR_VALUES / dims))) : rowGroupRows
  const writer = new SpillingWriter(1 << 16)
  const pq = new ParquetWriter({
    writer,
    schema: parquetSchema(plan),
    codec: 'SNAPPY',
    createdBy: 'EmbedMap (hyparquet-writer)',
    kvMetadata: [{ key: 'embedmap.columns', value: JSON.stringify(plan.columns.map((c) => ({ name: c.name, type: c.type }))) }],
  })
  const bad = (j: number) => {
    const name = plan.columns[j].name
    unparsable[name] = (unparsable[name] ?? 0) + 1
    return null
  }

  let g = new RowGroup(width)
  const flush = (): Uint8Array[] => {
    const columnData: ColumnSource[] = []
    for (let j = 0; j < width; j++) {
      // No min/max statistics for text: comparing every string costs ~10% of the export, and nobody filters an
      // exported file by the min/max of a free-text column.
      const text = kinds[j] === 'string' || kinds[j] === 'nullable-string'
      columnData.push({ name: plan.columns[j].name, data: g.cols[j] as ColumnSource['data'], statistics: !text })
    }
    for (const e of plan.extras) {
      let data: ColumnSource['data']
      switch (e.kind) {
        case 'cluster':
          data = Int32Array.from(g.cluster)
          break
        case 'cluster_label':
          data = g.labels
          break
        case 'anomaly_score':
          data = Float32Array.from(g.scores)
          break
        case 'is_anomaly':
          data = g.flags
          break
        case 'x':
          data = Float32Array.from(g.xs)
          break
        case 'y':
          data = Float32Array.from(g.ys)
          break
      }
      // Floats are written PLAIN: near-unique values gain nothing from a dictionary.
      columnData.push({ name: e.name, data, encoding: data instanceof Float32Array ? 'PLAIN' : undefined })
    }
    if (plan.vector) columnData.push({ name: plan.vector.name, data: g.vectors, encoding: 'PLAIN', statistics: false })
    pq.write({ columnData, rowGroupSize: g.size })
    g = new RowGroup(width)
    return writer.take()
  }

  yield* writer.take() // "PAR1"
  for await (const { chunk, n } of chunks) {
    for (let i = 0; i < n; i++) {
      const row = chunk.cells[i]
      for (let j = 0; j < width; j++) {
        const raw = cellAt(row, j)
        g.chars += raw.length
        let v: unknown
        switch (kinds[j]) {
          case 'string':
            v = raw
            break
          case 'nullable-string':
            v = raw.trim() === '' ? null : raw
            break
          case 'int64':
            v = parseInteger(raw)
            break
          case 'double':
            v = parseNumber(raw)
            break
          case 'boolean':
            v = parseBoolean(raw)
            break
        }
        g.cols[j].push(v === UNPARSABLE ? bad(j) : v)
      }
      for (const e of plan.extras) {
        switch (e.kind) {
          case 'cluster':
            g.cluster.push(chunk.cluster![i])
            break
          case 'cluster_label':
            g.labels.push(chunk.clusterLabel![i] ?? null)
            break
          case 'anomaly_score':
            g.scores.push(chunk.anomalyScore![i])
            break
          case 'is_anomaly':
            g.flags.push(chunk.isAnomaly![i] !== 0)
            break
          case 'x':
            g.xs.push(chunk.x![i])
            break
          case 'y':
            g.ys.push(chunk.y![i])
            break
        }
      }
      if (dims > 0) g.vectors.push(Array.from(chunk.vectors!.subarray(i * dims, (i + 1) * dims)))
      g.size++
      if (g.size >= groupRows || g.chars >= GROUP_CHARS) yield* flush()
    }
  }
  if (g.size > 0) yield* flush()
  pq.finish()
  yield* writer.take()
}
