/** Value helpers shared by the three writers: float formatting, the CSV formula guard, typed parsing. */
import { valueType } from '../import/column-types'
import type { ColumnType } from '../import/types'

/**
 * Shortest decimal text that reads back as the same float32 (`0.1f` → "0.1", not "0.10000000149011612");
 * '' for NaN. Infinity prints as "Infinity". At most 9 significant digits are ever needed for a float32.
 */
export function f32Text(v: number): string {
  if (v !== v) return ''
  if (v === 0 || !Number.isFinite(v)) return String(v === 0 ? 0 : v)
  // Half of all float32 values need 8 significant digits, a third 9, few fewer: try 8 first, then 9 or fewer.
  // (Fewer digits round-trip only if more do, so the first failure going down marks the shortest.)
  const d8 = Number(v.toPrecision(8))
  if (Math.fround(d8) !== v) return String(Number(v.toPrecision(9)))
  let best = d8
  for (let p = 7; p >= 1; p--) {
    const d = Number(v.toPrecision(p))
    if (Math.fround(d) !== v) break
    best = d
  }
  return String(best)
}

/** The float32 as a JSON value: the shortest number that reads back as it, null for NaN/±Infinity. */
export function f32Json(v: number): number | null {
  if (!Number.isFinite(v)) return null
  return Number(f32Text(v))
}

/**
 * CSV formula-injection guard (OWASP "CSV Injection"): a spreadsheet app runs a cell that starts with `=`, `+`,
 * `-` or `@` as a formula (e.g. `=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and tab / carriage return can hide
 * such a start from a quick look, so a cell starting with any of these six characters gets a leading `'`,
 * which spreadsheets take as "this is text" (Excel hides it; other tools show it).
 *
 * Exception: a real number in a numeric column stays as it is, so `-3.5` in a column the importer typed
 * `integer` or `number` is exported as `-3.5`. "A real number" means the cell is, exactly as written (no
 * surrounding blanks), a value the importer itself classifies as an integer or a decimal (`-3`, `+1.5`,
 * `-2e-3`). A number-like cell in a text column (`-3` among words) is guarded, since nothing vouches for the
 * column; so is anything in a numeric column that is not a number (which the importer would not have typed
 * numeric in the first place). Header cells are guarded as text.
 */
export function guardFormula(value: string, numericColumn: boolean): string {
  if (value.length === 0) return value
  const c = value.charCodeAt(0)
  // = + - @ tab CR
  if (c !== 61 && c !== 43 && c !== 45 && c !== 64 && c !== 9 && c !== 13) return value
  if (numericColumn && isPlainNumber(value)) return value
  return "'" + value
}

function isPlainNumber(v: string): boolean {
  const t = valueType(v)
  return (t === 'integer' || t === 'number') && v.trim() === v
}

export function isNumericType(t: ColumnType): boolean {
  return t === 'integer' || t === 'number'
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Sentinel for "non-empty but not of the column's type" (counted by the caller, written as null). */
export const UNPARSABLE = Symbol('unparsable')

/**
 * A cell as a Parquet value of its column's type. Blank cells are null in typed columns; a non-blank value that
 * does not fit the type gives UNPARSABLE. Parsing follows the importer's classification (values are trimmed):
 * integer → bigint within INT64, number → float64 (integers and decimals, `1e5` included), boolean →
 * `true`/`false` in any case. date/text/empty columns are strings (see parquet.ts).
 */
export function parseInteger(raw: string): bigint | null | typeof UNPARSABLE {
  const v = raw.trim()
  if (v.length === 0) return null
  if (valueType(v) !== 'integer') return UNPARSABLE
  const n = BigInt(v)
  return n < INT64_MIN || n > INT64_MAX ? UNPARSABLE : n
}

export function parseNumber(raw: string): number | null | typeof UNPARSABLE {
  const v = raw.trim()
  if (v.length === 0) return null
  const t = valueType(v)
  return t === 'integer' || t === 'number' ? Number(v) : UNPARSABLE
}

export function parseBoolean(raw: string): boolean | null | typeof UNPARSABLE {
  const v = raw.trim()
  if (v.length === 0) return null
  if (valueType(v) !== 'boolean') return UNPARSABLE
  return v.toLowerCase() === 'true'
}

/** `base`, or `base_2`, `base_3`, … : the first not in `used` (which it is then added to). */
export function uniqueName(base: string, used: Set<string>): string {
  let name = base
  for (let k = 2; used.has(name); k++) name = `${base}_${k}`
  used.add(name)
  return name
}
