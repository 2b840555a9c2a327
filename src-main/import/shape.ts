/**
 * Turning parsed fields into rows of known columns, shared by the sniffer (sample rows) and the reader (all
 * rows): CSV records are padded/extended and reported when ragged; JSON Lines objects are mapped onto a
 * growing list of keys.
 */
import type { RaggedReport } from './types'
import type { EmbedMapError } from '../errors'
import { badInput, formatBytes } from './input-error'
import { jsonDepthOver, MAX_JSON_DEPTH } from './json-depth'

export const RAGGED_EXAMPLES = 20

export interface ShapedRow {
  cells: string[]
  ragged?: { expected: number; got: number }
}

export class CsvShaper {
  readonly columns: string[]
  readonly expected: number
  readonly ragged: RaggedReport = { count: 0, examples: [] }
  private readonly names: Set<string>

  /**
   * `columns`: the trimmed header names, possibly followed by extra_N names already known. A ragged record wider
   * than `maxColumns` is refused (naming `file` and its line) rather than growing every row by its width.
   */
  constructor(
    columns: readonly string[],
    expected: number,
    private readonly file = '',
    private readonly maxColumns = Infinity,
  ) {
    this.columns = [...columns]
    this.expected = expected
    this.names = new Set(columns)
  }

  /** Shapes one record in place (pads or extends `fields`); null for a line holding only blank space. */
  shape(fields: string[], line: number): ShapedRow | null {
    const got = fields.length
    if (got === 1 && fields[0].length < 64 && fields[0].trim() === '') return null
    if (got === this.expected) {
      if (got < this.columns.length) for (let k = got; k < this.columns.length; k++) fields.push('')
      return { cells: fields }
    }
    const ragged = { expected: this.expected, got }
    this.ragged.count++
    if (this.ragged.examples.length < RAGGED_EXAMPLES) this.ragged.examples.push({ line, expected: this.expected, got })
    if (got > this.maxColumns) throw tooManyColumns(this.file, line, got, this.maxColumns)
    if (got > this.columns.length) this.addExtras(got)
    for (let k = got; k < this.columns.length; k++) fields.push('')
    return { cells: fields, ragged }
  }

  private addExtras(count: number): void {
    for (let k = this.columns.length; k < count; k++) {
      let name = `extra_${k - this.expected + 1}`
      while (this.names.has(name)) name += '_'
      this.names.add(name)
      this.columns.push(name)
    }
  }
}

/** Splits decoded text into lines (LF or CRLF), bounded: a line longer than maxChars is refused. */
export class LineSplitter {
  /** 1-based number of the next line to be emitted. */
  line = 1
  private partial = ''

  constructor(
    private readonly maxChars: number,
    private readonly onLine: (text: string, line: number) => void,
    private readonly onTooLong: (line: number) => never,
  ) {}

  push(s: string): void {
    let start = 0
    for (;;) {
      const nl = s.indexOf('\n', start)
      if (nl === -1) break
      let text = s.slice(start, nl)
      if (start === 0 && this.partial.length > 0) {
        text = this.partial + text
        this.partial = ''
      }
      if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1)
      if (text.length > this.maxChars) this.onTooLong(this.line)
      this.onLine(text, this.line++)
      start = nl + 1
    }
    if (start < s.length) {
      this.partial = start === 0 ? this.partial + s : s.slice(start)
      if (this.partial.length > this.maxChars) this.onTooLong(this.line)
    }
  }

  end(): void {
    if (this.partial.length > 0) {
      let text = this.partial
      this.partial = ''
      if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1)
      this.onLine(text, this.line++)
    }
  }
}

export function tooManyColumns(file: string, line: number, count: number, maxColumns: number, what = 'columns'): EmbedMapError {
  const more = what === 'keys' ? 'brings the file to more columns than' : 'has more columns than'
  return badInput(
    file,
    line,
    `this record ${more} the limit of ${maxColumns.toLocaleString('en-US')} (it has ${count.toLocaleString('en-US')} ${what})`,
    'Check the delimiter (pass --delimiter), keep only the columns you need, or raise the limit with --max-columns.',
    { reason: 'too-many-columns', columns: count, maxColumns },
  )
}

export function jsonLineTooLong(file: string, maxBytes: number): (line: number) => never {
  return (line) => {
    throw badInput(file, line, `the line is longer than ${formatBytes(maxBytes)}`, 'Shorten that record, or raise the field size limit.', {
      maxFieldBytes: maxBytes,
    })
  }
}

/** A value of a JSON Lines object as cell text: strings as they are, numbers/booleans as text, null → '', objects/arrays as JSON. */
export function jsonCell(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v)
    case 'object':
      return v === null ? '' : JSON.stringify(v)
    default:
      return ''
  }
}

function describeJson(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return 'a string'
  if (typeof v === 'number') return 'a number'
  if (typeof v === 'boolean') return 'a boolean'
  return typeof v
}

function hasNestedValue(obj: Record<string, unknown>): boolean {
  for (const key in obj) if (typeof obj[key] === 'object' && obj[key] !== null) return true
  return false
}

export class JsonlShaper {
  readonly columns: string[]
  private readonly index = new Map<string, number>()

  constructor(
    private readonly file: string,
    columns: readonly string[] = [],
    private readonly maxColumns = Infinity,
  ) {
    this.columns = [...columns]
    columns.forEach((c, i) => this.index.set(c, i))
  }

  /** Cells of one line in column order (new keys become new columns); null for a blank line. */
  shape(text: string, line: number): string[] | null {
    let v: unknown
    try {
      v = JSON.parse(text)
    } catch (err) {
      if (text.trim() === '') return null
      const why = err instanceof Error ? err.message : String(err)
      throw badInput(
        this.file,
        line,
        `this line is not valid JSON (${why})`,
        'Each line of a JSON Lines file must be one complete JSON object; fix or remove that line.',
      )
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw badInput(
        this.file,
        line,
        `this line is ${describeJson(v)}, not a JSON object`,
        'Each line of a JSON Lines file must be one JSON object like {"text": "…"}.',
      )
    }
    const obj = v as Record<string, unknown>
    // Only a line with a nested value needs the depth scan; flat objects, the common case, cost nothing more.
    if (hasNestedValue(obj) && jsonDepthOver(text, MAX_JSON_DEPTH)) {
      throw badInput(
        this.file,
        line,
        `this line nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep`,
        'Flatten that record (nested values are stored as JSON text), or remove the line.',
        {
          reason: 'too-deep',
          maxDepth: MAX_JSON_DEPTH,
        },
      )
    }
    const cells: string[] = new Array<string>(this.columns.length).fill('')
    for (const key in obj) {
      let i = this.index.get(key)
      if (i === undefined) {
        if (key.trim() === '') {
          throw badInput(this.file, line, 'this line has a key with an empty name', 'Give every key of the objects a name.')
        }
        i = this.columns.length
        if (i >= this.maxColumns) throw tooManyColumns(this.file, line, Object.keys(obj).length, this.maxColumns, 'keys')
        this.columns.push(key)
        this.index.set(key, i)
        cells.push('')
      }
      cells[i] = jsonCell(obj[key])
    }
    return cells
  }
}
