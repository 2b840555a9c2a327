import fs from 'node:fs'
import path from 'node:path'
import type { ImportOptionsInput, ImportPreview } from '../contract'
import { EmbedMapError } from '../errors'
import type { ImportOptions, SourceSniff } from '../import'
import type { ImportJobParams } from '../jobs/import-job'
import { EXTERNAL_MODEL_PREFIX } from '../store/embeddings-repo'
import { sniffOffThread } from '../import/sniff-off-thread'
import { textSourceOf } from '../import/text-source'
import type { JobRunner } from '../jobs/runner'
import { createJob } from '../jobs/registry'
import type { Db } from '../store/connection'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { JobsRepo } from '../store/jobs-repo'

/**
 * Import use cases: look at a file, then start (or resume) its import job. All checks that can fail
 * fast run here, before anything is written, so bad input never leaves a half-made dataset.
 */
export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly datasets: DatasetsRepo,
    private readonly jobs: JobsRepo,
    private readonly runner: JobRunner,
  ) {}

  async preview(file: string, options: ImportOptionsInput): Promise<ImportPreview> {
    // Off the event loop: the browser-mode server answers other requests while a big or odd file is looked at.
    const sniff = await sniffOffThread(checkReadable(file), toImportOptions(options))
    return {
      path: sniff.path,
      sizeBytes: sniff.sizeBytes,
      format: sniff.format,
      encoding: sniff.encoding,
      encodingConfidence: sniff.encodingConfidence,
      delimiter: sniff.delimiter ?? null,
      columns: sniff.columns.map((c, idx) => ({ idx, ...c })),
      suggestedTextColumn: sniff.suggestedTextColumn,
      sampleRows: sniff.sampleRows,
      vectorColumns: sniff.vectorColumns,
      vectorColumn: sniff.vectorColumn,
      rowCount: sniff.rowCount,
    }
  }

  /**
   * Creates the dataset and its job in one transaction and queues the job. A second import of a file
   * that is already importing is refused by the jobs table's unique lock; an interrupted one resumes.
   */
  async start(file: string, options: ImportOptionsInput, vectorsModel?: VectorsModel): Promise<{ jobId: number; datasetId: number }> {
    const real = checkReadable(file)
    const lockKey = `import:${real}`
    const existing = this.jobs.findLiveByLock(lockKey)
    if (existing) return this.resumeOrRefuse(existing.id, existing.state, existing.datasetId, real)
    if (!options.allowDuplicate) this.refuseSecondCopy(real)

    const opts = toImportOptions(options)
    // Its worker loads while the file is sniffed.
    this.runner.prewarm()
    // Stat before the sniff: a file that changes while it is sniffed then fails the job's unchanged check.
    const st = fs.statSync(real)
    const sniff = await sniffOffThread(real, opts)
    // The sniff already applied a requested text column (by name or index) or suggested one.
    const textColumn = sniff.suggestedTextColumn
    const vectors = vectorsParams(real, sniff, vectorsModel, options.vectorsModel)
    // The job reads a text file as sniffed here (source); Parquet/Arrow it re-sniffs with these options, and
    // must find the same vector column by index.
    const params = {
      path: real,
      options: { ...opts, vectors: vectors ? vectors.column : (false as const) },
      textColumn,
      vectors,
      analyzeAfter: options.analyze !== false,
      source: textSourceOf(sniff),
    }
    let ids: { jobId: number; datasetId: number }
    try {
      ids = this.db.transaction(() => {
        const datasetId = this.datasets.create({
          name: options.name ?? path.basename(real),
          sourcePath: real,
          sourceSize: st.size,
          sourceMtime: Math.trunc(st.mtimeMs),
          format: sniff.format,
          encoding: sniff.encoding,
          delimiter: sniff.delimiter ?? null,
          // The vector column is not kept among the cells, so the text column's index shifts past it.
          textColumn: vectors && vectors.column < textColumn ? textColumn - 1 : textColumn,
        })
        const job = createJob(this.jobs, { kind: 'import', datasetId, params, lockKey, total: null })
        return { jobId: job.id, datasetId }
      })()
    } catch (err) {
      // Another process created the same lock between our check and our insert.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const other = this.jobs.findLiveByLock(lockKey)
        if (other) return this.resumeOrRefuse(other.id, other.state, other.datasetId, real)
      }
      throw err
    }
    this.runner.enqueue(ids.jobId)
    return ids
  }

  /** Re-running an import that finished used to make a silent second copy of the dataset. */
  private refuseSecondCopy(real: string): void {
    const st = fs.statSync(real)
    const same = this.datasets.findReadyBySource(real, st.size, Math.trunc(st.mtimeMs))
    if (!same) return
    throw new EmbedMapError(
      'CONFLICT',
      `${real} is already imported, unchanged, as dataset ${same.id} (${same.name}, ${same.rowCount.toLocaleString('en-US')} rows).`,
      `Open dataset ${same.id} instead (\`embedmap datasets\` lists it; in the app, pick it from the dataset list). To import a second copy anyway, pass --new (allowDuplicate: true).`,
      { datasetId: same.id },
    )
  }

  private resumeOrRefuse(jobId: number, state: string, datasetId: number | null, file: string) {
    if (state === 'interrupted' && datasetId !== null) {
      this.runner.enqueue(jobId)
      return { jobId, datasetId }
    }
    throw new EmbedMapError(
      'CONFLICT',
      `${file} is already being imported (job ${jobId}, ${state}).`,
      `Wait for it to finish, or cancel it with \`embedmap jobs cancel ${jobId}\`.`,
      { jobId },
    )
  }
}

