/**
 * Streaming export of a dataset's rows (original columns + computed extras) to CSV, JSON Lines or Parquet.
 * Pure: no database, no Electron; the caller feeds chunks (e.g. read from SQLite in pages) and the file is
 * written as they come, with backpressure (a chunk is pulled only when the file has taken the previous one).
 *
 * Atomic: everything goes to `out + '.part'`, which is renamed to `out` only once complete. A failed or
 * cancelled export removes the .part file and leaves `out` as it was (absent, or the previous file).
 *
 * Format details: csv.ts (formula guard, BOM), jsonl.ts (values as strings), parquet.ts (types, row groups).
 */
import { createWriteStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EmbedMapError } from '../errors'
import { csvEncoder } from './csv'
import { jsonlText } from './jsonl'
import { parquetBytes } from './parquet'
import { checkChunk, contractError, type CheckedChunk, type ExportPlan } from './plan'
import { EXTRA_COLUMNS, type ExportChunk, type ExportOptions, type ExportResult } from './types'
import { uniqueName } from './values'

export type { CsvExportOptions, ExportChunk, ExportColumn, ExportFormat, ExportOptions, ExportResult, ExtraColumn, ParquetExportOptions } from './types'
export { EXTRA_COLUMNS } from './types'
export { f32Text, guardFormula } from './values'
export { GROUP_ROWS } from './parquet'

export const PART_SUFFIX = '.part'

/**
 * Writes all rows of `opts.rows` to `opts.out` in `opts.format` and resolves with the row count and file size.
 * Rejects with EmbedMapError: CANCELLED when `signal` aborts, NOT_FOUND / BAD_INPUT / CONFLICT when the file
 * cannot be written (missing folder, no permission, disk full, file locked by another app), INTERNAL when the
 * chunks break the ExportChunk contract; in every case no file (and no .part file) is left behind.
 */
export async function exportRows(opts: ExportOptions): Promise<ExportResult> {
  const plan = makePlan(opts)
  const { out, signal } = opts
  const part = out + PART_SUFFIX
  const existed = await stat(out).then(
    () => true,
    () => false,
  )
  if (signal?.aborted) throw cancelled(out, existed)

  const unparsable: Record<string, number> = {}
  let rows = 0
  const chunks = checkedChunks(plan, opts.rows, signal, (n) => {
    rows += n
    opts.onProgress?.(rows)
  })

  let source: AsyncIterable<unknown>
  const transforms: Transform[] = []
  switch (opts.format) {
    case 'csv': {
      const enc = csvEncoder(plan, opts.csv)
      source = enc.records(chunks)
      transforms.push(enc.transform)
      break
    }
    case 'jsonl':
      source = jsonlText(plan, chunks)
      break
    case 'parquet':
      source = parquetBytes(plan, chunks, unparsable, opts.parquet?.rowGroupRows)
      break
  }

  try {
    // highWaterMark 1: pull the next record / text / bytes only once the previous one has been taken.
    const readable = Readable.from(source, { objectMode: true, highWaterMark: 1 })
    const file = createWriteStream(part, { flags: 'w' })
    await pipeline([readable, ...transforms, file], signal ? { signal } : {})
    const fh = await open(part, 'r+')
    try {
      await fh.datasync()
    } finally {
      await fh.close()
    }
    const bytes = (await stat(part)).size
    if (signal?.aborted) throw cancelled(out, existed)
    await rename(part, out)
    return { rows, bytes, out, columns: [...plan.header], unparsable }
  } catch (err) {
    await rm(part, { force: true }).catch(() => undefined)
    throw exportError(err, out, existed, signal)
  }
}

