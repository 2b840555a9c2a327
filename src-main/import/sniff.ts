/**
 * A quick look at the head of a file (never the whole file): encoding, format, delimiter, header, column
 * types and a preview. Everything the user must fix is an EmbedMapError BAD_INPUT (NOT_FOUND for a missing
 * path) whose message names the file and, where it applies, the line.
 */
import { open, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import { isUtf8 } from 'node:buffer'
import chardet from 'chardet'
import { EmbedMapError } from '../errors'
import type { ColumnSummary, ImportOptions, SourceFormat, SourceSniff } from './types'
import { CsvRecordError, CsvRecords } from './csv-records'
import { createChunkDecoder, detectBom, InvalidBytesError, isUtf16, normalizeEncoding, countLineBreaks } from './decode'
import { badInput, formatBytes } from './input-error'
import { ColumnTypeInferrer, classifyValue, suggestTextColumn } from './column-types'
import { CsvShaper, JsonlShaper, LineSplitter, jsonLineTooLong, tooManyColumns } from './shape'
import { columnarFormat, sniffColumnar } from './columnar'
import { chooseVectorColumn, detectJsonVectorColumns } from './vectors'

export const DEFAULT_MAX_FIELD_BYTES = 16 * 1024 * 1024
/** More columns than this is almost always a wrong delimiter or a transposed table, and each costs memory per row. */
export const DEFAULT_MAX_COLUMNS = 10_000
/** First look: 256 KiB. If that does not hold a complete data record, one more look at up to 4 MiB. */
export const HEAD_BYTES = 256 * 1024
export const HEAD_BYTES_MAX = 4 * 1024 * 1024
export const SAMPLE_ROWS = 20
/** Rows of the head used for column types and lengths. */
const SUMMARY_ROWS = 5000
export const DELIMITERS = [',', '\t', ';', '|'] as const

const ENCODING_HINT =
  'Pick the encoding the file was saved in (Chinese files are often GB18030/GBK or Big5, Japanese Shift_JIS), or leave it on automatic detection.'

/** Resolves `opts.textColumn` (name or 0-based index) against the columns; throws BAD_INPUT listing them. */
export function resolveTextColumn(file: string, columns: readonly { name: string }[], choice: string | number): number {
  const list = columns.map((c, i) => `${i}: '${c.name}'`).join(', ')
  if (typeof choice === 'number') {
    if (Number.isInteger(choice) && choice >= 0 && choice < columns.length) return choice
    throw badInput(
      file,
      undefined,
      `there is no column ${choice} (the file has ${columns.length} columns: ${list})`,
      'Choose the text column by name or by a 0-based index from the list.',
      {
        columns: columns.map((c) => c.name),
      },
    )
  }
  let i = columns.findIndex((c) => c.name === choice)
  if (i === -1) i = columns.findIndex((c) => c.name.toLowerCase() === choice.trim().toLowerCase())
  if (i !== -1) return i
  // A number given as text (e.g. from a command line) that names no column: an index.
  if (/^\d+$/.test(choice.trim()) && Number(choice) < columns.length) return Number(choice)
  throw badInput(
    file,
    undefined,
    `there is no column named '${choice}' (columns: ${list})`,
    'Choose the text column by one of the names listed, or by its 0-based index.',
    {
      columns: columns.map((c) => c.name),
    },
  )
}

export async function sniffSource(path: string, opts: ImportOptions = {}): Promise<SourceSniff> {
  const size = await checkPath(path)
  if (size === 0) throw emptyFile(path)
  const columnar = await columnarFormat(path, opts.format)
  if (columnar) return sniffColumnar(path, size, columnar, opts)
  const head = await readHead(path, Math.min(size, HEAD_BYTES))
  try {
    return analyse(path, size, head, opts, head.length < size)
  } catch (err) {
    if (!(err instanceof NeedMoreHead)) throw err
  }
  // The first 256 KiB hold no complete data record (very long fields): look at up to 4 MiB.
  return analyse(path, size, await readHead(path, Math.min(size, HEAD_BYTES_MAX)), opts, false)
}

/** Thrown inside analyse() when the head holds no complete data record and more of the file could help. */
class NeedMoreHead extends Error {}

async function checkPath(path: string): Promise<number> {
  let st
  try {
    st = await stat(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new EmbedMapError('NOT_FOUND', `${path}: no such file`, 'Check the path; relative paths are resolved from the current folder.', { file: path })
    }
    throw badInput(path, undefined, `cannot be read (${code ?? String(err)})`, 'Check that the file exists and that you may read it.', { errno: code })
  }
  if (st.isDirectory()) throw badInput(path, undefined, 'is a folder, not a file', 'Choose a CSV, TSV or JSON Lines file inside it.')
  if (!st.isFile()) throw badInput(path, undefined, 'is not a regular file', 'Choose a CSV, TSV or JSON Lines file.')
  return st.size
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw badInput(
      path,
      undefined,
      `cannot be read (${code ?? String(err)})`,
      'Check that you may read the file (permissions, or another program locking it).',
      { errno: code },
    )
  }
  try {
    const buf = Buffer.alloc(bytes)
    let got = 0
    while (got < bytes) {
      const { bytesRead } = await fh.read(buf, got, bytes - got, got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    return got === bytes ? buf : buf.subarray(0, got)
  } finally {
    await fh.close()
  }
}

function emptyFile(path: string): EmbedMapError {
  return badInput(path, undefined, 'is empty', 'Choose a file with a header row and at least one data row.')
}

// ---------------------------------------------------------------------------------------------- binary

const MAGIC: { bytes: number[] | string; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: 'GIF8', what: 'a GIF image' },
  { bytes: '%PDF-', what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive — an Excel .xlsx, a .docx or a .zip' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Office document (.xls/.doc)' },
  { bytes: 'SQLite format 3\u0000', what: 'an SQLite database' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: 'BZh', what: 'a bzip2-compressed file' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd-compressed file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: 'Rar!', what: 'a RAR archive' },
  { bytes: 'PAR1', what: 'a Parquet file' },
  { bytes: 'ARROW1', what: 'an Arrow file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable (ELF)' },
  { bytes: 'MZ', what: 'a Windows executable' },
  { bytes: 'RIFF', what: 'a RIFF media file (WAV/AVI/WebP)' },
  { bytes: 'OggS', what: 'an Ogg media file' },
  { bytes: 'ID3', what: 'an MP3 file' },
]

function magicOf(head: Buffer): string | undefined {
  for (const m of MAGIC) {
    const bytes = typeof m.bytes === 'string' ? Buffer.from(m.bytes, 'latin1') : Buffer.from(m.bytes)
    if (head.length >= bytes.length && head.subarray(0, bytes.length).equals(bytes)) return m.what
  }
  // ISO media (MP4/MOV/HEIC): ....ftyp
  if (head.length >= 8 && head.subarray(4, 8).toString('latin1') === 'ftyp') return 'an MP4/QuickTime media file'
  return undefined
}

/**
 * Magic numbers of text-like letters (`MZ`, `ID3`, `RIFF`, `BZh`, `GIF8`, `%PDF-`) also begin ordinary text: a CSV
 * whose first column is `MZ`. A file is called binary only when its first KB also holds what text never does: a NUL,
 * a control character other than tab, line feed, form feed and carriage return, or bytes that are not UTF-8.
 */
function bytesLookBinary(head: Buffer): boolean {
  const first = head.subarray(0, 1024)
  for (const b of first) if (b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 127) return true
  // The KB may end inside a character: allow up to 3 bytes of it.
  for (let cut = 0; cut < 4 && cut < first.length; cut++) if (isUtf8(first.subarray(0, first.length - cut))) return false
  return true
}

function binaryFile(path: string, what: string): EmbedMapError {
  return badInput(
    path,
    undefined,
    `looks like a binary file (${what}), not CSV, TSV or JSON Lines text`,
    'Export the data as CSV (UTF-8) or JSON Lines and import that file.',
    {
      binary: what,
    },
  )
}

/** UTF-16 without a BOM: most ASCII characters leave a NUL in every other byte. */
function utf16WithoutBom(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(head.length, 8192) & ~1
  if (n < 4) return undefined
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++
    if (head[i + 1] === 0) oddZero++
  }
  const pairs = n / 2
  if (oddZero >= pairs * 0.1 && evenZero <= pairs * 0.01) return 'utf-16le'
  if (evenZero >= pairs * 0.1 && oddZero <= pairs * 0.01) return 'utf-16be'
  return undefined
}

