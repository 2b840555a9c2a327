/**
 * Parquet through hyparquet (pure JS, no native build; reads byte ranges of the file through an AsyncBuffer, so
 * only the footer and one row group's flat column chunks are in memory at a time) with hyparquet-compressors for
 * GZIP, BROTLI, ZSTD, LZ4 and LZ4_RAW (SNAPPY is built in). Float-list (vector) columns, the large ones, are read
 * a page at a time (parquet-float-lists.ts), so a row group of any size imports in bounded memory.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData, type RowGroup, type SchemaTree } from 'hyparquet'
import { getTreePath } from 'hyparquet/src/schema.js'
import { compressors } from 'hyparquet-compressors'
import { EmbedMapError } from '../../errors'
import { badInput } from '../input-error'
import { floatListRows, isStreamableFloatList, type FloatRow } from './parquet-float-lists'
import type { ColumnarColumn, ColumnarTable } from './types'

const SUPPORTED_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD', 'LZ4', 'LZ4_RAW'])
const REWRITE_HINT =
  "Re-write the file with a supported codec (ZSTD or SNAPPY), e.g. in DuckDB: COPY (FROM 'in.parquet') TO 'out.parquet' (COMPRESSION zstd); or with pyarrow: pq.write_table(pq.read_table('in.parquet'), 'out.parquet', compression='zstd')."

export async function openParquet(path: string): Promise<ColumnarTable> {
  const file = await asyncBufferFromFile(path)
  let metadata: FileMetaData
  try {
    metadata = await parquetMetadataAsync(file)
  } catch (err) {
    throw badInput(
      path,
      undefined,
      `is not a readable Parquet file (${err instanceof Error ? err.message : String(err)})`,
      'The file is damaged or truncated (was it fully copied or downloaded?): write or copy it again.',
      { reason: 'corrupt-parquet' },
    )
  }
  const tree = parquetSchema(metadata)
  const columns = tree.children.map(describe)
  for (const g of metadata.row_groups) {
    for (const c of g.columns) {
      const codec = c.meta_data?.codec
      if (codec && !SUPPORTED_CODECS.has(codec))
        throw badInput(
          path,
          undefined,
          `column '${c.meta_data?.path_in_schema.join('.')}' is compressed with ${codec}, which EmbedMap cannot read`,
          REWRITE_HINT,
          {
            codec,
            reason: 'unsupported-codec',
          },
        )
    }
  }
  const names = columns.map((c) => c.name)
  // Float lists of the standard shape are read page by page beside the rest; any other shape falls back to
  // hyparquet's reader, which decodes the whole column chunk of a row group at once.
  const streamed = columns.flatMap((c, idx) => {
    if (c.kind !== 'float-list') return []
    const leaf = metadata.row_groups[0]?.columns.find((k) => k.meta_data?.path_in_schema[0] === c.name)?.meta_data?.path_in_schema
    const schemaPath = leaf ? getTreePath(tree, leaf) : []
    return isStreamableFloatList(schemaPath) ? [{ idx, name: c.name, schemaPath }] : []
  })
  const streamedIdx = new Set(streamed.map((c) => c.idx))
  const valueIdx = columns.flatMap((_c, idx) => (streamedIdx.has(idx) ? [] : [idx]))

  /** Rows [start, start+n) of the given columns, decoded by hyparquet a row group at a time. */
  const readRows = async (cols: string[], start: number, n: number): Promise<unknown[][]> => {
    let rows: unknown[][] = []
    await parquetRead({ file, metadata, compressors, columns: cols, rowStart: start, rowEnd: start + n, onComplete: (r: unknown[][]) => (rows = r) })
    return rows
  }
  const undecodable = (start: number, n: number, err: unknown) =>
    badInput(
      path,
      undefined,
      `rows ${start + 1}–${start + n} cannot be decoded (${err instanceof Error ? err.message : String(err)})`,
      'The file is damaged or uses a Parquet feature EmbedMap cannot read: re-write it (e.g. with DuckDB or pyarrow) and import again.',
      { reason: 'corrupt-parquet', row: start + 1 },
    )

  return {
    format: 'parquet',
    columns,
    rowCount: Number(metadata.num_rows),
    async *groups(signal, limitRows = Infinity) {
      let start = 0
      for (const g of metadata.row_groups) {
        if (signal?.aborted) throw new EmbedMapError('CANCELLED', `Reading ${path} was cancelled`, undefined, { file: path })
        if (start >= limitRows) return
        const n = Math.min(Number(g.num_rows), limitRows - start)
        if (streamed.length === 0) {
          let rows: unknown[][]
          try {
            rows = await readRows(names, start, n)
          } catch (err) {
            throw undecodable(start, n, err)
          }
          start += n
          yield rows
          continue
        }
        try {
          yield* streamGroup(g, start, n, signal)
        } catch (err) {
          if (err instanceof EmbedMapError) throw err
          throw undecodable(start, n, err)
        }
        start += n
      }
    },
  }

  /**
   * One row group in slices of SLICE_ROWS rows: the flat columns as hyparquet decodes them (one row group at a
   * time, as for a file without vectors), each streamed float list pulled page by page to fill the slice.
   */
  async function* streamGroup(g: RowGroup, start: number, n: number, signal?: AbortSignal): AsyncGenerator<unknown[][], void, undefined> {
    const valueNames = valueIdx.map((j) => names[j])
    const values = valueNames.length > 0 ? await readRows(valueNames, start, n) : null
    const lists = streamed.map((c) => {
      const meta = g.columns.find((k) => k.meta_data?.path_in_schema[0] === c.name)?.meta_data
      if (!meta) throw new Error(`row group has no data for column '${c.name}'`)
      return { idx: c.idx, name: c.name, pages: floatListRows(file, meta, c.schemaPath, compressors, n), queue: [] as FloatRow[], at: 0 }
    })
    for (let at = 0; at < n; at += SLICE_ROWS) {
      if (signal?.aborted) throw new EmbedMapError('CANCELLED', `Reading ${path} was cancelled`, undefined, { file: path })
      const m = Math.min(SLICE_ROWS, n - at)
      const rows = new Array<unknown[]>(m)
      for (let r = 0; r < m; r++) {
        const row = new Array<unknown>(names.length)
        if (values) {
          const flat = values[at + r]
          for (let k = 0; k < valueIdx.length; k++) row[valueIdx[k]] = flat[k]
        }
        rows[r] = row
      }
      for (const list of lists) {
        for (let r = 0; r < m; r++) {
          while (list.at >= list.queue.length) {
            const next = await list.pages.next()
            if (next.done) throw new Error(`column '${list.name}' has ${start + at + r} rows, the row group ${start + n}`)
            list.queue = next.value
            list.at = 0
          }
          rows[r][list.idx] = list.queue[list.at++]
        }
      }
      yield rows
    }
  }
}

