/**
 * Parquet through hyparquet (pure JS, no native build; reads byte ranges of the file through an AsyncBuffer, so
 * only the footer and one row group's column chunks are in memory at a time) with hyparquet-compressors for
 * GZIP, BROTLI, ZSTD, LZ4 and LZ4_RAW (SNAPPY is built in).
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { EmbedMapError } from '../../errors'
import { badInput } from '../input-error'
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
        let rows: unknown[][] = []
        try {
          await parquetRead({
            file,
            metadata,
            compressors,
            columns: names,
            rowStart: start,
            rowEnd: start + n,
            onComplete: (r: unknown[][]) => {
              rows = r
            },
          })
        } catch (err) {
          throw badInput(
            path,
            undefined,
            `rows ${start + 1}–${start + n} cannot be decoded (${err instanceof Error ? err.message : String(err)})`,
            'The file is damaged or uses a Parquet feature EmbedMap cannot read: re-write it (e.g. with DuckDB or pyarrow) and import again.',
            { reason: 'corrupt-parquet', row: start + 1 },
          )
        }
        start += n
        yield rows
      }
    },
  }
}

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