/** Share of control characters (other than tab, LF, CR, FF, VT) in decoded text. */
function controlShare(text: string): { count: number; share: number } {
  const n = Math.min(text.length, 65536)
  let count = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) || c === 127) count++
  }
  return { count, share: n === 0 ? 0 : count / n }
}

// -------------------------------------------------------------------------------------------- encoding

interface EncodingChoice {
  encoding: string
  confidence: number
  bomLength: number
}

const CHARDET_TO_ICONV: Record<string, string> = {
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  'UTF-32LE': 'utf-32le',
  'UTF-32BE': 'utf-32be',
  GB18030: 'gb18030',
  Big5: 'big5',
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'EUC-KR': 'euc-kr',
  'ISO-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  'ISO-8859-2': 'iso-8859-2',
  'ISO-8859-5': 'iso-8859-5',
  'ISO-8859-6': 'iso-8859-6',
  'ISO-8859-7': 'iso-8859-7',
  'ISO-8859-8': 'iso-8859-8',
  'ISO-8859-9': 'windows-1254',
  'windows-1250': 'windows-1250',
  'windows-1251': 'windows-1251',
  'windows-1253': 'windows-1253',
  'windows-1254': 'windows-1254',
  'windows-1255': 'windows-1255',
  'windows-1256': 'windows-1256',
  'windows-1257': 'windows-1257',
  'windows-1258': 'windows-1258',
  'windows-874': 'windows-874',
  'KOI8-R': 'koi8-r',
}

