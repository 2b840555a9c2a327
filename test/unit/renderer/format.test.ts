import { describe, expect, it } from 'vitest'
import { delimiterLabel, formatBytes, formatDuration, formatInt, formatRate } from '../../../src-renderer/ui/format'
import { gridColumns } from '../../../src-renderer/features/rows/columns'

describe('format helpers', () => {
  it('formats counts, sizes, durations and rates for people', () => {
    expect(formatInt(1_000_000)).toBe('1,000,000')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(753_489)).toBe('736 KB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB')
    expect(formatDuration(42.4)).toBe('42 s')
    expect(formatDuration(125)).toBe('2 min 5 s')
    expect(formatDuration(7_300)).toBe('2 h 1 min')
    expect(formatRate(12_345.6, 'rows')).toBe('12,346 rows/s')
    expect(formatRate(3.14, 'rows')).toBe('3.1 rows/s')
    expect(delimiterLabel('\t')).toBe('tab')
    expect(delimiterLabel(null)).toBe('—')
  })

  it('gives the text column the flexible width and the others fixed ones', () => {
    const { template, minWidth } = gridColumns(
      [
        { idx: 0, name: 'id', type: 'integer', medianLength: 4 },
        { idx: 1, name: 'text', type: 'text', medianLength: 30 },
      ],
      1,
    )
    expect(template).toMatch(/^100px \d+px minmax\(420px, 1fr\)$/)
    expect(minWidth).toBeGreaterThan(520)
  })
})
