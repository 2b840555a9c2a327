/**
 * Arrow IPC (file / Feather v2 and stream format) through apache-arrow, the Arrow project's own JS reader: the file
 * is read as a stream and one record batch is decoded at a time.
 */
import { createReadStream } from 'node:fs'
import { Precision, RecordBatchReader, Type, type DataType, type Field } from 'apache-arrow'
import { EmbedMapError } from '../../errors'
import { badInput } from '../input-error'
import type { ColumnarColumn, ColumnarTable } from './types'

const PRECISION: Record<number, ColumnarColumn['element']> = { [Precision.HALF]: 'float16', [Precision.SINGLE]: 'float32', [Precision.DOUBLE]: 'float64' }

export async function openArrow(path: string): Promise<ColumnarTable> {
  const open = async () => {
    try {
      const reader = await RecordBatchReader.from(createReadStream(path))
      await reader.open()
      return reader
    } catch (err) {
      throw corrupt(path, err)
    }
  }
  const first = await open()
  const columns = first.schema.fields.map(describe)
  await first.cancel()
  return {
    format: 'arrow',
    columns,
    // Arrow footers list batches by byte offset, not row count; counting would read the whole file.
    rowCount: null,
    async *groups(signal, limitRows = Infinity) {
      let seen = 0
      const reader = await open()
      const it = reader[Symbol.asyncIterator]()
      try {
        for (;;) {
          if (signal?.aborted) throw new EmbedMapError('CANCELLED', `Reading ${path} was cancelled`, undefined, { file: path })
          let step
          try {
            step = await it.next()
          } catch (err) {
            throw readError(path, err)
          }
          if (step.done || seen >= limitRows) break
          const batch = step.value
          seen += batch.numRows
          const cols = columns.map((_, j) => batch.getChildAt(j))
          const rows: unknown[][] = new Array<unknown[]>(batch.numRows)
          for (let i = 0; i < batch.numRows; i++) {
            const row = new Array<unknown>(cols.length)
            for (let j = 0; j < cols.length; j++) {
              const v: unknown = cols[j]?.get(i) ?? null
              row[j] = columns[j].kind === 'float-list' && v !== null ? Array.from(v as Iterable<number>) : v
            }
            rows[i] = row
          }
          yield rows
        }
      } finally {
        await it.return?.()
      }
    },
  }
}

function describe(f: Field): ColumnarColumn {
  const t: DataType = f.type
  if (t.typeId === Type.List || t.typeId === Type.FixedSizeList || t.typeId === Type.LargeList) {
    const child = (t.children as Field[])[0]?.type as DataType | undefined
    const element = child && child.typeId === Type.Float ? PRECISION[(child as DataType<Type.Float> & { precision: number }).precision] : undefined
    if (element) return { name: f.name, kind: 'float-list', element, typeName: `list<${element}>` }
    return { name: f.name, kind: 'nested', typeName: String(t) }
  }
  if (t.typeId === Type.Struct || t.typeId === Type.Map || t.typeId === Type.Union || t.typeId === Type.SparseUnion || t.typeId === Type.DenseUnion)
    return { name: f.name, kind: 'nested', typeName: String(t) }
  return { name: f.name, kind: 'value', typeName: String(t) }
}

function corrupt(path: string, err: unknown): EmbedMapError {
  return badInput(
    path,
    undefined,
    `is not a readable Arrow IPC / Feather file (${err instanceof Error ? err.message : String(err)})`,
    'The file is damaged or truncated (was it fully copied?), or is Feather v1: write it again as Arrow IPC / Feather v2.',
    { reason: 'corrupt-arrow' },
  )
}

function readError(path: string, err: unknown): EmbedMapError {
  if (err instanceof EmbedMapError) return err
  const msg = err instanceof Error ? err.message : String(err)
  if (/compressed but codec not found/i.test(msg))
    return badInput(
      path,
      undefined,
      'its record batches are compressed (LZ4 or ZSTD), which EmbedMap cannot read in Arrow files',
      "Write it uncompressed (pyarrow: feather.write_feather(table, path, compression='uncompressed')), or save it as Parquet, which EmbedMap reads with any common codec.",
      { reason: 'unsupported-codec' },
    )
  return corrupt(path, err)
}