/** The head without a trailing, incomplete UTF-8 sequence (when more of the file follows). */
function utf8Body(head: Buffer, complete: boolean): Buffer {
  if (complete) return head
  const n = head.length
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = head[n - k]
    if ((b & 0xc0) === 0x80) continue
    if (b < 0x80) return head
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2
    return len > k ? head.subarray(0, n - k) : head
  }
  return head
}

/** Decodes the head; throws InvalidBytesError at the first invalid byte. */
function decodeHead(head: Buffer, enc: EncodingChoice, complete: boolean): string {
  const dec = createChunkDecoder(enc.encoding)
  const text = dec.write(head.subarray(enc.bomLength))
  return complete ? text + dec.end() : text
}

function chooseEncoding(path: string, head: Buffer, complete: boolean, opts: ImportOptions): EncodingChoice {
  const bom = detectBom(head)
  if (opts.encoding !== undefined && opts.encoding.trim() !== '') {
    const enc = normalizeEncoding(opts.encoding)
    if (!enc) {
      throw badInput(
        path,
        undefined,
        `the encoding '${opts.encoding}' is not known`,
        `Use a label such as utf-8, utf-16le, gb18030, big5, shift_jis, euc-kr or windows-1252.`,
        {
          encoding: opts.encoding,
        },
      )
    }
    if (bom && bom.encoding !== enc) {
      throw badInput(
        path,
        1,
        `the file starts with a ${bom.encoding.toUpperCase()} byte-order mark, but the encoding ${enc} was given`,
        'Leave the encoding on automatic detection, or choose ' + bom.encoding + '.',
        {
          encoding: enc,
          bom: bom.encoding,
        },
      )
    }
    return { encoding: enc, confidence: 1, bomLength: bom ? bom.length : 0 }
  }
  if (bom) return { encoding: bom.encoding, confidence: 1, bomLength: bom.length }

  const u16 = utf16WithoutBom(head)
  if (u16) return { encoding: u16, confidence: 0.9, bomLength: 0 }
  if (head.indexOf(0) !== -1) throw binaryFile(path, 'it contains NUL bytes')
  if (isUtf8(utf8Body(head, complete))) return { encoding: 'utf-8', confidence: 1, bomLength: 0 }

  const matches = chardet.analyse(head)
  for (const m of matches) {
    const enc = CHARDET_TO_ICONV[m.name]
    if (!enc || enc === 'utf-8') continue
    try {
      decodeHead(head, { encoding: enc, confidence: 0, bomLength: 0 }, complete)
    } catch (err) {
      if (err instanceof InvalidBytesError) continue
      throw err
    }
    return { encoding: enc, confidence: Math.max(0.01, Math.min(1, m.confidence / 100)), bomLength: 0 }
  }
  // Not UTF-8 and no detector candidate decodes cleanly: show the first bad UTF-8 byte.
  try {
    decodeHead(head, { encoding: 'utf-8', confidence: 0, bomLength: 0 }, complete)
  } catch (err) {
    if (err instanceof InvalidBytesError) {
      const line = 1 + countLineBreaks(err.textBefore)
      throw badInput(path, line, 'the encoding could not be recognized (the file is not UTF-8, and no other encoding fits its bytes)', ENCODING_HINT, {
        byteOffset: err.byteOffset,
      })
    }
    throw err
  }
  return { encoding: 'utf-8', confidence: 0.5, bomLength: 0 }
}

