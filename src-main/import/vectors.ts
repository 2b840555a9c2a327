/**
 * Precomputed embeddings in an imported file: finding the column that holds them (a float list in Parquet/Arrow,
 * JSON arrays of numbers in any format), reading one row's vector, checking its length and normalizing it for the
 * cosine metric that the analysis and search use. Pure: no I/O.
 */
import { badInput } from './input-error'
import type { VectorColumn } from './types'

/** Fewer numbers than this in a JSON array is a tag list or a pair of coordinates, not an embedding. */
export const MIN_DETECTED_DIMS = 8
/** Longest vector accepted (the largest public text embeddings have 4,096–8,192 dimensions). */
export const MAX_VECTOR_DIMS = 16_384

/**
 * Text columns whose every non-empty sampled value is a JSON array of at least MIN_DETECTED_DIMS finite numbers,
 * all of the same length. `rows` are the sniffed head rows (cells as text).
 */
export function detectJsonVectorColumns(columns: readonly { name: string }[], rows: readonly string[][]): VectorColumn[] {
  const found: VectorColumn[] = []
  for (let j = 0; j < columns.length; j++) {
    let dims: number | null = null
    let ok = true
    for (const row of rows) {
      const cell = (row[j] ?? '').trim()
      if (cell === '') continue
      const v = cell.startsWith('[') ? parseJsonVector(cell) : null
      if (!v || v.length < MIN_DETECTED_DIMS || (dims !== null && v.length !== dims)) {
        ok = false
        break
      }
      dims = v.length
    }
    if (ok && dims !== null) found.push({ idx: j, name: columns[j].name, element: 'json', dims })
  }
  return found
}

/** A JSON array of finite numbers as float32, or null for anything else. */
export function parseJsonVector(text: string): Float32Array | null {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return null
  }
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_VECTOR_DIMS) return null
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as unknown
    if (typeof x !== 'number' || !Number.isFinite(x)) return null
    out[i] = x
  }
  return out
}

/**
 * The column to take as vectors: `choice` (name or 0-based index) if given — it must be a detected vector column
 * or, in a text format, a column of JSON arrays (checked row by row while importing) — else the first detected.
 */
export function chooseVectorColumn(
  file: string,
  columns: readonly { name: string }[],
  detected: readonly VectorColumn[],
  choice: string | number | false | undefined,
  textFormat: boolean,
): { vectorColumns: VectorColumn[]; vectorColumn: number | null } {
  if (choice === false) return { vectorColumns: [...detected], vectorColumn: null }
  if (choice === undefined) return { vectorColumns: [...detected], vectorColumn: detected[0]?.idx ?? null }
  let idx = typeof choice === 'number' ? choice : columns.findIndex((c) => c.name === choice)
  if (idx === -1 && typeof choice === 'string') idx = columns.findIndex((c) => c.name.toLowerCase() === choice.trim().toLowerCase())
  const list = columns.map((c, i) => `${i}: '${c.name}'`).join(', ')
  if (!(idx >= 0 && idx < columns.length))
    throw badInput(
      file,
      undefined,
      `there is no column ${JSON.stringify(choice)} to take vectors from (columns: ${list})`,
      'Name the vector column as listed.',
      {
        columns: columns.map((c) => c.name),
      },
    )
  const hit = detected.find((d) => d.idx === idx)
  if (hit) return { vectorColumns: [...detected], vectorColumn: idx }
  if (!textFormat) {
    throw badInput(
      file,
      undefined,
      `column '${columns[idx].name}' is not a list of floats, so it cannot hold vectors${detected.length ? ` (vector columns: ${detected.map((d) => d.name).join(', ')})` : ''}`,
      'Name a list<float> / fixed_size_list<float> column (float16, float32 or float64).',
      { column: columns[idx].name },
    )
  }
  // A text column named by the user: its JSON arrays are checked row by row during the import.
  return { vectorColumns: [...detected, { idx, name: columns[idx].name, element: 'json', dims: null }], vectorColumn: idx }
}

/**
 * Checks one row's vector and normalizes it to unit length in place (the analysis and search use cosine as an inner
 * product). A vector already of unit length within float32 rounding is left byte-for-byte as it is, so an exported
 * set imports back unchanged. `where` names the row in errors ("row 12" or "line 13").
 */
export function checkVector(file: string, column: string, v: Float32Array | null, dims: number, where: { line: number; label: string }): Float32Array {
  const at = `${where.label} ${where.line}`
  if (v === null)
    throw badInput(
      file,
      undefined,
      `${at}: column '${column}' holds no vector (empty, or not a list of numbers)`,
      'Every row needs a vector: fill or drop the rows without one, or import without vectors (--no-vectors) and embed the text instead.',
      { column, row: where.line, reason: 'missing-vector' },
    )
  if (v.length !== dims)
    throw badInput(
      file,
      undefined,
      `${at}: the vector in column '${column}' has ${v.length} dimensions, the rows before it ${dims}`,
      'All vectors of a file must come from the same model with the same dimensions: fix or drop that row.',
      { column, row: where.line, dims: v.length, expected: dims, reason: 'dims-mismatch' },
    )
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i] * v[i]
  if (!Number.isFinite(s))
    throw badInput(file, undefined, `${at}: the vector in column '${column}' holds NaN or infinite values`, 'Fix or drop that row.', {
      column,
      row: where.line,
      reason: 'non-finite-vector',
    })
  if (s === 0)
    throw badInput(file, undefined, `${at}: the vector in column '${column}' is all zeros (it has no direction to compare)`, 'Fix or drop that row.', {
      column,
      row: where.line,
      reason: 'zero-vector',
    })
  if (Math.abs(s - 1) > 1e-6) {
    const norm = Math.sqrt(s)
    for (let i = 0; i < v.length; i++) v[i] /= norm
  }
  return v
}
