/**
 * Streams every record of a sniffed file in constant memory: fs read stream (256 KiB chunks) → decoder that
 * refuses invalid bytes (UTF-8 checked natively with `buffer.isUtf8` and passed on as the same bytes, other
 * encodings decoded by iconv-lite) → csv-parse (see csv-records.ts) / JSON Lines splitter → rows shaped to the
 * known columns, yielded in batches.
 *
 * Pure: no database, no Electron; runs in the main thread or a worker thread alike.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { EmbedMapError } from '../errors'
import type { ImportOptions, ParsedRecord, RaggedReport, RecordReader, SourceSniff, TextSource } from './types'
import { CsvRecordError, CsvRecords } from './csv-records'
import { countLineBreaks, createChunkDecoder, InvalidBytesError, type ChunkDecoder } from './decode'
import { badInput } from './input-error'
import { createColumnarReader } from './columnar'
import { textSourceOf } from './text-source'
import { CsvShaper, JsonlShaper, LineSplitter, jsonLineTooLong } from './shape'
import { csvRecordError, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_FIELD_BYTES } from './sniff'

export const DEFAULT_BATCH_SIZE = 5000
const READ_CHUNK_BYTES = 256 * 1024

const BOM_LENGTH: Record<string, number> = { 'utf-8': 3, 'utf-16le': 2, 'utf-16be': 2 }

/**
 * A reader over all records of `sniff.path`, read with the sniff's encoding/format/delimiter (which already
 * reflect any forced options: sniff with the same ImportOptions). From `opts` only `maxFieldBytes` is used.
 * `columns` starts as the sniff's column names and grows with `extra_N` (over-long CSV records) or new JSON
 * Lines keys.
 */
export function createRecordReader(sniff: SourceSniff, opts: ImportOptions = {}): RecordReader {
  const text = textSourceOf(sniff)
  return text ? new StreamingRecordReader(text, opts) : createColumnarReader(sniff)
}

/** A reader over a CSV/TSV/JSON Lines file whose sniff was taken earlier (see TextSource). */
export function createTextRecordReader(source: TextSource, opts: ImportOptions = {}): RecordReader {
  return new StreamingRecordReader(source, opts)
}

class StreamingRecordReader implements RecordReader {
  readonly columns: string[]
  ragged: RaggedReport = { count: 0, examples: [] }
  recordsRead = 0
  bytesRead = 0
  private started = false
  private finished = false
  private readonly path: string
  private readonly encoding: string
  private readonly format: 'csv' | 'jsonl'
  private readonly delimiter: string
  private readonly maxFieldBytes: number
  private readonly maxColumns: number
  private readonly bomLength: number

  constructor(
    private readonly sniff: TextSource,
    opts: ImportOptions,
  ) {
    this.path = sniff.path
    this.columns = [...sniff.columnNames]
    this.encoding = sniff.encoding
    this.format = sniff.format
    this.delimiter = sniff.delimiter ?? ','
    this.maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES
    this.maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS
    this.bomLength = sniff.hadBom ? (BOM_LENGTH[this.encoding] ?? 0) : 0
  }

  estimateTotalRows(): number {
    if (this.finished || this.bytesRead === 0) return this.recordsRead
    const size = Math.max(this.sniff.sizeBytes, this.bytesRead)
    return Math.max(this.recordsRead, Math.round((this.recordsRead * size) / this.bytesRead))
  }

  async *batches(signal?: AbortSignal, batchSize = DEFAULT_BATCH_SIZE): AsyncGenerator<ParsedRecord[], void, undefined> {
    if (this.started) throw new EmbedMapError('INTERNAL', 'RecordReader.batches() can only be called once')
    this.started = true
    if (!(batchSize >= 1)) batchSize = DEFAULT_BATCH_SIZE
    const path = this.path
    const parser = this.format === 'jsonl' ? this.jsonlParser() : this.csvParser()
    // Records accumulate in sink.records; full batches are sliced off after each chunk.
    const sink = parser.sink

    const stream = createReadStream(path, { start: this.bomLength, highWaterMark: READ_CHUNK_BYTES })
    const decoder = createChunkDecoder(this.encoding)
    const feed = (buf: Buffer) => {
      try {
        parser.push(decoder, buf)
      } catch (err) {
        throw this.mapError(err)
      }
    }
    /** `chunkStart`: file offset of the chunk whose decoding failed (the bytes before it decoded fine). */
    const decodeFailure = async (err: unknown, chunkStart: number): Promise<unknown> => {
      if (!(err instanceof InvalidBytesError)) return err
      const line = await lineOfText(path, this.bomLength, chunkStart, err.textBefore)
      return badInput(
        path,
        line,
        `bytes that are not valid ${this.encoding}: the file is not (entirely) in the encoding ${this.encoding}`,
        'Pick the encoding the file was saved in (Chinese files are often GB18030/GBK or Big5), or re-save it as UTF-8.',
        {
          encoding: this.encoding,
          reason: 'invalid-bytes',
        },
      )
    }
    const cancelled = () => new EmbedMapError('CANCELLED', `Reading ${path} was cancelled`, undefined, { file: path })
    try {
      if (signal?.aborted) throw cancelled()
      for await (const chunk of stream) {
        if (signal?.aborted) throw cancelled()
        const buf = chunk as Buffer
        const chunkStart = this.bomLength + this.bytesRead
        this.bytesRead += buf.length
        try {
          feed(buf)
        } catch (err) {
          throw await decodeFailure(err, chunkStart)
        }
        if (sink.records.length >= batchSize) {
          const all = sink.records
          let k = 0
          for (; k + batchSize <= all.length; k += batchSize) {
            yield all.slice(k, k + batchSize)
            if (signal?.aborted) throw cancelled()
          }
          sink.records = all.slice(k)
        }
      }
      try {
        parser.end(decoder)
      } catch (err) {
        throw await decodeFailure(this.mapError(err), this.bomLength + this.bytesRead)
      }
      const all = sink.records
      sink.records = []
      this.finished = true
      for (let k = 0; k < all.length; k += batchSize) yield all.slice(k, k + batchSize)
    } catch (err) {
      if (err instanceof EmbedMapError) throw err
      const code = (err as NodeJS.ErrnoException)?.code
      if (code === 'ENOENT')
        throw new EmbedMapError('NOT_FOUND', `${path}: no such file (it was moved or deleted while reading)`, 'Check the path and import again.', {
          file: path,
        })
      if (code && typeof code === 'string' && code.startsWith('E')) {
        throw badInput(path, undefined, `cannot be read (${code})`, 'Check that the file is still there and readable.', { errno: code })
      }
      throw err
    } finally {
      stream.destroy()
      sink.records = []
    }
  }

