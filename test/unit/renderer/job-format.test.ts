import { describe, expect, it } from 'vitest'
import type { Job } from '../../../src-main/contract'
import { formatJobAmount, formatJobEta, formatJobRate, jobFraction, jobUnit } from '../../../src-renderer/features/jobs/job-format'
import { formatByteRate, formatMegabytes } from '../../../src-renderer/ui/format'

type J = Pick<Job, 'kind' | 'done' | 'total' | 'rate' | 'etaSeconds' | 'state'>
const j = (over: Partial<J>): J => ({ kind: 'embed', done: 0, total: null, rate: null, etaSeconds: null, state: 'running', ...over })

describe('job progress text', () => {
  it('counts rows for imports and embedding, bytes for model downloads', () => {
    expect(jobUnit('import')).toBe('rows')
    expect(jobUnit('embed')).toBe('rows')
    expect(jobUnit('model-download')).toBe('bytes')
    expect(jobUnit('something-new')).toBe('items')
    expect(formatJobAmount(j({ done: 1234, total: 10_000 }))).toBe('1,234 / 10,000 rows')
    expect(formatJobAmount(j({ done: 5 }))).toBe('5 rows')
    expect(formatJobAmount(j({ kind: 'model-download', done: 12_345_678, total: 118_000_000 }))).toBe('12 MB / 118 MB')
    expect(formatJobAmount(j({ kind: 'model-download', done: 2_500_000, total: null }))).toBe('2.5 MB')
  })

  it('shows a rate and an ETA only while the job runs and they are known', () => {
    expect(formatJobRate(j({ rate: 1234.5 }))).toBe('1,235 rows/s')
    expect(formatJobRate(j({ kind: 'model-download', rate: 2_400_000 }))).toBe('2.4 MB/s')
    expect(formatJobRate(j({ rate: null }))).toBeNull()
    expect(formatJobRate(j({ rate: 10, state: 'succeeded' }))).toBeNull()
    expect(formatJobEta(j({ etaSeconds: 125 }))).toBe('2 min 5 s left')
    expect(formatJobEta(j({ etaSeconds: 125, state: 'failed' }))).toBeNull()
    expect(jobFraction(j({ done: 25, total: 100 }))).toBe(0.25)
    expect(jobFraction(j({ done: 25 }))).toBeNull()
    expect(jobFraction(j({ state: 'succeeded', total: 0 }))).toBe(1)
  })

  it('states sizes in decimal megabytes, like the hub and the CLI', () => {
    expect(formatMegabytes(118_000_000)).toBe('118 MB')
    expect(formatMegabytes(4_200_000)).toBe('4.2 MB')
    expect(formatMegabytes(12_345)).toBe('0.1 MB')
    expect(formatMegabytes(0)).toBe('0 MB')
    expect(formatMegabytes(1_240_000_000)).toBe('1.2 GB')
    expect(formatMegabytes(Number.NaN)).toBe('—')
    expect(formatByteRate(950_000)).toBe('0.9 MB/s')
  })
})
