import { useState } from 'react'
import type { Job } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatDuration, formatInt, formatRate } from '../../ui/format'
import { ProgressBar } from '../../ui/ProgressBar'

const UNITS: Record<string, string> = { import: 'rows', embed: 'texts' }

export function JobItem({ job }: { job: Job }) {
  const [actionError, setActionError] = useState<ApiError>()
  const [busy, setBusy] = useState(false)
  const unit = UNITS[job.kind] ?? 'items'
  const active = job.state === 'running' || job.state === 'queued'
  const fraction = job.total ? job.done / job.total : job.state === 'succeeded' ? 1 : null

  async function act(channel: 'jobs.cancel' | 'jobs.resume') {
    setBusy(true)
    setActionError(undefined)
    try {
      await invoke(channel, { id: job.id })
    } catch (err) {
      setActionError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <li className={`job job--${job.state}`} data-testid="job-item" data-job-id={job.id} data-job-state={job.state}>
      <div className="job__head">
        <span className="job__title" title={job.title}>
          {job.title}
        </span>
        <span className={`badge badge--${job.state}`} data-testid="job-state">
          {job.state}
        </span>
      </div>
      {(active || job.state === 'interrupted') && (
        <ProgressBar value={active && job.total === null ? null : fraction} label={`${job.title} progress`} testId="job-progress" />
      )}
      <div className="job__stats">
        <span data-testid="job-done">
          {formatInt(job.done)}
          {job.total !== null && ` / ${formatInt(job.total)}`} {unit}
        </span>
        {active && job.rate !== null && <span>{formatRate(job.rate, unit)}</span>}
        {active && job.etaSeconds !== null && <span>{formatDuration(job.etaSeconds)} left</span>}
      </div>
      {job.error && <ErrorMessage error={new ApiError(job.error)} />}
      {actionError && <ErrorMessage error={actionError} onDismiss={() => setActionError(undefined)} />}
      {(active || job.state === 'interrupted') && (
        <div className="job__actions">
          {active && (
            <button type="button" className="btn btn--small" data-testid="job-cancel" disabled={busy} onClick={() => void act('jobs.cancel')}>
              Cancel
            </button>
          )}
          {job.state === 'interrupted' && (
            <button type="button" className="btn btn--small btn--primary" data-testid="job-resume" disabled={busy} onClick={() => void act('jobs.resume')}>
              Resume
            </button>
          )}
        </div>
      )}
    </li>
  )
}