/** Rows handed on at a time when a row group is streamed: a few MB of vectors. */
const SLICE_ROWS = 2048

const FLOATS: Record<string, ColumnarColumn['element']> = { FLOAT: 'float32', DOUBLE: 'float64' }

function describe(node: SchemaTree): ColumnarColumn {
  const el = node.element
  const name = el.name
  if (node.children.length === 0) return { name, kind: 'value', typeName: el.logical_type?.type ?? el.converted_type ?? el.type ?? 'unknown' }
  const isList = el.converted_type === 'LIST' || el.logical_type?.type === 'LIST'
  // The standard 3-level list: <name> (LIST) → repeated group → one leaf element.
  const leaf = isList && node.children.length === 1 && node.children[0].children.length === 1 ? node.children[0].children[0] : undefined
  if (leaf && leaf.children.length === 0) {
    const t = leaf.element
    const element = t.logical_type?.type === 'FLOAT16' ? 'float16' : t.type ? FLOATS[t.type] : undefined
    if (element) return { name, kind: 'float-list', element, typeName: `list<${element}>` }
    return { name, kind: 'nested', typeName: `list<${t.logical_type?.type ?? t.converted_type ?? t.type ?? '?'}>` }
  }
  return { name, kind: 'nested', typeName: isList ? 'list<…>' : el.converted_type === 'MAP' || el.logical_type?.type === 'MAP' ? 'map' : 'struct' }
}