// ------------------------------------------------------------------------------------------ delimiter

/** Pieces the head is parsed in, so that a parse needing only the first records stops early. */
const HEAD_PIECE_BYTES = 8 * 1024

/**
 * Parses the head (UTF-8 bytes of the decoded text) with `delimiter`, up to `limit` records; when the head is not
 * the whole file the record in progress at its end is left out (it may be cut).
 */
function parseHead(
  path: string,
  bytes: Buffer,
  delimiter: string,
  complete: boolean,
  maxFieldBytes: number,
  limit: number,
  maxColumns: number,
): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = []
  const csv = new CsvRecords({
    delimiter,
    maxRecordBytes: maxFieldBytes,
    onRecord: (fields, line) => {
      // Before any per-column structure exists: a 100,000-column header used to cost 2-4 GB further on.
      if (fields.length > maxColumns) throw tooManyColumns(path, line, fields.length, maxColumns)
      if (records.length < limit) records.push({ fields, line })
    },
  })
  try {
    for (let at = 0; at < bytes.length && records.length < limit; at += HEAD_PIECE_BYTES) csv.write(bytes.subarray(at, at + HEAD_PIECE_BYTES))
    if (complete && records.length < limit) csv.end()
  } catch (err) {
    if (err instanceof CsvRecordError) throw csvRecordError(path, err, maxFieldBytes)
    throw err
  }
  return records
}

/** The BAD_INPUT error for a CSV problem found by csv-parse (see csv-records.ts), naming the file and line. */
export function csvRecordError(path: string, err: CsvRecordError, maxFieldBytes: number): EmbedMapError {
  if (err.kind === 'unterminated-quote') {
    return badInput(
      path,
      err.line,
      'a quote (") opens a field here and is never closed',
      'Close the quoted field with a " (a quote inside a quoted field is written as two quotes ""), or remove the stray quote.',
      {
        reason: 'unterminated-quote',
      },
    )
  }
  if (err.kind === 'record-too-large') {
    return badInput(
      path,
      err.line,
      `the record starting here is larger than ${formatBytes(maxFieldBytes)}`,
      'Check the delimiter and the quotes around that line (a missing closing quote makes one huge field), or split the text.',
      {
        reason: 'record-too-large',
        maxFieldBytes,
      },
    )
  }
  return badInput(path, err.line, `the record starting here cannot be read as CSV (${err.message})`, 'Check the quotes and delimiters around that line.', {
    reason: 'malformed-csv',
    csvError: err.code,
  })
}

/**
 * The delimiter whose quote-aware parse gives the most consistent field count: the share of the first 200
 * records (header included) with as many fields as the header, among candidates giving the header more than
 * one field. Ties → more fields, then the order `,` `\t` `;` `|`. No candidate splits the header → `,`.
 */
function chooseDelimiter(path: string, bytes: Buffer, complete: boolean, maxFieldBytes: number, maxColumns: number): string {
  let best = ','
  let bestScore = 0
  let bestCount = 1
  let tooWide: EmbedMapError | undefined
  for (const d of DELIMITERS) {
    let records
    try {
      records = parseHead(path, bytes, d, complete, maxFieldBytes, 200, maxColumns)
    } catch (err) {
      if (err instanceof EmbedMapError && err.details?.reason === 'too-many-columns') tooWide ??= err
      continue
    }
    if (records.length === 0) continue
    const headerCount = records[0].fields.length
    if (headerCount < 2) continue
    let same = 0
    for (const r of records) if (r.fields.length === headerCount) same++
    const score = same / records.length
    if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && headerCount > bestCount)) {
      best = d
      bestScore = score
      bestCount = headerCount
    }
  }
  // Only a delimiter that gives too many columns splits the header: that is the file's delimiter.
  if (bestCount === 1 && tooWide) throw tooWide
  return best
}

