/**
 * Parquet and Arrow IPC/Feather import: a sniff (columns, types, sample rows, vector columns) and a RecordReader
 * with the same contract as the CSV/JSON Lines one, so the import job treats every format alike.
 */
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { EmbedMapError } from '../../errors'
import { ColumnTypeInferrer, suggestTextColumn } from '../column-types'
import { badInput } from '../input-error'
import { resolveTextColumn } from '../sniff'
import type { ImportOptions, ParsedRecord, RaggedReport, RecordReader, SourceSniff, VectorColumn } from '../types'
import { chooseVectorColumn } from '../vectors'
import { cellText, floatList, vectorPreview } from './cells'
import type { ColumnarTable } from './types'

export type ColumnarFormat = 'parquet' | 'arrow'

const SAMPLE_ROWS = 20
const SUMMARY_ROWS = 5000
const ARROW_MAGIC = Buffer.from('ARROW1')
const PARQUET_MAGIC = Buffer.from('PAR1')
/** The stream format starts with a continuation marker 0xFFFFFFFF then a schema message. */
const ARROW_STREAM_START = Buffer.from([0xff, 0xff, 0xff, 0xff])

/** 'parquet' / 'arrow' when the extension or the first bytes say so (or `forced`), else null (a text format). */
export async function columnarFormat(path: string, forced?: string): Promise<ColumnarFormat | null> {
  if (forced === 'parquet' || forced === 'arrow') return forced
  if (forced) return null
  const ext = extname(path).toLowerCase()
  if (ext === '.parquet' || ext === '.pq') return 'parquet'
  if (ext === '.arrow' || ext === '.feather' || ext === '.arrows' || ext === '.ipc') return 'arrow'
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(8)
    const { bytesRead } = await fh.read(head, 0, 8, 0)
    if (bytesRead >= 4 && head.subarray(0, 4).equals(PARQUET_MAGIC)) return 'parquet'
    if (bytesRead >= 6 && head.subarray(0, 6).equals(ARROW_MAGIC)) return 'arrow'
    if (bytesRead >= 8 && head.subarray(0, 4).equals(ARROW_STREAM_START) && ext !== '.csv' && ext !== '.tsv') return 'arrow'
    return null
  } finally {
    await fh.close()
  }
}

export async function openColumnar(path: string, format: ColumnarFormat): Promise<ColumnarTable> {
  // Loaded on first use: apache-arrow and hyparquet's decompressors cost ~0.2 s CPU to load, which every CSV
  // import paid twice (the sniff in the engine, the job in its worker) when they were imported up front.
  const table = format === 'parquet' ? await (await import('./parquet-table')).openParquet(path) : await (await import('./arrow-table')).openArrow(path)
  const nested = table.columns.filter((c) => c.kind === 'nested')
  if (nested.length > 0) {
    const list = nested.map((c) => `'${c.name}' (${c.typeName})`).join(', ')
    throw badInput(
      path,
      undefined,
      `has nested column${nested.length > 1 ? 's' : ''} ${list}; EmbedMap imports flat columns and float-list vectors`,
      `Flatten or drop ${nested.length > 1 ? 'them' : 'it'} first, e.g. in DuckDB: COPY (SELECT * EXCLUDE (${nested.map((c) => c.name).join(', ')}) FROM 'in.${format === 'parquet' ? 'parquet' : 'arrow'}') TO 'flat.parquet' — a struct's fields can be kept with SELECT s.* .`,
      { columns: nested.map((c) => c.name), reason: 'nested-columns' },
    )
  }
  if (table.columns.length === 0) throw badInput(path, undefined, 'has no columns', 'Choose a file with at least one text column.')
  return table
}

