import type { Job } from '../../../src-main/contract'
import { formatByteRate, formatDuration, formatInt, formatMegabytes, formatRate } from '../../ui/format'

/** What a job's done/total count: rows for imports and embedding, bytes for model downloads. */
export type JobUnit = 'rows' | 'bytes' | 'items'

const UNITS: Record<string, JobUnit> = { import: 'rows', embed: 'rows', 'model-download': 'bytes' }

export function jobUnit(kind: string): JobUnit {
  return UNITS[kind] ?? 'items'
}

export function isActive(job: Pick<Job, 'state'>): boolean {
  return job.state === 'running' || job.state === 'queued'
}

/** "1,234 / 10,000 rows", "12 MB / 118 MB", or "5 items" when the total is not known yet. */
export function formatJobAmount(job: Pick<Job, 'kind' | 'done' | 'total'>): string {
  const unit = jobUnit(job.kind)
  if (unit === 'bytes') return job.total !== null ? `${formatMegabytes(job.done)} / ${formatMegabytes(job.total)}` : formatMegabytes(job.done)
  return `${formatInt(job.done)}${job.total !== null ? ` / ${formatInt(job.total)}` : ''} ${unit}`
}

/** "2.4 MB/s", "1,200 rows/s"; null when the job is not running or the rate is not measurable yet. */
export function formatJobRate(job: Pick<Job, 'kind' | 'rate' | 'state'>): string | null {
  if (!isActive(job) || job.rate === null) return null
  const unit = jobUnit(job.kind)
  return unit === 'bytes' ? formatByteRate(job.rate) : formatRate(job.rate, unit)
}

/** "3 min 5 s left"; null when not running or unknown. */
export function formatJobEta(job: Pick<Job, 'etaSeconds' | 'state'>): string | null {
  if (!isActive(job) || job.etaSeconds === null) return null
  return `${formatDuration(job.etaSeconds)} left`
}

/** 0..1, or null for an indeterminate bar (running with no known total). */
export function jobFraction(job: Pick<Job, 'done' | 'total' | 'state'>): number | null {
  if (job.total) return job.done / job.total
  if (job.state === 'succeeded') return 1
  return null
}
