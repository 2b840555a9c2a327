import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { deserializeError, EmbedMapError } from '../errors'
import { createTextRecordReader, DEFAULT_BATCH_SIZE } from './read-records'
import { unpackRecords, type ReaderReply, type ReaderRequest } from './reader-protocol'
import type { ImportOptions, ParsedRecord, RaggedReport, RecordReader, TextSource } from './types'

/** Below this size a worker's start-up costs more than running parsing beside the writes saves. */
const MIN_BYTES = 4 * 1024 * 1024

/**
 * A reader for the import job that parses in a worker thread while the job writes the previous batches (two
 * cores: parsing and SQLite writes take about as long as each other). Same records, errors and counts as
 * createTextRecordReader, which it runs inside the worker; used for files of MIN_BYTES and up when the worker
 * entry is bundled beside this code (the CLI's bundle), else the reader runs inline.
 */
export function createImportTextReader(source: TextSource, opts: ImportOptions = {}): RecordReader {
  const entry = source.sizeBytes >= MIN_BYTES ? readerWorkerEntry() : null
  return entry ? new OffThreadTextReader(() => new Worker(entry), source, opts) : createTextRecordReader(source, opts)
}

function readerWorkerEntry(): string | null {
  for (const dir of ['./', '../']) {
    const file = fileURLToPath(new URL(`${dir}reader-worker.js`, import.meta.url))
    if (fs.existsSync(file)) return file
  }
  return null
}

/** Exported for tests, which start the worker from source through tsx. */
export class OffThreadTextReader implements RecordReader {
  readonly columns: string[]
  ragged: RaggedReport = { count: 0, examples: [] }
  recordsRead = 0
  bytesRead = 0
  private estimate = 0
  private finished = false
  private started = false

  constructor(
    private readonly startWorker: () => Worker,
    private readonly source: TextSource,
    private readonly opts: ImportOptions,
  ) {
    this.columns = [...source.columnNames]
  }

  estimateTotalRows(): number {
    return this.finished ? this.recordsRead : Math.max(this.estimate, this.recordsRead)
  }

  async *batches(signal?: AbortSignal, batchSize = DEFAULT_BATCH_SIZE): AsyncGenerator<ParsedRecord[], void, undefined> {
    if (this.started) throw new EmbedMapError('INTERNAL', 'RecordReader.batches() can only be called once')
    this.started = true
    const path = this.source.path
    const worker = this.startWorker()
    const queue: ReaderReply[] = []
    let failure: unknown
    let closing = false
    let notify: (() => void) | null = null
    const wakeUp = () => {
      notify?.()
      notify = null
    }
    worker.on('message', (m: ReaderReply) => {
      queue.push(m)
      wakeUp()
    })
    worker.on('error', (err) => {
      failure ??= err
      wakeUp()
    })
    worker.on('exit', (code) => {
      if (!closing) failure ??= new EmbedMapError('INTERNAL', `The reader of ${path} stopped unexpectedly (exit code ${code}).`)
      wakeUp()
    })
    signal?.addEventListener('abort', wakeUp)
    worker.postMessage({ type: 'start', source: this.source, options: this.opts, batchSize } satisfies ReaderRequest)
    try {
      for (;;) {
        if (signal?.aborted) throw new EmbedMapError('CANCELLED', `Reading ${path} was cancelled`, undefined, { file: path })
        const m = queue.shift()
        if (m === undefined) {
          if (failure !== undefined) throw failure
          await new Promise<void>((resolve) => (notify = resolve))
          continue
        }
        if (m.type === 'error') throw deserializeError(m.error)
        // The worker may parse the next batch while this one is written.
        if (!m.last) worker.postMessage({ type: 'more' } satisfies ReaderRequest)
        for (let k = this.columns.length; k < m.columns.length; k++) this.columns.push(m.columns[k])
        this.ragged = m.ragged
        this.recordsRead = m.recordsRead
        this.bytesRead = m.bytesRead
        this.estimate = m.estimate
        this.finished = m.last
        if (m.records.lines.length > 0) yield unpackRecords(m.records)
        if (m.last) return
      }
    } finally {
      signal?.removeEventListener('abort', wakeUp)
      closing = true
      void worker.terminate()
    }
  }
}
