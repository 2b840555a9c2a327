import type { SerializedError } from '../errors'
import type { ImportOptions, ParsedRecord, RaggedReport, TextSource } from './types'

/** Messages from the import to its reader worker (reader-worker.ts). */
export type ReaderRequest = { type: 'start'; source: TextSource; options: ImportOptions; batchSize: number } | { type: 'more' }

/** Messages from the reader worker: batches in file order with the reader's counts after each, then at most one error. */
export type ReaderReply =
  | {
      type: 'batch'
      records: ParsedRecord[]
      /** The reader has finished: no batch follows, and the counts are final. */
      last: boolean
      columns: string[]
      ragged: RaggedReport
      recordsRead: number
      bytesRead: number
      estimate: number
    }
  | { type: 'error'; error: SerializedError }
