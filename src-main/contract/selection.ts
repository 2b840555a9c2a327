/**
 * A row selection that travels compactly: sorted, non-overlapping [start, endExclusive) ranges, or a bitmap
 * (bit i of the base64 bytes, least significant bit first, set when row i is selected). A lasso over a big map picks
 * rows scattered through the file, which no range list keeps small; a bitmap stays at n/6 characters whatever the
 * shape. Pure functions only: the renderer imports this.
 */

/** Keeps an export.start body far below the 1 MB cap on every API call (a range costs up to ~20 characters). */
export const MAX_SELECTION_RANGES = 40_000
/** Explicit row numbers are for small hand-made selections (the CLI, scripts). */
export const MAX_SELECTION_ROWS = 10_000
/** 900,000 base64 characters = 5.4 million rows; bigger datasets use ranges. */
export const MAX_SELECTION_BITMAP_CHARS = 900_000

export type RowRange = [number, number]

/** Sorted, merged ranges covering exactly the given rows (any order, repeats allowed). */
export function rowsToRanges(rows: ArrayLike<number>): RowRange[] {
  const sorted = Float64Array.from(rows as ArrayLike<number>).sort()
  const ranges: RowRange[] = []
  for (const r of sorted) {
    const last = ranges[ranges.length - 1]
    if (last && r <= last[1]) last[1] = Math.max(last[1], r + 1)
    else ranges.push([r, r + 1])
  }
  return ranges
}

/** The problem with a range list, or null when it is sorted, non-empty per range and non-overlapping. */
export function rangesProblem(ranges: readonly RowRange[]): string | null {
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]
    if (end <= start) return `range ${i} [${start}, ${end}] is empty or reversed (the end is exclusive)`
    if (i > 0 && start < ranges[i - 1][1]) return `range ${i} [${start}, ${end}] overlaps or precedes range ${i - 1}; ranges must be sorted and separate`
  }
  return null
}

export function encodeBitmap(rows: ArrayLike<number>): string {
  let max = -1
  for (let i = 0; i < rows.length; i++) max = Math.max(max, rows[i])
  const bytes = new Uint8Array((max >> 3) + 1)
  for (let i = 0; i < rows.length; i++) bytes[rows[i] >> 3] |= 1 << (rows[i] & 7)
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Selected row numbers in ascending order; throws on text that is not base64. */
export function decodeBitmap(bitmap: string): number[] {
  const binary = atob(bitmap)
  const rows: number[] = []
  for (let i = 0; i < binary.length; i++) {
    const byte = binary.charCodeAt(i)
    if (byte === 0) continue
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) rows.push(i * 8 + bit)
  }
  return rows
}

/** The smaller of the two encodings, for an export.start body. */
export function compactSelection(rows: ArrayLike<number>): { ranges: RowRange[] } | { bitmap: string } {
  const ranges = rowsToRanges(rows)
  const rangesChars = JSON.stringify(ranges).length
  if (ranges.length <= MAX_SELECTION_RANGES && rangesChars <= 64 * 1024) return { ranges }
  const bitmap = encodeBitmap(rows)
  if (ranges.length <= MAX_SELECTION_RANGES && rangesChars < bitmap.length) return { ranges }
  return { bitmap }
}

/** Parses a hand-written list like `1,2,5-9` (5-9 includes 9) into ranges; null when it is not such a list. */
export function parseRowList(text: string): RowRange[] | null {
  const rows: RowRange[] = []
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part)
    if (!m) return null
    const start = Number(m[1])
    const last = m[2] === undefined ? start : Number(m[2])
    if (last < start || !Number.isSafeInteger(last)) return null
    rows.push([start, last + 1])
  }
  rows.sort((a, b) => a[0] - b[0])
  const merged: RowRange[] = []
  for (const r of rows) {
    const prev = merged[merged.length - 1]
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1])
    else merged.push([r[0], r[1]])
  }
  return merged
}
