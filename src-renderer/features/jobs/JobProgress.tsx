import { useState } from 'react'
import type { Job } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { ProgressBar } from '../../ui/ProgressBar'
import { formatJobAmount, formatJobEta, formatJobRate, isActive, jobFraction } from './job-format'

/**
 * The live part of a job: progress bar, amount done, rate and ETA, its error (with hint) and the cancel/resume
 * buttons. Used by the Jobs panel and wherever a feature follows its own job (embedding, model downloads).
 */
export function JobProgress({ job, errorTitle }: { job: Job; errorTitle?: string }) {
  const [actionError, setActionError] = useState<ApiError>()
  const [busy, setBusy] = useState(false)
  const active = isActive(job)
  const rate = formatJobRate(job)
  const eta = formatJobEta(job)

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
    <>
      {(active || job.state === 'interrupted') && (
        <ProgressBar value={active && job.total === null ? null : jobFraction(job)} label={`${job.title} progress`} testId="job-progress" />
      )}
      <div className="job__stats">
        <span data-testid="job-done">{formatJobAmount(job)}</span>
        {rate && <span data-testid="job-rate">{rate}</span>}
        {eta && <span data-testid="job-eta">{eta}</span>}
      </div>
      {job.error && <ErrorMessage error={new ApiError(job.error)} title={errorTitle} />}
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
    </>
  )
}
