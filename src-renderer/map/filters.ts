import { CATEGORY_MISSING, type ColumnFilter } from '../../src-main/contract'
import type { ColumnValues } from './decode'

/**
 * Metadata filters that dim, and the cross-filtered histograms beside them. Pure and typed-array only, so a
 * million rows cost a few linear passes: one pass mask per filter, a per-row count of failed filters, and from
 * that both "matches every filter" (the dimming) and "matches every filter except this one" (its histogram).
 */

/** Keys for the two categorical buckets that are not a value. */
export const OTHER_KEY = '\u0001other'
export const MISSING_KEY = '\u0001missing'

/** Whether the filter restricts anything yet (a new filter starts open: nothing picked, no bounds). */
export function isActive(filter: ColumnFilter): boolean {
  return filter.type === 'categorical' ? filter.include.length > 0 : filter.min !== null || filter.max !== null
}

/** 1 where the row passes the filter. */
export function passMask(filter: ColumnFilter, col: ColumnValues): Uint8Array {
  const n = col.header.n
  const out = new Uint8Array(n)
  if (filter.type === 'numeric') {
    if (!('values' in col)) throw new Error(`Column ${filter.column} is not numeric.`)
    const min = filter.min ?? -Infinity
    const max = filter.max ?? Infinity
    const v = col.values
    for (let i = 0; i < n; i++) out[i] = v[i] >= min && v[i] <= max ? 1 : 0 // NaN fails both comparisons
    return out
  }
  if (!('codes' in col)) throw new Error(`Column ${filter.column} is not categorical.`)
  const keep = new Uint8Array(65536)
  const k = col.header.categories.length
  const byName = new Map(col.header.categories.map((c, i) => [c, i]))
  for (const name of filter.include) {
    if (name === OTHER_KEY) keep[k] = 1
    else if (name === MISSING_KEY) keep[CATEGORY_MISSING] = 1
    else {
      const code = byName.get(name)
      if (code !== undefined) keep[code] = 1
    }
  }
  const codes = col.codes
  for (let i = 0; i < n; i++) out[i] = keep[codes[i]]
  return out
}

/** How many of the filters each row fails (saturating at 255). */
export function failCounts(masks: readonly Uint8Array[], n: number): Uint8Array {
  const fails = new Uint8Array(n)
  for (const m of masks) for (let i = 0; i < n; i++) if (m[i] === 0 && fails[i] < 255) fails[i]++
  return fails
}

/** 1 where the row passes every filter (null when there are no filters: nothing is dimmed). */
export function matchMask(fails: Uint8Array | null): Uint8Array | null {
  if (!fails) return null
  const out = new Uint8Array(fails.length)
  for (let i = 0; i < fails.length; i++) out[i] = fails[i] === 0 ? 1 : 0
  return out
}

export function countMatches(match: Uint8Array | null, n: number): number {
  if (!match) return n
  let c = 0
  for (let i = 0; i < match.length; i++) c += match[i]
  return c
}

export interface HistogramBin {
  label: string
  /** Categorical: the key to put in `include`; numeric: the bin's range. */
  key?: string
  lo?: number
  hi?: number
}

export interface Histogram {
  bins: HistogramBin[]
  /** Rows in each bin that pass every OTHER filter (what this filter would keep if it changed). */
  counts: Uint32Array
  /** All rows in each bin, unfiltered (drawn faintly behind). */
  totals: Uint32Array
}

export const NUMERIC_BINS = 30

/**
 * The histogram of one column, cross-filtered: a row counts when it fails no filter other than `own` (the pass mask
 * of this column's filter, or null when the column is not filtered).
 */
export function crossFilterHistogram(col: ColumnValues, fails: Uint8Array | null, own: Uint8Array | null, top = 12, numericBins = NUMERIC_BINS): Histogram {
  const n = col.header.n
  const passesOthers = (i: number) => !fails || fails[i] === 0 || (fails[i] === 1 && own !== null && own[i] === 0)
  if ('codes' in col) {
    const { categories } = col.header
    const shown = Math.min(top, categories.length)
    // Bins: the `shown` most frequent values, then everything rarer, then missing.
    const bins: HistogramBin[] = categories.slice(0, shown).map((c) => ({ label: c, key: c }))
    bins.push({ label: 'other', key: OTHER_KEY }, { label: 'missing', key: MISSING_KEY })
    const binOf = new Uint16Array(65536).fill(shown)
    for (let c = 0; c < shown; c++) binOf[c] = c
    binOf[CATEGORY_MISSING] = shown + 1
    const counts = new Uint32Array(bins.length)
    const totals = new Uint32Array(bins.length)
    for (let i = 0; i < n; i++) {
      const b = binOf[col.codes[i]]
      totals[b]++
      if (passesOthers(i)) counts[b]++
    }
    return { bins, counts, totals }
  }
  const { min, max } = col.header
  const lo = min ?? 0
  const hi = max ?? 0
  const k = lo === hi ? 1 : numericBins
  const width = (hi - lo) / k
  const bins: HistogramBin[] = Array.from({ length: k }, (_, b) => ({
    label: `${lo + b * width}`,
    lo: lo + b * width,
    hi: b === k - 1 ? hi : lo + (b + 1) * width,
  }))
  const counts = new Uint32Array(k)
  const totals = new Uint32Array(k)
  const v = col.values
  for (let i = 0; i < n; i++) {
    const x = v[i]
    if (x !== x) continue
    const b = width > 0 ? Math.min(k - 1, Math.floor((x - lo) / width)) : 0
    totals[b]++
    if (passesOthers(i)) counts[b]++
  }
  return { bins, counts, totals }
}

/**
 * Point colours with the non-matching rows dimmed (greyed, nearly transparent) rather than hidden: the shape of the
 * whole map stays visible. Returns the base colours untouched when nothing is filtered.
 */
export function dimColors(base: Uint8Array, match: Uint8Array | null, dim: readonly [number, number, number, number]): Uint8Array {
  if (!match) return base
  const out = new Uint8Array(base)
  for (let i = 0; i < match.length; i++) {
    if (match[i]) continue
    out[i * 4] = dim[0]
    out[i * 4 + 1] = dim[1]
    out[i * 4 + 2] = dim[2]
    out[i * 4 + 3] = dim[3]
  }
  return out
}
