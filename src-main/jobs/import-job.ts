import fs from 'node:fs'
import path from 'node:path'
import type { ImportReport } from '../contract'
import { EmbedMapError } from '../errors'
import { checkVector, ColumnTypeInferrer, createRecordReader, parseJsonVector, sniffSource, type ImportOptions, type TextSource } from '../import'
import { createImportTextReader } from '../import/reader-off-thread'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { DatasetsRepo, ROW_EMPTY_TEXT, ROW_RAGGED, type RowInsert } from '../store/datasets-repo'
import { JobsRepo } from '../store/jobs-repo'
import { z } from 'zod'
import { defineJob } from './define-job'

export const ImportJobParamsSchema = z.object({
  path: z.string().min(1),
  options: z.object({
    encoding: z.string().optional(),
    delimiter: z.string().optional(),
    format: z.enum(['csv', 'jsonl', 'parquet', 'arrow']).optional(),
    textColumn: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    maxFieldBytes: z.number().int().positive().optional(),
    headerCheck: z.boolean().optional(),
    vectors: z.union([z.string(), z.number().int().nonnegative(), z.literal(false)]).optional(),
  }) satisfies z.ZodType<ImportOptions>,
  textColumn: z.number().int().nonnegative(),
  /** The file's column of precomputed embeddings, written as an embedding set beside the rows (null: none). */
  vectors: z
    .object({
      column: z.number().int().nonnegative(),
      name: z.string(),
      element: z.enum(['float16', 'float32', 'float64', 'json']),
      modelId: z.string().min(1),
      model: z.string().nullable(),
      searchable: z.boolean(),
    })
    .nullable()
    .default(null),
  /** Start the analysis of the imported vectors when the import ends. */
  analyzeAfter: z.boolean().default(true),
  /**
   * CSV/JSON Lines: how the file was read when the import started (its sniff), so the job reads it the same
   * way without sniffing it again; the file is checked unchanged (size, time) and its header re-checked.
   * Null (Parquet/Arrow, or a job queued before this existed): the job sniffs.
   */
  source: z
    .object({
      path: z.string().min(1),
      sizeBytes: z.number().int().nonnegative(),
      format: z.enum(['csv', 'jsonl']),
      encoding: z.string().min(1),
      hadBom: z.boolean(),
      delimiter: z.string().length(1).optional(),
      columnNames: z.array(z.string()),
    })
    .nullable()
    .default(null) satisfies z.ZodType<TextSource | null>,
})
export type ImportJobParams = z.output<typeof ImportJobParamsSchema>

interface ImportCheckpoint {
  /** Rows 0..rowsCommitted-1 are in the table (with their vectors); a resumed run re-reads the file and skips them. */
  rowsCommitted?: number
}

/** Imported vectors' model version: they were not made here, so no model file hash applies. */
const IMPORTED_VERSION = 'imported'

/** Rows per transaction: large enough that commit cost vanishes, small enough that a kill loses little. */
const BATCH_ROWS = 5000
const MAX_EMPTY_EXAMPLES = 20

/**
 * Streams a file into the rows table. Parsing is cheap next to writing, so resuming re-parses from
 * the start (keeping column-type inference exact) and writes only rows past the checkpoint.
 */