  private mapError(err: unknown): unknown {
    if (err instanceof CsvRecordError) return csvRecordError(this.path, err, this.maxFieldBytes)
    return err
  }

  private csvParser(): Parser {
    const sink: Sink = { records: [] }
    let shaper: CsvShaper | undefined
    const path = this.path
    const csv = new CsvRecords({
      delimiter: this.delimiter,
      maxRecordBytes: this.maxFieldBytes,
      onRecord: (fields, line) => {
        if (shaper === undefined) {
          shaper = this.headerShaper(fields, line)
          return
        }
        const row = shaper.shape(fields, line)
        if (row === null) return
        if (shaper.columns.length > this.columns.length) {
          for (let k = this.columns.length; k < shaper.columns.length; k++) this.columns.push(shaper.columns[k])
        }
        const rec: ParsedRecord = { index: this.recordsRead++, line, cells: row.cells }
        if (row.ragged) rec.ragged = row.ragged
        sink.records.push(rec)
      },
    })
    return {
      sink,
      // csv-parse parses UTF-8 bytes: a UTF-8 file goes in as read (checked, not decoded), other encodings as text.
      push: (decoder, buf) => csv.write(decoder.writeUtf8 ? decoder.writeUtf8(buf) : decoder.write(buf)),
      end: (decoder) => {
        const tail = decoder.end()
        if (tail) csv.write(tail)
        csv.end()
        if (shaper === undefined) throw badInput(path, undefined, 'has no header row (it changed after it was inspected?)', 'Import the file again.')
      },
    }
  }

  /** The header read from the file must be the one the sniff saw; the reader's report is the shaper's. */
  private headerShaper(fields: string[], line: number): CsvShaper {
    const names = fields.map((f) => f.trim())
    const known = this.sniff.columnNames
    const same = names.length <= known.length && names.every((n, i) => n === known[i])
    if (!same) {
      throw badInput(
        this.path,
        line,
        `the header row is not the one seen when the file was inspected (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''})`,
        'The file changed, or other import options were used: inspect it again.',
        {
          reason: 'header-changed',
        },
      )
    }
    const shaper = new CsvShaper(this.columns, names.length, this.path, this.maxColumns)
    this.ragged = shaper.ragged
    return shaper
  }

  private jsonlParser(): Parser {
    const sink: Sink = { records: [] }
    const shaper = new JsonlShaper(this.path, this.columns, this.maxColumns)
    const splitter = new LineSplitter(
      this.maxFieldBytes,
      (text, line) => {
        const cells = shaper.shape(text, line)
        if (cells === null) return
        if (shaper.columns.length > this.columns.length) {
          for (let k = this.columns.length; k < shaper.columns.length; k++) this.columns.push(shaper.columns[k])
        }
        sink.records.push({ index: this.recordsRead++, line, cells })
      },
      jsonLineTooLong(this.path, this.maxFieldBytes),
    )
    return {
      sink,
      push: (decoder, buf) => splitter.push(decoder.write(buf)),
      end: (decoder) => {
        const tail = decoder.end()
        if (tail) splitter.push(tail)
        splitter.end()
      },
    }
  }
}

interface Sink {
  records: ParsedRecord[]
}

interface Parser {
  sink: Sink
  /** Decodes and parses the next chunk of the file; throws InvalidBytesError from the decoder. */
  push(decoder: ChunkDecoder, buf: Buffer): void
  /** Decodes and parses what is left. */
  end(decoder: ChunkDecoder): void
}

/**
 * 1-based line of the end of `textBefore`, the text decoded from the file from `chunkStart` on. Only for errors:
 * the file's bytes before `chunkStart` are read again to count their line breaks. In every encoding but UTF-16
 * (whose decoding never fails) bytes 0x0A and 0x0D are LF and CR and never part of a multi-byte character, and
 * bytes held back by a decoder between chunks are neither.
 */
async function lineOfText(path: string, from: number, chunkStart: number, textBefore: string): Promise<number> {
  let breaks = 0
  let lastCR = false
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    for (let pos = from; pos < chunkStart;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, chunkStart - pos), pos)
      if (bytesRead === 0) break
      for (let i = 0; i < bytesRead; i++) {
        const c = buf[i]
        if (c === 10) {
          if (!lastCR) breaks++
          lastCR = false
        } else if (c === 13) {
          breaks++
          lastCR = true
        } else lastCR = false
      }
      pos += bytesRead
    }
  } finally {
    await fh.close()
  }
  // A CRLF split between the chunks is one line break.
  const joined = lastCR && textBefore.charCodeAt(0) === 10 ? -1 : 0
  return 1 + breaks + countLineBreaks(textBefore) + joined
}