export async function sniffColumnar(path: string, sizeBytes: number, format: ColumnarFormat, opts: ImportOptions): Promise<SourceSniff> {
  const table = await openColumnar(path, format)
  const cols = table.columns
  const sample: unknown[][] = []
  for await (const group of table.groups(undefined, SUMMARY_ROWS)) {
    for (const row of group) {
      sample.push(row)
      if (sample.length >= SUMMARY_ROWS) break
    }
    if (sample.length >= SUMMARY_ROWS) break
  }
  if (sample.length === 0) throw badInput(path, undefined, 'has no rows', 'Choose a file with at least one row.')

  const detected: VectorColumn[] = []
  cols.forEach((c, idx) => {
    if (c.kind !== 'float-list') return
    const first = sample.map((r) => floatList(r[idx])).find((v) => v !== null)
    detected.push({ idx, name: c.name, element: c.element ?? 'float32', dims: first ? first.length : null })
  })
  const { vectorColumns, vectorColumn } = chooseVectorColumn(path, cols, detected, opts.vectors, false)
  const isVector = new Set(detected.map((d) => d.idx))
  // Float lists count as empty for the column summary (they are not text to embed).
  const rows = sample.map((r) => r.map((v, j) => (isVector.has(j) ? '' : cellText(v))))
  const inferrer = new ColumnTypeInferrer(cols.map((c) => c.name))
  for (const r of rows) inferrer.observe(r)
  const columns = inferrer.summaries()
  const suggested = suggestTextColumn(columns, inferrer.filledShares())
  const textColumn = opts.textColumn !== undefined ? resolveTextColumn(path, columns, opts.textColumn) : suggested
  if (isVector.has(textColumn) && opts.textColumn !== undefined)
    throw badInput(path, undefined, `column '${cols[textColumn].name}' holds vectors, not text`, 'Choose a text column to show and search.')
  const sampleRows = sample.slice(0, SAMPLE_ROWS).map((r) => r.map((v, j) => (isVector.has(j) ? vectorPreview(floatList(v)) : cellText(v))))
  return {
    path,
    sizeBytes,
    format,
    encoding: 'utf-8',
    encodingConfidence: 1,
    hadBom: false,
    columns,
    suggestedTextColumn: textColumn,
    sampleRows,
    vectorColumns,
    vectorColumn,
    rowCount: table.rowCount,
  }
}

/** Streams a columnar file's rows as ParsedRecords; `line` is the 1-based row number. */
export function createColumnarReader(sniff: SourceSniff): RecordReader {
  return new ColumnarRecordReader(sniff)
}

class ColumnarRecordReader implements RecordReader {
  readonly columns: string[]
  readonly ragged: RaggedReport = { count: 0, examples: [] }
  recordsRead = 0
  bytesRead = 0
  private started = false
  private finished = false

  constructor(private readonly sniff: SourceSniff) {
    this.columns = sniff.columns.map((c) => c.name)
  }

  estimateTotalRows(): number {
    if (this.finished) return this.recordsRead
    return Math.max(this.recordsRead, this.sniff.rowCount ?? 0)
  }

  async *batches(signal?: AbortSignal, batchSize = 5000): AsyncGenerator<ParsedRecord[], void, undefined> {
    if (this.started) throw new EmbedMapError('INTERNAL', 'RecordReader.batches() can only be called once')
    this.started = true
    const { path } = this.sniff
    const table = await openColumnar(path, this.sniff.format as ColumnarFormat)
    const names = table.columns.map((c) => c.name)
    if (names.length !== this.columns.length || names.some((n, i) => n !== this.columns[i]))
      throw badInput(path, undefined, 'its columns are not the ones seen when it was inspected', 'The file changed: inspect it again.', {
        reason: 'header-changed',
      })
    const vc = this.sniff.vectorColumn
    const vecIdx = vc !== null && table.columns[vc]?.kind === 'float-list' ? vc : -1
    const floatCols = new Set(table.columns.flatMap((c, j) => (c.kind === 'float-list' && j !== vecIdx ? [j] : [])))
    let out: ParsedRecord[] = []
    for await (const group of table.groups(signal)) {
      for (const raw of group) {
        const cells = new Array<string>(raw.length)
        for (let j = 0; j < raw.length; j++) cells[j] = j === vecIdx ? '' : floatCols.has(j) ? cellText(floatList(raw[j])) : cellText(raw[j])
        const index = this.recordsRead++
        const rec: ParsedRecord = { index, line: index + 1, cells }
        if (vecIdx !== -1) rec.vector = floatList(raw[vecIdx])
        out.push(rec)
        if (out.length >= batchSize) {
          yield out
          out = []
        }
      }
      this.bytesRead = Math.round((this.recordsRead / Math.max(1, this.sniff.rowCount ?? this.recordsRead)) * this.sniff.sizeBytes)
    }
    this.finished = true
    this.bytesRead = this.sniff.sizeBytes
    if (out.length > 0) yield out
  }
}