// --------------------------------------------------------------------------------------------- header

function quoteName(s: string): string {
  return `'${s}'`
}

/** Refuses empty and duplicate column names, naming the columns (1-based, as a spreadsheet user counts). */
function checkHeaderNames(path: string, names: string[], line: number): void {
  const empty: number[] = []
  names.forEach((n, i) => {
    if (n === '') empty.push(i + 1)
  })
  if (empty.length > 0) {
    const what =
      empty.length === 1 ? `column ${empty[0]} has an empty name` : `columns ${empty.slice(0, -1).join(', ')} and ${empty[empty.length - 1]} have empty names`
    throw badInput(
      path,
      line,
      `${what} in the header row`,
      'Give every column a name in the first line (the header row). If the file has no header, add one.',
      {
        reason: 'empty-column-name',
        columns: empty,
      },
    )
  }
  const seen = new Map<string, number>()
  for (let i = 0; i < names.length; i++) {
    const first = seen.get(names[i])
    if (first !== undefined) {
      throw badInput(
        path,
        line,
        `columns ${first + 1} and ${i + 1} are both named ${quoteName(names[i])}`,
        'Give every column a different name in the header row.',
        {
          reason: 'duplicate-column-name',
          columns: [first + 1, i + 1],
          name: names[i],
        },
      )
    }
    seen.set(names[i], i)
  }
}

const CJK_RE = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/g

function isSentenceLike(s: string): boolean {
  const t = s.trim()
  if (t.length >= 25 && t.split(/\s+/).length >= 4) return true
  const cjk = t.match(CJK_RE)
  return cjk !== null && cjk.length >= 12
}

function isYearLike(s: string): boolean {
  return /^(1[5-9]|20)\d\d$/.test(s.trim())
}

/**
 * Whether the first record is data rather than a header. A column votes "data" when its first cell has the
 * type of the values below it (a number over numbers, a date over dates; a year over numbers does not count:
 * `country,2019,2020` is a header), or when its first cell is a sentence over a column of long texts. A column
 * votes "header" when its first cell is a word over numbers/dates/booleans. Data wins only with at least one
 * data vote and no header vote, so a real header with one word over a numeric column is never refused.
 */
export function headerLooksLikeData(header: readonly string[], rows: readonly string[][]): { data: boolean; columns: number[] } {
  const dataCols: number[] = []
  let headerVotes = 0
  for (let j = 0; j < header.length; j++) {
    const h = header[j].trim()
    if (h === '') continue
    let nonEmpty = 0
    let numeric = 0
    let dates = 0
    let bools = 0
    const lengths: number[] = []
    for (const r of rows) {
      const v = (r[j] ?? '').trim()
      if (v === '') continue
      nonEmpty++
      lengths.push(v.length)
      const m = classifyValue(v)
      if (m & 2) numeric++
      else if (m & 8) dates++
      else if (m & 4) bools++
    }
    if (nonEmpty === 0) continue
    const hm = classifyValue(h)
    const mostly = (k: number) => k >= nonEmpty * 0.8
    if (hm === 0) {
      if (mostly(numeric) || mostly(dates) || mostly(bools)) headerVotes++
      else if (isSentenceLike(h)) {
        lengths.sort((a, b) => a - b)
        const median = lengths[Math.floor((lengths.length - 1) / 2)]
        if (median >= 20 && h.length >= median * 0.3) dataCols.push(j)
      }
      continue
    }
    if (hm & 2) {
      if (mostly(numeric) && !(isYearLike(h) && !rows.every((r) => isYearLike(r[j] ?? '') || (r[j] ?? '').trim() === ''))) dataCols.push(j)
    } else if (hm & 8) {
      if (mostly(dates)) dataCols.push(j)
    } else if (hm & 4) {
      if (mostly(bools)) dataCols.push(j)
    }
  }
  return { data: dataCols.length > 0 && headerVotes === 0, columns: dataCols }
}