export const importJob = defineJob({
  kind: 'import',
  params: ImportJobParamsSchema,
  title: (params) => `Import ${path.basename(params.path)}`,

  async run(ctx) {
    const { db, job, params } = ctx
    const datasetId = job.datasetId
    if (datasetId === null) throw new EmbedMapError('INTERNAL', `Import job ${job.id} has no dataset.`)
    const datasets = new DatasetsRepo(db)
    const jobs = new JobsRepo(db)
    assertSourceUnchanged(datasets.source(datasetId), params.path)

    const source = params.source ?? (await sniffSource(params.path, params.options))
    const reader = 'columnNames' in source ? createImportTextReader(source, params.options) : createRecordReader(source, params.options)
    const inferrer = new ColumnTypeInferrer()
    // Cells lose the vector column (see below), so the text column's index shifts past it.
    const textCol = params.vectors && params.vectors.column < params.textColumn ? params.textColumn - 1 : params.textColumn
    let committed = (job.checkpoint as ImportCheckpoint).rowsCommitted ?? 0
    let seen = 0
    const emptyText = { count: 0, exampleLines: [] as number[] }
    const estimateTotal = () => reader.estimateTotalRows()

    const insertRows = datasets.rowInserter(datasetId)
    const vec = params.vectors
    const sets = new EmbeddingsRepo(db)
    let setId: number | undefined
    let dims = 0
    const vectorRows: number[] = []
    let vectorData: Float32Array[] = []
    const commitBatch = db.transaction((rows: RowInsert[], done: number) => {
      insertRows(rows)
      if (vec && vectorRows.length > 0) {
        // Created with the first rows, found again on resume (same key), so its vectors stay with their rows.
        setId ??= sets.findOrCreate({
          datasetId,
          modelId: vec.modelId,
          modelVersion: IMPORTED_VERSION,
          dims,
          params: {
            variant: 'fp32',
            kind: 'passage',
            configKey: `imported:${vec.name}`,
            imported: { column: vec.name, model: vec.model, searchable: vec.searchable },
          },
        })
        const flat = new Float32Array(vectorRows.length * dims)
        vectorData.forEach((v, i) => flat.set(v, i * dims))
        sets.insertVectors(setId, vectorRows, flat, dims)
      }
      jobs.progress(job.id, done, estimateTotal(), { rowsCommitted: done } satisfies ImportCheckpoint)
    })
    const rowLabel = source.format === 'parquet' || source.format === 'arrow' ? 'row' : 'line'

    for await (const batch of reader.batches(ctx.signal, BATCH_ROWS)) {
      ctx.throwIfCancelled()
      const fresh: RowInsert[] = []
      vectorRows.length = 0
      vectorData = []
      for (const rec of batch) {
        if (vec) {
          // The vector leaves the cells (it is stored once, as float32, in the embedding set) and is checked here.
          const raw = rec.vector !== undefined ? rec.vector : parseJsonVector(rec.cells[vec.column] ?? '')
          if (dims === 0 && raw) dims = raw.length
          const v = checkVector(params.path, vec.name, raw, dims, { line: rec.line, label: rowLabel })
          rec.cells.splice(vec.column, 1)
          if (rec.index >= committed) {
            vectorRows.push(rec.index)
            vectorData.push(v)
          }
        }
        inferrer.observe(rec.cells)
        const text = rec.cells[textCol] ?? ''
        const isEmpty = text.trim() === ''
        if (isEmpty) {
          emptyText.count++
          if (emptyText.exampleLines.length < MAX_EMPTY_EXAMPLES) emptyText.exampleLines.push(rec.line)
        }
        if (rec.index >= committed) {
          fresh.push({
            idx: rec.index,
            line: rec.line,
            text,
            cells: rec.cells,
            // Made by the reader from the cells as read: only valid while no vector was taken out of them.
            cellsJson: vec ? undefined : rec.cellsJson,
            flags: (isEmpty ? ROW_EMPTY_TEXT : 0) | (rec.ragged ? ROW_RAGGED : 0),
          })
        }
      }
      seen += batch.length
      if (fresh.length > 0) {
        committed = fresh[fresh.length - 1].idx + 1
        commitBatch(fresh, committed)
      }
      ctx.report(Math.max(seen, committed), estimateTotal())
    }
    ctx.throwIfCancelled()

    const names = vec ? reader.columns.filter((_, i) => i !== vec.column) : reader.columns
    const columns = inferrer.result(names).map((c, idx) => ({ idx, name: c.name, type: c.type, medianLength: c.medianLength }))
    const warnings: string[] = []
    if (reader.ragged.count > 0)
      warnings.push(`${reader.ragged.count} rows had a different number of fields than the header; they were kept (padded or extended).`)
    if (emptyText.count > 0) warnings.push(`${emptyText.count} rows have an empty text cell; they are kept and marked.`)
    const report: ImportReport = { ragged: reader.ragged, emptyText, warnings }
    if (vec && setId === undefined && committed > 0) {
      // Resumed after every row was committed: the set exists; find it by its key.
      setId = sets.list(datasetId).find((s) => s.imported?.column === vec.name)?.id
    }
    db.transaction(() => {
      datasets.finishImport(datasetId, columns, committed, report)
      if (setId !== undefined) sets.markReady(setId)
      jobs.progress(job.id, committed, committed, { rowsCommitted: committed } satisfies ImportCheckpoint)
    })()
    ctx.report(committed, committed)
    return { datasetId, rows: committed, raggedRows: reader.ragged.count, emptyTextRows: emptyText.count, ...(setId !== undefined ? { setId } : {}) }
  },

  // Vectors from the file go straight on to the analysis and the map, as a finished embed job's do (unless --no-analyze).
  followUps: (params, result) =>
    params.analyzeAfter && result.setId !== undefined ? [{ channel: 'analyze.start', input: { datasetId: result.datasetId, setId: result.setId } }] : [],

  discard(db, job) {
    // A failed or cancelled import leaves nothing behind: the dataset and its rows go together.
    if (job.datasetId !== null) new DatasetsRepo(db).delete(job.datasetId)
  },
})

function assertSourceUnchanged(recorded: { path: string; size: number; mtime: number } | undefined, file: string): void {
  if (!recorded) throw new EmbedMapError('NOT_FOUND', `The dataset for ${file} was deleted; the import cannot continue.`)
  let st: fs.Stats
  try {
    st = fs.statSync(file)
  } catch {
    throw new EmbedMapError('BAD_INPUT', `${file} is gone; the import cannot continue.`, 'Put the file back and resume, or cancel the job.')
  }
  if (st.size !== recorded.size || Math.trunc(st.mtimeMs) !== recorded.mtime) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `${file} changed since its import started (size or modification time differs).`,
      'Cancel this job and import the file again.',
    )
  }
}
