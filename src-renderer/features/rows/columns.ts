import type { Column } from '../../../src-main/contract'

export const ROW_NUMBER_WIDTH = 100
const TEXT_MIN_WIDTH = 420

/** Fixed widths (every row must lay out identically without measuring); the text column takes the rest. */
export function gridColumns(columns: Column[], textColumn: number): { template: string; minWidth: number } {
  let minWidth = ROW_NUMBER_WIDTH
  const parts = [`${ROW_NUMBER_WIDTH}px`]
  for (const c of columns) {
    if (c.idx === textColumn) {
      parts.push(`minmax(${TEXT_MIN_WIDTH}px, 1fr)`)
      minWidth += TEXT_MIN_WIDTH
    } else {
      const byContent = Math.round(c.medianLength * 8) + 28
      const byName = Math.round((c.name.length + c.type.length) * 7.5 + 40)
      const w = Math.max(72, Math.min(260, Math.max(byContent, byName)))
      parts.push(`${w}px`)
      minWidth += w
    }
  }
  return { template: parts.join(' '), minWidth }
}