// -------------------------------------------------------------------------------------------- analyse

function chooseFormat(path: string, text: string, opts: ImportOptions): SourceFormat {
  if (opts.format) return opts.format
  const ext = extname(path).toLowerCase()
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  const start = text.trimStart()
  if (ext === '.json' && start.startsWith('[')) {
    throw badInput(
      path,
      1,
      'is a JSON array, not JSON Lines',
      'Convert it to JSON Lines (one JSON object per line), e.g. with `jq -c ".[]" file.json > file.jsonl`.',
    )
  }
  if (start.startsWith('{')) {
    if (ext === '.json') return 'jsonl'
    const nl = start.indexOf('\n')
    const first = (nl === -1 ? start : start.slice(0, nl)).trim()
    try {
      const v: unknown = JSON.parse(first)
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return 'jsonl'
    } catch {
      // not JSON: a CSV whose header starts with '{'
    }
  }
  return 'csv'
}

/** `mayLookFurther`: throw NeedMoreHead (instead of settling for less) when the head holds no complete data record. */
function analyse(path: string, size: number, head: Buffer, opts: ImportOptions, mayLookFurther: boolean): SourceSniff {
  const complete = head.length >= size
  const maxFieldBytes = opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES
  const maxColumns = opts.maxColumns ?? DEFAULT_MAX_COLUMNS

  const magic = magicOf(head)
  if (magic && bytesLookBinary(head)) throw binaryFile(path, magic)

  const enc = chooseEncoding(path, head, complete, opts)
  let text: string
  try {
    text = decodeHead(head, enc, complete)
  } catch (err) {
    if (err instanceof InvalidBytesError) {
      const line = 1 + countLineBreaks(err.textBefore)
      throw badInput(
        path,
        line,
        `bytes that are not valid ${enc.encoding}: the file is not in the encoding ${opts.encoding ? 'claimed' : 'detected'} (${enc.encoding})`,
        ENCODING_HINT,
        {
          encoding: enc.encoding,
          reason: 'invalid-bytes',
        },
      )
    }
    throw err
  }
  if (text.trim() === '' && complete) throw emptyFile(path)
  if (!isUtf16(enc.encoding) && head.indexOf(0) !== -1) throw binaryFile(path, 'it contains NUL bytes')
  if (isUtf16(enc.encoding) && text.indexOf('\u0000') !== -1) throw binaryFile(path, 'it contains NUL characters')
  const ctl = controlShare(text)
  if (ctl.count >= 4 && ctl.share > 0.01) throw binaryFile(path, `${ctl.count} control characters in its first ${Math.min(text.length, 65536)} characters`)

  const format = chooseFormat(path, text, opts)
  const base = { path, sizeBytes: size, encoding: enc.encoding, encodingConfidence: enc.confidence, hadBom: enc.bomLength > 0 }
  const result =
    format === 'jsonl'
      ? analyseJsonl(path, text, complete, maxFieldBytes, maxColumns)
      : analyseCsv(path, text, complete, maxFieldBytes, maxColumns, opts, mayLookFurther)
  if (result.rows.length === 0) {
    if (mayLookFurther) throw new NeedMoreHead()
    if (complete) {
      throw badInput(
        path,
        undefined,
        format === 'csv' ? 'has a header row but no data rows' : 'has no JSON objects',
        'Choose a file with at least one data row.',
      )
    }
  }

  const inferrer = new ColumnTypeInferrer(result.columns)
  for (let i = 0; i < result.rows.length && i < SUMMARY_ROWS; i++) inferrer.observe(result.rows[i])
  const columns: ColumnSummary[] = inferrer.summaries()
  const detected = detectJsonVectorColumns(columns, result.rows.slice(0, SUMMARY_ROWS))
  const { vectorColumns, vectorColumn } = chooseVectorColumn(path, columns, detected, opts.vectors, true)
  // JSON arrays of numbers are long text, but never the text to embed.
  const vectorIdx = new Set(vectorColumns.map((v) => v.idx))
  const suggested = suggestTextColumn(
    columns.map((c, i) => (vectorIdx.has(i) ? { ...c, type: 'empty' as const, medianLength: 0 } : c)),
    inferrer.filledShares(),
  )
  const textColumn = opts.textColumn !== undefined ? resolveTextColumn(path, columns, opts.textColumn) : suggested
  const width = result.columns.length
  const sampleRows = result.rows.slice(0, SAMPLE_ROWS).map((r) => (r.length < width ? [...r, ...new Array<string>(width - r.length).fill('')] : r))
  return {
    ...base,
    format,
    ...(format === 'csv' ? { delimiter: result.delimiter } : {}),
    columns,
    suggestedTextColumn: textColumn,
    sampleRows,
    vectorColumns,
    vectorColumn,
    rowCount: null,
  }
}

