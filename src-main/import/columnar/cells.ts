/** Raw values of a columnar file as the import stores them: cells as text (like CSV), float lists as float32. */

const MIDNIGHT_MS = 24 * 3600 * 1000
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A value as its cell text: '' for null, integers and bigints in full, dates as ISO text (a DATE without time). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  switch (typeof v) {
    case 'string':
      return v
    case 'number':
    case 'bigint':
      return String(v)
    case 'boolean':
      return v ? 'true' : 'false'
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return ''
    const iso = v.toISOString()
    return v.getTime() % MIDNIGHT_MS === 0 ? iso.slice(0, 10) : iso
  }
  if (v instanceof Uint8Array) {
    try {
      return utf8.decode(v)
    } catch {
      return Buffer.from(v).toString('base64')
    }
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v as ArrayLike<number>, (x) => (typeof x === 'bigint' ? Number(x) : x)))
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))
}

/** A float list as float32 (float16/float64 are widened/rounded here), or null for a null or a list with null/NaN items. */
export function floatList(v: unknown): Float32Array | null {
  if (v === null || v === undefined) return null
  // A page-decoded Parquet row (or an Arrow slice) is float32 already: copied whole, as the caller may normalize it in place.
  if (v instanceof Float32Array) return v.slice()
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) return null
  const src = v as ArrayLike<number | null>
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) {
    const x = src[i]
    if (typeof x !== 'number') return null
    out[i] = x
  }
  return out
}

/** A short stand-in for a vector in the preview table: "[0.0839, -0.2876, 0.2361, … 384 values]". */
export function vectorPreview(v: Float32Array | null): string {
  if (!v) return ''
  const head = Array.from(v.subarray(0, 3), (x) => x.toFixed(4)).join(', ')
  return v.length > 3 ? `[${head}, … ${v.length} values]` : `[${head}]`
}
