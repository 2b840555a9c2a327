import { encodeFrame } from '../contract/binary-frame'
import { CATEGORY_MISSING, LANGUAGE_COLUMN, type ColumnValuesHeader, type Dataset } from '../contract'
import { EmbedMapError } from '../errors'
import type { Db } from '../store/connection'
import { rowLanguageNames } from './detect-language'

/** Categories beyond this many (by frequency) share one "other" code, so codes fit a Uint16 and legends stay sane. */
export const MAX_CATEGORIES = 4096
/** Frames kept in memory: switching colour or filter columns back and forth should not re-read a million rows. */
const CACHE_SIZE = 6
const DAY_MS = 86_400_000

/**
 * One metadata column's values for every row, as a binary frame (see ColumnValuesHeaderSchema): numbers and dates
 * as Float32 (NaN = missing), everything else as dictionary codes. The cells are JSON arrays in SQLite, so
 * json_extract picks the one value per row without parsing the rest in JS.
 */
export class ColumnService {
  private readonly cache = new Map<string, Uint8Array<ArrayBuffer>>()

  constructor(
    private readonly db: Db,
    private readonly getDataset: (id: number) => Dataset,
  ) {}

  column(datasetId: number, column: number): Uint8Array<ArrayBuffer> {
    const dataset = this.getDataset(datasetId)
    if (column === LANGUAGE_COLUMN) return this.cached(`${datasetId}:${dataset.createdAt}:${dataset.rowCount}:language`, () => this.languages(dataset))
    const col = dataset.columns.find((c) => c.idx === column)
    if (!col) throw new EmbedMapError('NOT_FOUND', `Dataset ${datasetId} has no column ${column}.`, `Its columns are 0–${dataset.columns.length - 1}.`)
    return this.cached(`${datasetId}:${dataset.createdAt}:${dataset.rowCount}:${column}`, () => {
      const numeric = col.type === 'integer' || col.type === 'number' || col.type === 'date'
      const n = dataset.rowCount
      const stmt = this.db.prepare(`SELECT idx, json_extract(cells, ?) FROM rows WHERE dataset_id = ? ORDER BY idx`).raw()
      // The JSON path is built here, not in SQL: better-sqlite3 binds JS numbers as REAL, and '$[2.0]' is a bad path.
      const cellPath = `$[${column}]`
      return numeric
        ? numericFrame(col.name, column, n, col.type === 'date', stmt.iterate(cellPath, datasetId) as Iterable<[number, unknown]>)
        : categoricalFrame(col.name, column, n, stmt.iterate(cellPath, datasetId) as Iterable<[number, unknown]>)
    })
  }

  /**
   * The language of every row's text, detected once per dataset and kept with the other frames (a re-import is a new
   * dataset, so the key never goes stale). The text is already its own SQL column: no JSON to pick apart.
   */
  private languages(dataset: Dataset): Uint8Array<ArrayBuffer> {
    const rows = this.db.prepare(`SELECT idx, text FROM rows WHERE dataset_id = ? ORDER BY idx`).raw().iterate(dataset.id) as Iterable<[number, string]>
    return categoricalFrame('Language', LANGUAGE_COLUMN, dataset.rowCount, rowLanguageNames(rows))
  }

  private cached(key: string, build: () => Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
    const hit = this.cache.get(key)
    if (hit) {
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit
    }
    const frame = build()
    this.cache.set(key, frame)
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!)
    return frame
  }
}

function numericFrame(name: string, column: number, n: number, isDate: boolean, rows: Iterable<[number, unknown]>): Uint8Array<ArrayBuffer> {
  const values = new Float32Array(n).fill(NaN)
  let min = Infinity
  let max = -Infinity
  let missing = n
  for (const [idx, raw] of rows) {
    if (idx < 0 || idx >= n || raw === null || raw === undefined) continue
    const s = String(raw).trim()
    if (s === '') continue
    const v = isDate ? Date.parse(s) / DAY_MS : Number(s)
    if (!Number.isFinite(v)) continue
    values[idx] = v
    missing--
    if (v < min) min = v
    if (v > max) max = v
  }
  const header: Omit<Extract<ColumnValuesHeader, { type: 'numeric' }>, 'kind'> = {
    type: 'numeric',
    column,
    name,
    n,
    unit: isDate ? 'date' : 'number',
    min: missing < n ? min : null,
    max: missing < n ? max : null,
    missing,
  }
  return encodeFrame('column', header, { values })
}

export function categoricalFrame(name: string, column: number, n: number, rows: Iterable<[number, unknown]>): Uint8Array<ArrayBuffer> {
  // First pass: provisional codes in order of first appearance, with counts.
  const provisional = new Uint32Array(n).fill(0xffffffff)
  const ids = new Map<string, number>()
  const counts: number[] = []
  for (const [idx, raw] of rows) {
    if (idx < 0 || idx >= n || raw === null || raw === undefined) continue
    const s = String(raw)
    if (s.trim() === '') continue
    let id = ids.get(s)
    if (id === undefined) {
      id = counts.length
      ids.set(s, id)
      counts.push(0)
    }
    counts[id]++
    provisional[idx] = id
  }
  // Final codes: most frequent first (ties by value, so the order is stable), the rest share "other".
  const names = [...ids.keys()]
  const order = names.map((_, i) => i).sort((a, b) => counts[b] - counts[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0))
  const kept = order.slice(0, MAX_CATEGORIES)
  const remap = new Uint16Array(names.length).fill(kept.length)
  kept.forEach((id, code) => (remap[id] = code))
  const codes = new Uint16Array(n)
  let missing = 0
  for (let i = 0; i < n; i++) {
    const p = provisional[i]
    if (p === 0xffffffff) {
      codes[i] = CATEGORY_MISSING
      missing++
    } else codes[i] = remap[p]
  }
  const otherCount = order.slice(MAX_CATEGORIES).reduce((sum, id) => sum + counts[id], 0)
  const header: Omit<Extract<ColumnValuesHeader, { type: 'categorical' }>, 'kind'> = {
    type: 'categorical',
    column,
    name,
    n,
    categories: kept.map((id) => names[id]),
    counts: kept.map((id) => counts[id]),
    otherCount,
    missing,
  }
  return encodeFrame('column', header, { codes })
}