interface HeadRows {
  columns: string[]
  rows: string[][]
  delimiter?: string
}

function analyseCsv(
  path: string,
  text: string,
  complete: boolean,
  maxFieldBytes: number,
  maxColumns: number,
  opts: ImportOptions,
  mayLookFurther: boolean,
): HeadRows {
  const bytes = Buffer.from(text, 'utf8')
  let delimiter: string
  if (opts.delimiter !== undefined) {
    if (opts.delimiter.length !== 1 || opts.delimiter === '"' || opts.delimiter === '\n' || opts.delimiter === '\r') {
      throw badInput(path, undefined, `the delimiter ${JSON.stringify(opts.delimiter)} cannot be used`, 'Use one character such as , ; | or a tab.')
    }
    delimiter = opts.delimiter
  } else if (extname(path).toLowerCase() === '.tsv' || extname(path).toLowerCase() === '.tab') {
    delimiter = '\t'
  } else {
    delimiter = chooseDelimiter(path, bytes, complete, maxFieldBytes, maxColumns)
  }
  const records = parseHead(path, bytes, delimiter, complete, maxFieldBytes, SUMMARY_ROWS + 1, maxColumns)
  if (records.length === 0) {
    if (complete) throw badInput(path, undefined, 'has no header row', 'The first line must name the columns.')
    if (mayLookFurther) throw new NeedMoreHead()
    throw badInput(
      path,
      1,
      `the first record is longer than ${formatBytes(text.length)}`,
      'Check the quotes in the first lines: a missing closing quote makes one huge field.',
    )
  }
  const header = records[0]
  const names = header.fields.map((f) => f.trim())
  const shaper = new CsvShaper(names, names.length, path, maxColumns)
  const rows: string[][] = []
  for (let i = 1; i < records.length; i++) {
    const shaped = shaper.shape(records[i].fields, records[i].line)
    if (shaped) rows.push(shaped.cells)
  }
  if (opts.headerCheck !== false && rows.length > 0) {
    const verdict = headerLooksLikeData(header.fields, rows.slice(0, 200))
    if (verdict.data) {
      const cols = verdict.columns.map((c) => c + 1)
      throw badInput(
        path,
        undefined,
        `line ${header.line} looks like data, not a header (${cols.length === 1 ? 'column' : 'columns'} ${cols.join(', ')}: '${truncate(header.fields[verdict.columns[0]], 40)}' looks like the values below it); add a header row`,
        'Add a first line that names the columns, e.g. id,text,label. If this line really is the header, pass --no-header-check.',
        { line: header.line, reason: 'no-header', columns: cols },
      )
    }
  }
  // After the data check: a data row used as a header often has repeated or empty cells, and "add a header
  // row" is then the useful message.
  checkHeaderNames(path, names, header.line)
  return { columns: shaper.columns, rows, delimiter }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…'
}

function analyseJsonl(path: string, text: string, complete: boolean, maxFieldBytes: number, maxColumns: number): HeadRows {
  const shaper = new JsonlShaper(path, [], maxColumns)
  const rows: string[][] = []
  const splitter = new LineSplitter(
    maxFieldBytes,
    (line, n) => {
      if (rows.length > SUMMARY_ROWS) return
      const cells = shaper.shape(line, n)
      if (cells) rows.push(cells)
    },
    jsonLineTooLong(path, maxFieldBytes),
  )
  if (complete) {
    splitter.push(text)
    splitter.end()
  } else {
    // Only whole lines: the last one may be cut.
    const nl = text.lastIndexOf('\n')
    if (nl !== -1) splitter.push(text.slice(0, nl + 1))
  }
  return { columns: shaper.columns, rows }
}