/** Validates the options and names the columns (see ExportResult.columns). Throws before any file is made. */
function makePlan(opts: ExportOptions): ExportPlan {
  const { format, out, columns } = opts
  if (format !== 'csv' && format !== 'jsonl' && format !== 'parquet') throw contractError(`unknown format ${JSON.stringify(format)}`)
  if (typeof out !== 'string' || out.length === 0) throw contractError('no output file given')
  const used = new Set<string>()
  for (const c of columns) {
    if (used.has(c.name)) throw contractError(`column name ${JSON.stringify(c.name)} appears twice`)
    used.add(c.name)
  }
  const extras = (opts.extraColumns ?? []).map((kind) => {
    if (!EXTRA_COLUMNS.includes(kind)) throw contractError(`unknown extra column ${JSON.stringify(kind)}`)
    return { kind, name: uniqueName(kind, used) }
  })
  if (new Set(extras.map((e) => e.kind)).size !== extras.length) throw contractError('an extra column is asked for twice')
  const groupRows = opts.parquet?.rowGroupRows
  if (groupRows !== undefined && !(Number.isInteger(groupRows) && groupRows >= 1))
    throw contractError(`parquet.rowGroupRows must be a positive integer, got ${groupRows}`)
  let vector: ExportPlan['vector']
  if (opts.vectorDims !== undefined) {
    if (format !== 'parquet') throw contractError(`vectors can only be exported to Parquet, not ${format}`)
    if (!Number.isInteger(opts.vectorDims) || opts.vectorDims < 1) throw contractError(`vectorDims must be a positive integer, got ${opts.vectorDims}`)
    vector = { name: uniqueName('vector', used), dims: opts.vectorDims }
  }
  const header = [...columns.map((c) => c.name), ...extras.map((e) => e.name), ...(vector ? [vector.name] : [])]
  if (header.length === 0) throw contractError('nothing to export: no columns')
  return { out, columns, extras, vector, header }
}

async function* checkedChunks(
  plan: ExportPlan,
  rows: AsyncIterable<ExportChunk> | Iterable<ExportChunk>,
  signal: AbortSignal | undefined,
  done: (n: number) => void,
): AsyncGenerator<CheckedChunk, void, undefined> {
  let k = 0
  let first = 0
  for await (const chunk of rows) {
    if (signal?.aborted) throw cancelled(plan.out, false)
    const n = checkChunk(plan, chunk, k++, first)
    first += n
    yield { chunk, n }
    done(n)
  }
  if (signal?.aborted) throw cancelled(plan.out, false)
}

function leftAs(out: string, existed: boolean): string {
  return existed ? `${out} was left as it was` : `no file was written`
}

function cancelled(out: string, existed: boolean): EmbedMapError {
  return new EmbedMapError('CANCELLED', `Export to ${out} was cancelled; ${leftAs(out, existed)} (the partial file was removed)`, undefined, { file: out })
}

function exportError(err: unknown, out: string, existed: boolean, signal: AbortSignal | undefined): EmbedMapError {
  if (signal?.aborted) return cancelled(out, existed)
  const tail = `${leftAs(out, existed)} (the partial file was removed)`
  if (err instanceof EmbedMapError) {
    if (err.code === 'CANCELLED') return cancelled(out, existed)
    return new EmbedMapError(err.code, `Export to ${out} failed: ${err.message}; ${tail}`, err.hint, { ...err.details, file: out })
  }
  const code = (err as NodeJS.ErrnoException)?.code
  const details = { file: out, errno: code }
  switch (code) {
    case 'ENOENT':
      return new EmbedMapError('NOT_FOUND', `Cannot export to ${out}: the folder ${dirname(out)} does not exist; ${tail}`, 'Pick an existing folder.', details)
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new EmbedMapError(
        'BAD_INPUT',
        `Cannot write ${out} (${code}: no permission, or the file is open in another app); ${tail}`,
        'Close the file in other apps, or pick a folder you can write to.',
        details,
      )
    case 'EBUSY':
      return new EmbedMapError(
        'CONFLICT',
        `Cannot replace ${out}: it is in use by another app (EBUSY); ${tail}`,
        'Close the file in the other app, or export under another name.',
        details,
      )
    case 'ENOSPC':
    case 'EDQUOT':
      return new EmbedMapError(
        'BAD_INPUT',
        `The disk is full: exporting to ${out} stopped (${code}); ${tail}`,
        'Free some space or export to another disk.',
        details,
      )
    case 'EISDIR':
      return new EmbedMapError('BAD_INPUT', `Cannot export to ${out}: it is a folder; ${tail}`, 'Give a file name.', details)
    case 'ENAMETOOLONG':
    case 'EINVAL':
      return new EmbedMapError(
        'BAD_INPUT',
        `Cannot export to ${out}: the name is not valid here (${code}); ${tail}`,
        'Pick a shorter or simpler file name.',
        details,
      )
  }
  const message = err instanceof Error ? err.message : String(err)
  return new EmbedMapError('INTERNAL', `Export to ${out} failed: ${message}; ${tail}`, undefined, details)
}
