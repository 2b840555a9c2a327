import { mkdtempSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadata, parquetReadObjects } from 'hyparquet'
import { createRecordReader, sniffSource } from '../../../src-main/import'
import type { ExportChunk, ExportColumn, ExtraColumn } from '../../../src-main/export'

export function tempDir(): { dir: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'embedmap-export-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** A table of rows with every extra, to be cut into chunks. */
export interface Table {
  cells: string[][]
  cluster: number[]
  clusterLabel: string[]
  anomalyScore: number[]
  isAnomaly: number[]
  x: number[]
  y: number[]
  /** rows × dims, row-major */
  vectors: number[]
}

export const ALL_EXTRAS: ExtraColumn[] = ['cluster', 'cluster_label', 'anomaly_score', 'is_anomaly', 'x', 'y']

/**
 * Cuts `t` into chunks of the listed sizes (0 gives an empty chunk); once the list is used up, the last size
 * repeats until the rows run out (the rest in one chunk if that size is 0).
 */
export function chunksOf(t: Table, sizes: number[], dims = 0): ExportChunk[] {
  const out: ExportChunk[] = []
  const n = t.cells.length
  let at = 0
  for (let k = 0; at < n || k < sizes.length; k++) {
    let size = sizes[Math.min(k, sizes.length - 1)]
    if (k >= sizes.length && size === 0) size = n - at
    const end = Math.min(n, at + size)
    out.push({
      cells: t.cells.slice(at, end),
      cluster: Int32Array.from(t.cluster.slice(at, end)),
      clusterLabel: t.clusterLabel.slice(at, end),
      anomalyScore: Float32Array.from(t.anomalyScore.slice(at, end)),
      isAnomaly: Uint8Array.from(t.isAnomaly.slice(at, end)),
      x: Float32Array.from(t.x.slice(at, end)),
      y: Float32Array.from(t.y.slice(at, end)),
      vectors: Float32Array.from(t.vectors.slice(at * dims, end * dims)),
    })
    at = end
  }
  return out
}

export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const it of items) {
    await Promise.resolve()
    yield it
  }
}

/** Reads a file back with our importer: column names and every row's cells. */
export async function importBack(path: string): Promise<{ columns: string[]; rows: string[][]; hadBom: boolean }> {
  const sniff = await sniffSource(path)
  const reader = createRecordReader(sniff)
  const rows: string[][] = []
  for await (const b of reader.batches()) for (const r of b) rows.push(r.cells)
  return { columns: [...reader.columns], rows, hadBom: sniff.hadBom }
}

export async function readParquet(path: string): Promise<{ rows: Record<string, unknown>[]; metadata: ReturnType<typeof parquetMetadata> }> {
  const buf = readFileSync(path)
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
  const rows = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[]
  return { rows, metadata: parquetMetadata(ab) }
}

export const f32 = (v: number) => Math.fround(v)

export const COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'text', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'flag', type: 'boolean' },
  { name: 'when', type: 'date' },
  { name: 'blank', type: 'empty' },
]

/** Hard text: quotes, commas, newlines (LF, CRLF, CR), Chinese, emoji, blanks, leading/trailing spaces, tabs. */
export const HARD_TEXT = [
  'plain',
  'with, comma',
  'say "hi"',
  '"quoted at both ends"',
  'line one\nline two',
  'crlf one\r\ncrlf two',
  'lone\rcr',
  '中文文本，带逗号',
  '日本語とemoji 😀',
  '',
  '  padded  ',
  'tab\tinside',
  "it's",
  'trailing newline\n',
  ';semi|pipe',
]

/** `n` rows over COLUMNS with deterministic, awkward values. */
export function makeTable(n: number, dims = 0): Table {
  const t: Table = { cells: [], cluster: [], clusterLabel: [], anomalyScore: [], isAnomaly: [], x: [], y: [], vectors: [] }
  for (let i = 0; i < n; i++) {
    t.cells.push([
      String(i + 1),
      HARD_TEXT[i % HARD_TEXT.length] + (i % 3 === 0 ? ` #${i}` : ''),
      i % 7 === 0 ? '' : String(((i * 37) % 101) - 50 + (i % 2 ? 0.25 : 0)),
      i % 5 === 0 ? '' : i % 2 ? 'true' : 'FALSE',
      i % 4 === 0 ? '' : `2024-0${(i % 9) + 1}-1${i % 10}`,
      '',
    ])
    t.cluster.push((i % 5) - 1)
    t.clusterLabel.push(i % 5 === 0 ? '' : `topic ${i % 5}，主题`)
    t.anomalyScore.push(i % 11 === 0 ? NaN : (i % 13) / 7)
    t.isAnomaly.push(i % 6 === 0 ? 1 : 0)
    t.x.push(Math.sin(i) * 10)
    t.y.push(-Math.cos(i) * 3.3)
    for (let d = 0; d < dims; d++) t.vectors.push(Math.sin(i * 31 + d))
  }
  return t
}
