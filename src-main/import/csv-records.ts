/**
 * CSV records with the physical line each one starts on, parsed by csv-parse (https://csv.js.org/parse/).
 * This module only drives the library and keeps line numbers; it does not look at the characters itself.
 *
 * Options (shared by the sniffer and the reader, so the preview and the import agree):
 * - `delimiter` one character, `quote`/`escape` `"` (RFC 4180: `""` inside quotes is one `"`);
 * - `record_delimiter` LF, CRLF and lone CR, mixed in one file;
 * - `relax_quotes`: a quote inside an unquoted field is text (`a 5" screen`), and text after a closing
 *   quote is kept as written (`"ab"c` → `"ab"c`, where Python's csv gives `abc`);
 * - `relax_column_count`: ragged records come through (the shaper pads/extends and reports them);
 * - `skip_empty_lines`: a line with no characters is no record (a line of spaces is one; the shaper drops it);
 * - `max_record_size`: a record larger than the limit is refused as soon as it grows past it, so a 50 MB
 *   field (often a quote that never closes) is never held whole. csv-parse counts the field in progress in
 *   bytes and the finished fields of the record in characters.
 *
 * Speed: csv-parse's `info: true` / `on_record` build two objects per record, which costs more than the parse
 * itself (measured 0.2M vs 0.6M rows/s). So the parser is a subclass whose `push` (the one way a Transform
 * hands out what it made) receives each record synchronously, while `parser.info` (public, live) still holds
 * the counters that `info: true` would copy: `lines` (the line where the record ends) and `empty_lines`.
 * A record starts on the line after the previous record ended, plus the empty lines skipped in between.
 * csv-parse counts a CRLF inside a quoted field as two lines (see csv-records.test.ts), so those are
 * subtracted again. An error (a quote never closed, a record too large) is put at the line where the record in
 * progress starts. The header is parsed by a first pass of its own (see startSecondPass()).
 *
 * Node's Writable calls `_transform` (and `_flush` from `end()`) synchronously while it is not busy, and
 * records never queue on the readable side here, so `write()`/`end()` below are synchronous: records are
 * handed out, and a parse error is available as `parser.errored`, before they return.
 */
import type { TransformCallback } from 'node:stream'
import { CsvError, Parser, type Options } from 'csv-parse'

export type CsvRecordErrorKind = 'unterminated-quote' | 'record-too-large' | 'malformed'

/** A CSV problem with the 1-based line where the record in question starts; callers add the file. */
export class CsvRecordError extends Error {
  constructor(
    readonly kind: CsvRecordErrorKind,
    readonly line: number,
    message: string,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'CsvRecordError'
  }
}

export interface CsvRecordsOptions {
  /** One character. */
  delimiter: string
  /** Largest record accepted (csv-parse's `max_record_size`). */
  maxRecordBytes: number
  /** Called synchronously from write()/end(), in order; may throw (the error comes out of write()/end()). */
  onRecord: (fields: string[], line: number) => void
}

export function csvParseOptions(delimiter: string, maxRecordBytes: number): Options {
  return {
    delimiter,
    quote: '"',
    escape: '"',
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
    bom: false,
  }
}

/** csv-parse's stream parser whose records are taken as they are pushed (nothing queues on the readable side). */
class RecordParser extends Parser {
  /** Set once `_flush` (run by `end()`) has returned. */
  flushed = false

  constructor(
    options: Options,
    private readonly deliver: (record: string[]) => void,
  ) {
    super(options)
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding)
    this.deliver(chunk as string[])
    return true
  }

  override _flush(callback: TransformCallback): void {
    super._flush(callback)
    this.flushed = true
  }
}

export class CsvRecords {
  private readonly options: Options
  private readonly onRecord: (fields: string[], line: number) => void
  /** The pass in use: the first one until it has handed out the first record, then the second one. */
  private parser: RecordParser
  /** What the first pass was fed, kept until the second pass takes over (the first record's bytes and a chunk). */
  private replay: (Buffer | string)[] | undefined = []
  /** The first record has been handed out (by the first pass). */
  private gotFirst = false
  /** csv-parse's line count when the first record was handed out. */
  private firstRecordLines = 0
  /** Physical line where the last record ended (0 before the first). */
  private lastEnd = 0
  /** csv-parse's `empty_lines` when the last record was handed out. */
  private lastEmpty = 0
  /** CRLFs inside quoted fields so far: csv-parse counted each as two lines. */
  private crlfInFields = 0
  /** Whether any CR has been written; until then no field can hold a CRLF and the check is skipped. */
  private sawCR = false
  private failure: { err: unknown } | undefined
  private ended = false
  /** A high surrogate that ended the last text chunk: it is written with the low one that follows. */
  private highSurrogate = ''

  constructor(opts: CsvRecordsOptions) {
    if (opts.delimiter.length !== 1) throw new Error(`delimiter must be one character, got ${JSON.stringify(opts.delimiter)}`)
    this.onRecord = opts.onRecord
    this.options = csvParseOptions(opts.delimiter, opts.maxRecordBytes)
    this.parser = this.newPass(this.options)
  }

  /**
   * Records so far whose field count differs from the first data record's (csv-parse's `invalid_field_length`
   * of the pass in use): each one cost csv-parse an error object. For tests and measurements.
   */
  get unevenRecords(): number {
    return this.parser.info.invalid_field_length
  }

  /** 1-based line where the record in progress (or else the next record) starts. */
  pendingLine(): number {
    return this.lastEnd + 1 + (this.parser.info.empty_lines - this.lastEmpty)
  }

