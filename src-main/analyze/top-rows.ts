/**
 * The `top` rows with the highest values, highest first (ties: the lower row first), without sorting every row:
 * one pass that keeps the best `top` in order. The same answer as sorting all row numbers by value, which at 1M rows
 * took ~0.4-0.8 s of each map summary request (and competed with the map's first frame for the CPU).
 */
export function topRows(values: ArrayLike<number>, top: number): number[] {
  const out: number[] = []
  if (top <= 0) return out
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    // Full: only a strictly higher value gets in (an equal one comes later, so it ranks after the one kept).
    if (out.length === top && !(v > values[out[top - 1]])) continue
    let j = out.length
    while (j > 0 && values[out[j - 1]] < v) j--
    out.splice(j, 0, i)
    if (out.length > top) out.pop()
  }
  return out
}
