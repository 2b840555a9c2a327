import type { ColumnSummary, ColumnType } from './types'

/** Bit set of the types a value (or every value of a column) fits. `text` is the empty set. */
const INT = 1
const NUM = 2
const BOOL = 4
const DATE = 8
const ALL = INT | NUM | BOOL | DATE

const INT_RE = /^[+-]?\d+$/
const NUM_DOT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
// ISO-like: 2024-03-05, 2024/3/5, 2024-03-05T10:20, 2024-03-05 10:20:30.123Z, 2024-03-05T10:20:30+02:00
const DATE_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** Types a single non-empty, trimmed value fits (a bit set). Cheap: looks at the first character first. */
export function classifyValue(v: string): number {
  const c = v.charCodeAt(0)
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    // digit + - .
    if (INT_RE.test(v)) return INT | NUM
    if (NUM_DOT_RE.test(v)) return NUM
    if (v.length >= 8 && v.length <= 35 && c >= 48 && c <= 57) {
      const m = DATE_RE.exec(v)
      if (m) {
        const mo = +m[2]
        const d = +m[3]
        if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) return DATE
      }
    }
    return 0
  }
  // t T f F
  if (c === 116 || c === 84 || c === 102 || c === 70) {
    const l = v.length
    if ((l === 4 || l === 5) && /^(?:true|false)$/i.test(v)) return BOOL
  }
  return 0
}

/** The type of a set of values, from the bits they all fit. */
export function typeFromMask(mask: number, seen: boolean): ColumnType {
  if (!seen) return 'empty'
  if (mask & INT) return 'integer'
  if (mask & NUM) return 'number'
  if (mask & BOOL) return 'boolean'
  if (mask & DATE) return 'date'
  return 'text'
}

/** Type of one value ('' → 'empty'). */
export function valueType(v: string): ColumnType {
  const t = trimIfNeeded(v)
  return typeFromMask(t.length === 0 ? ALL : classifyValue(t), t.length > 0)
}

function trimIfNeeded(v: string): string {
  const n = v.length
  if (n === 0) return v
  const a = v.charCodeAt(0)
  const b = v.charCodeAt(n - 1)
  return a <= 32 || b <= 32 || a === 0xa0 || b === 0xa0 || a === 0x3000 || b === 0x3000 ? v.trim() : v
}

/**
 * Lengths histogram for the median: exact below 1024 characters, 16-wide buckets up to 65,536, then one
 * bucket per 4,096 up to 16 Mi. Constant memory (~24 KB per column), exact medians for short text.
 */
class LengthHistogram {
  private readonly small = new Uint32Array(1024)
  private readonly mid = new Uint32Array((65536 - 1024) / 16)
  private readonly large = new Map<number, number>()
  count = 0

  add(len: number): void {
    this.count++
    if (len < 1024) this.small[len]++
    else if (len < 65536) this.mid[(len - 1024) >> 4]++
    else {
      const k = len >> 12
      this.large.set(k, (this.large.get(k) ?? 0) + 1)
    }
  }

  /** Median (lower median for an even count), rounded to the bucket's middle above 1024 characters. */
  median(): number {
    if (this.count === 0) return 0
    const target = Math.floor((this.count - 1) / 2) // 0-based rank of the lower median
    let acc = 0
    for (let i = 0; i < 1024; i++) {
      acc += this.small[i]
      if (acc > target) return i
    }
    for (let i = 0; i < this.mid.length; i++) {
      acc += this.mid[i]
      if (acc > target) return 1024 + i * 16 + 8
    }
    for (const k of [...this.large.keys()].sort((x, y) => x - y)) {
      acc += this.large.get(k) ?? 0
      if (acc > target) return k * 4096 + 2048
    }
    return 0
  }
}

interface ColumnState {
  mask: number
  seen: boolean
  lengths: LengthHistogram
}

/**
 * Observes every record's cells and infers each column's type over ALL non-empty values ('empty' when a
 * column never has one; `text` as soon as one value fits nothing narrower) and the median length of its
 * non-empty values. Cost per cell: a trim check, and a regex test only while the column is not yet text.
 */
export class ColumnTypeInferrer {
  private names: string[] = []
  private cols: ColumnState[] = []
  /** Non-empty values seen, all columns together. */
  values = 0
  /** Records observed. */
  records = 0

  constructor(columns: readonly string[] = []) {
    this.setColumns(columns)
  }

  /** Columns may grow (extra_N from long records, new JSONL keys); existing ones keep their state. */
  setColumns(columns: readonly string[]): void {
    this.names = [...columns]
    while (this.cols.length < columns.length) this.cols.push({ mask: ALL, seen: false, lengths: new LengthHistogram() })
  }

  observe(cells: readonly string[]): void {
    this.records++
    if (cells.length > this.cols.length) {
      // Normally the caller names new columns with setColumns(); this is only a fallback.
      for (let k = this.names.length; k < cells.length; k++) this.names.push(`column_${k + 1}`)
      this.setColumns(this.names)
    }
    for (let i = 0; i < cells.length; i++) {
      const raw = cells[i]
      if (raw.length === 0) continue
      const v = trimIfNeeded(raw)
      if (v.length === 0) continue
      const col = this.cols[i]
      col.seen = true
      col.lengths.add(v.length)
      if (col.mask !== 0) col.mask &= classifyValue(v)
    }
  }

  observeAll(records: Iterable<{ cells: readonly string[] }>): void {
    for (const r of records) this.observe(r.cells)
  }

  /** Summaries under the given names (e.g. RecordReader.columns after reading: it may have grown). */
  result(columns: readonly string[]): ColumnSummary[] {
    this.setColumns(columns)
    return this.summaries()
  }

  /** For each column, the share of observed records where it holds a value (0–1). */
  filledShares(): number[] {
    return this.cols.slice(0, this.names.length).map((c) => (this.records === 0 ? 0 : c.lengths.count / this.records))
  }

  summaries(): ColumnSummary[] {
    return this.names.map((name, i) => {
      const c = this.cols[i]
      return { name, type: typeFromMask(c.mask, c.seen), medianLength: c.lengths.median() }
    })
  }
}

/** A column filled in fewer of the sampled records than this is not suggested (while another one qualifies). */
export const MIN_FILLED_SHARE = 0.5

/**
 * The column to embed by default: the text column with the longest median length (ties → leftmost);
 * with no text column, the column with the longest median length of any type. With `filledShares`, only columns
 * holding a value in at least half of the sampled records count: on a ragged file the `extra_1` column that a few
 * long rows spill into has long values but is empty almost everywhere.
 */
export function suggestTextColumn(columns: readonly ColumnSummary[], filledShares?: readonly number[]): number {
  if (filledShares) {
    let best = -1
    for (let i = 0; i < columns.length; i++) {
      if (columns[i].type !== 'text' || (filledShares[i] ?? 0) < MIN_FILLED_SHARE) continue
      if (best === -1 || columns[i].medianLength > columns[best].medianLength) best = i
    }
    if (best !== -1) return best
  }
  let best = -1
  for (let i = 0; i < columns.length; i++) {
    if (columns[i].type !== 'text') continue
    if (best === -1 || columns[i].medianLength > columns[best].medianLength) best = i
  }
  if (best !== -1) return best
  best = 0
  for (let i = 1; i < columns.length; i++) if (columns[i].medianLength > columns[best].medianLength) best = i
  return best
}