  /** Parses the next piece of the file (UTF-8 bytes, or text); a character may be split between pieces. */
  write(chunk: Buffer | string): void {
    if (this.failure) throw this.failure.err
    if (this.ended) throw new Error('CsvRecords.write() after end()')
    if (typeof chunk === 'string') chunk = this.wholeCharacters(chunk)
    if (chunk.length === 0) return
    if (!this.sawCR) this.sawCR = typeof chunk === 'string' ? chunk.indexOf('\r') !== -1 : chunk.indexOf(13) !== -1
    this.replay?.push(chunk)
    this.writeTo(this.parser, chunk)
    this.checkPass()
  }

  /** Parses what is left; throws CsvRecordError 'unterminated-quote' when a quoted field is still open. */
  end(): void {
    if (this.failure) throw this.failure.err
    if (this.ended) return
    if (this.highSurrogate) {
      this.replay?.push(this.highSurrogate)
      this.writeTo(this.parser, this.highSurrogate)
      this.checkPass()
    }
    this.ended = true
    this.endPass()
  }

  /**
   * Why two passes: csv-parse takes the first record's field count as the expected one and, for every record
   * with another count, builds an error object (kept aside under `relax_column_count`) at ~30 µs a record,
   * ten times the cost of parsing it. The first record is the header, and files whose data rows all have one
   * field more or less than the header are not rare (a trailing delimiter on data rows only). So once the first
   * pass has handed out the header, a second pass parses the same bytes with `from_line` set past the header:
   * csv-parse skips those lines and takes the first data record's count as the expected one. Its line and
   * empty-line counters run over the whole text like the first pass's, so the line numbers carry on.
   */
  private startSecondPass(): void {
    const chunks = this.replay ?? []
    this.replay = undefined
    this.parser = this.newPass({ ...this.options, from_line: this.firstRecordLines + 1 })
    for (const c of chunks) {
      this.writeTo(this.parser, c)
      this.checkPass()
    }
  }

  private endPass(): void {
    this.parser.end()
    this.checkPass()
    if (!this.parser.flushed) throw new Error('csv-parse did not finish synchronously')
    if (this.replay === undefined) return
    // The first pass handed out its first record only now, at the end: the second pass parses the rest.
    if (!this.gotFirst) return
    this.startSecondPass()
    this.parser.end()
    this.checkPass()
  }

  private newPass(options: Options): RecordParser {
    const parser: RecordParser = new RecordParser(options, (record) => this.onParsed(parser, record))
    // Errors are read from `parser.errored` right away; the event Node emits later must not go unhandled.
    parser.on('error', () => {})
    return parser
  }

  private writeTo(parser: RecordParser, chunk: Buffer | string): void {
    parser.write(chunk)
    if (parser.writableLength !== 0 && !parser.errored) throw new Error('csv-parse did not parse the chunk synchronously')
  }

  /** After a write/end of the current pass: rethrows a failure, or switches to the second pass. */
  private checkPass(): void {
    if (this.failure) throw this.failure.err
    if (this.replay !== undefined && this.gotFirst && !this.ended) {
      // (A parse error of the first pass after the header is the second pass's to find again.)
      this.startSecondPass()
      return
    }
    if (this.replay !== undefined && this.gotFirst) return // ending: endPass() starts the second pass
    const err = this.parser.errored
    if (!err) return
    const mapped = this.mapError(err)
    this.failure = { err: mapped }
    throw mapped
  }

  /** Text up to a trailing high surrogate (kept for the next piece): UTF-8 cannot encode half a pair. */
  private wholeCharacters(text: string): string {
    if (this.highSurrogate) {
      text = this.highSurrogate + text
      this.highSurrogate = ''
    }
    const last = text.charCodeAt(text.length - 1)
    if (last >= 0xd800 && last <= 0xdbff) {
      this.highSurrogate = text.slice(-1)
      return text.slice(0, -1)
    }
    return text
  }

  private onParsed(parser: RecordParser, record: string[]): void {
    // The first pass's records after the first one are the second pass's to hand out.
    if (this.failure || parser !== this.parser || (this.gotFirst && this.replay !== undefined)) return
    const info = parser.info
    const line = this.lastEnd + 1 + (info.empty_lines - this.lastEmpty)
    if (this.sawCR) {
      for (let k = 0; k < record.length; k++) {
        const f = record[k]
        for (let i = f.indexOf('\r\n'); i !== -1; i = f.indexOf('\r\n', i + 2)) this.crlfInFields++
      }
    }
    this.lastEnd = info.lines - this.crlfInFields
    this.lastEmpty = info.empty_lines
    if (!this.gotFirst) {
      this.gotFirst = true
      this.firstRecordLines = info.lines
    }
    try {
      this.onRecord(record, line)
    } catch (err) {
      // csv-parse goes on with the rest of the chunk; its records are ignored and write() rethrows this.
      this.failure = { err }
    }
  }

  private mapError(err: unknown): unknown {
    if (!(err instanceof CsvError)) return err
    const line = this.pendingLine()
    switch (err.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new CsvRecordError('unterminated-quote', line, `the quote opened in the record at line ${line} is never closed`, err.code)
      case 'CSV_MAX_RECORD_SIZE':
        return new CsvRecordError('record-too-large', line, `the record that starts at line ${line} is too large`, err.code)
      default:
        return new CsvRecordError('malformed', line, err.message, err.code)
    }
  }
}
