/**
 * The files EmbedMap and the Ray job exchange, in one folder per (dataset, embedding set):
 *
 *   in/rows-<first>-<last>.parquet            idx int64, text string — rows still without a vector, named by row range
 *   out/rows-<first>-<last>.vectors.parquet   idx int64, vector list<float32>, truncated bool — written whole by the job
 *   job-<submission>.json                     the manifest the job reads (model files and settings, shard list)
 *
 * A shard is named by its first and last row index, so a re-run after a cancel or a crash rebuilds the same names
 * for the rows still missing, keeps the input files it already wrote, and submits only those shards.
 */
import fs from 'node:fs'
import path from 'node:path'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { EmbedMapError } from '../../errors'

export interface ShardRef {
  name: string
  /** Absolute path of the input shard. */
  input: string
  rows: number
  first: number
  last: number
}

export interface VectorShard {
  idx: number[]
  vectors: Float32Array
  truncated: number
}

const pad = (n: number) => String(n).padStart(10, '0')

export function shardName(first: number, last: number): string {
  return `rows-${pad(first)}-${pad(last)}`
}

export function shardFolders(root: string): { inDir: string; outDir: string } {
  return { inDir: path.join(root, 'in'), outDir: path.join(root, 'out') }
}

/** Writes an input shard (atomically: a half-written file is never taken for a whole one). Keeps an existing one. */
export function writeInputShard(inDir: string, rows: readonly { idx: number; text: string }[]): ShardRef {
  const first = rows[0].idx
  const last = rows[rows.length - 1].idx
  const name = shardName(first, last)
  const file = path.join(inDir, `${name}.parquet`)
  if (!fs.existsSync(file)) {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'idx', data: BigInt64Array.from(rows, (r) => BigInt(r.idx)), type: 'INT64', nullable: false },
        { name: 'text', data: rows.map((r) => r.text), type: 'STRING', nullable: false, statistics: false },
      ],
      codec: 'SNAPPY',
    })
    const tmp = `${file}.tmp-${process.pid}`
    fs.writeFileSync(tmp, new Uint8Array(buf))
    fs.renameSync(tmp, file)
  }
  return { name, input: file, rows: rows.length, first, last }
}

export function vectorShardFile(outDir: string, name: string): string {
  return path.join(outDir, `${name}.vectors.parquet`)
}

/** Vector shards the job has finished (whole files only: the job writes a temporary name, then renames). */
export function finishedShards(outDir: string): string[] {
  if (!fs.existsSync(outDir)) return []
  return fs
    .readdirSync(outDir)
    .filter((f) => f.endsWith('.vectors.parquet'))
    .map((f) => f.slice(0, -'.vectors.parquet'.length))
    .sort()
}

/** Reads a vector shard and checks it: every row once, each vector `dims` finite values. */
export async function readVectorShard(file: string, dims: number, expectRows?: number): Promise<VectorShard> {
  let rows: Record<string, unknown>[]
  try {
    rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file), columns: ['idx', 'vector', 'truncated'] })) as Record<string, unknown>[]
  } catch (err) {
    throw new EmbedMapError('INTERNAL', `the Ray job wrote a vector shard EmbedMap cannot read (${path.basename(file)}): ${(err as Error).message}`)
  }
  if (expectRows !== undefined && rows.length !== expectRows)
    throw new EmbedMapError('INTERNAL', `vector shard ${path.basename(file)} has ${rows.length} rows, its input had ${expectRows}`)
  const idx: number[] = new Array(rows.length)
  const vectors = new Float32Array(rows.length * dims)
  let truncated = 0
  const seen = new Set<number>()
  rows.forEach((r, i) => {
    const id = Number(r.idx)
    const v = r.vector as ArrayLike<number>
    if (seen.has(id)) throw new EmbedMapError('INTERNAL', `vector shard ${path.basename(file)} has row ${id} twice`)
    seen.add(id)
    if (!v || v.length !== dims)
      throw new EmbedMapError('INTERNAL', `vector shard ${path.basename(file)}: row ${id} has ${v?.length ?? 0} values, the model makes ${dims}`)
    for (let d = 0; d < dims; d++) {
      const x = v[d]
      if (!Number.isFinite(x)) throw new EmbedMapError('INTERNAL', `vector shard ${path.basename(file)}: row ${id} has a value that is not a finite number`)
      vectors[i * dims + d] = x
    }
    idx[i] = id
    if (r.truncated === true) truncated++
  })
  return { idx, vectors, truncated }
}