/** Resolves the path and checks it is a readable file, naming it in the error otherwise. */
export function checkReadable(file: string): string {
  const abs = path.resolve(file)
  let st: fs.Stats
  try {
    st = fs.statSync(abs)
  } catch {
    throw new EmbedMapError('NOT_FOUND', `${abs} does not exist.`, 'Check the path (relative paths are resolved from the current folder).', { file: abs })
  }
  if (st.isDirectory()) throw new EmbedMapError('BAD_INPUT', `${abs} is a folder, not a file.`, 'Pass the path of a .csv, .tsv or .jsonl file.', { file: abs })
  try {
    fs.accessSync(abs, fs.constants.R_OK)
  } catch {
    throw new EmbedMapError('BAD_INPUT', `${abs} is not readable (permission denied).`, 'Fix the file permissions or copy the file somewhere readable.', {
      file: abs,
    })
  }
  return fs.realpathSync(abs)
}

function toImportOptions(o: ImportOptionsInput): ImportOptions {
  return {
    encoding: o.encoding,
    delimiter: o.delimiter,
    format: o.format,
    textColumn: o.textColumn,
    maxFieldBytes: o.maxFieldBytes,
    maxColumns: o.maxColumns,
    headerCheck: o.headerCheck,
    vectors: o.vectors,
  }
}

/** A model named for imported vectors, as the engine resolved it (see Engine: catalog/local id, folder, or free text). */
export interface VectorsModel {
  /** The id stored on the set: a model id EmbedMap can run, or `external:<name>`. */
  modelId: string
  /** Dims the model produces, when known (checked against the file's vectors). */
  dims: number | null
  searchable: boolean
}

function vectorsParams(file: string, sniff: SourceSniff, model: VectorsModel | undefined, named: string | undefined): ImportJobParams['vectors'] {
  const col = sniff.vectorColumn
  if (col === null) {
    if (named)
      throw new EmbedMapError(
        'BAD_INPUT',
        `${file}: --vectors-model was given, but the file has no vector column.`,
        'Name the column of embeddings with --vectors COL (a list of floats, or JSON arrays of numbers), or leave out --vectors-model.',
      )
    return null
  }
  const v = sniff.vectorColumns.find((c) => c.idx === col)
  if (!v) throw new EmbedMapError('INTERNAL', `vector column ${col} is not among the file's vector columns`)
  if (model?.dims && v.dims && model.dims !== v.dims)
    throw new EmbedMapError(
      'BAD_INPUT',
      `${file}: the vectors in column '${v.name}' have ${v.dims} dimensions, but ${named} makes ${model.dims}.`,
      'Name the model that really made these vectors, or leave out --vectors-model (search is then off for them).',
      { column: v.name, dims: v.dims, modelDims: model.dims },
    )
  return {
    column: col,
    name: v.name,
    element: v.element,
    modelId: model?.modelId ?? `${EXTERNAL_MODEL_PREFIX}${named ?? 'unknown'}`,
    model: named ?? null,
    searchable: model?.searchable ?? false,
  }
}
