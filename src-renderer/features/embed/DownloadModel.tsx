import { useState } from 'react'
import type { Job, ModelEntry } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatMegabytes } from '../../ui/format'
import { isActive } from '../jobs/job-format'
import { JobProgress } from '../jobs/JobProgress'
import { rememberDownloadJob, useDownloadJobId } from './download-jobs'
import type { Variant } from './AdvancedOptions'

/**
 * A catalog model that is not on disk yet: one button to fetch it, then live byte progress (MB done / total, rate,
 * ETA, cancel) from the job's events, and the engine's error with its hint when it fails (offline, gated, …).
 */
export function DownloadModel({ model, variant, jobs, onUseLocalFolder }: { model: ModelEntry; variant: Variant | ''; jobs: Job[]; onUseLocalFolder(): void }) {
  const jobId = useDownloadJobId(model.id)
  const job = jobId === undefined ? undefined : jobs.find((j) => j.id === jobId)
  const [pulling, setPulling] = useState(false)
  const [pullError, setPullError] = useState<ApiError>()
  const running = job !== undefined && (isActive(job) || job.state === 'interrupted')

  async function pull() {
    setPulling(true)
    setPullError(undefined)
    try {
      const { jobId } = await invoke('models.pull', { id: model.id, ...(variant ? { variant } : {}) })
      rememberDownloadJob(model.id, jobId)
    } catch (err) {
      setPullError(toApiError(err))
    } finally {
      setPulling(false)
    }
  }

  const size = model.sizeBytes ? ` (${formatMegabytes(model.sizeBytes)})` : ''
  return (
    <div className="download" data-testid="model-download" data-job-state={job?.state ?? 'none'}>
      <p className="download__text">
        {running ? (
          <>
            Downloading <strong>{model.displayName}</strong> from the Hugging Face Hub into the model cache…
          </>
        ) : (
          <>
            <strong>{model.displayName}</strong> is not on this machine yet. It is downloaded once from the Hugging Face Hub{size} and kept in the model cache.
          </>
        )}
      </p>
      {running ? (
        <div data-testid="model-download-progress">
          <JobProgress job={job} />
        </div>
      ) : job?.state === 'succeeded' ? (
        <p className="muted">Downloaded — getting it ready…</p>
      ) : (
        <button type="button" className="btn btn--primary" onClick={() => void pull()} disabled={pulling} data-testid="model-download-start">
          {pulling ? 'Starting…' : job?.state === 'failed' || job?.state === 'cancelled' ? `Try the download again${size}` : `Download${size}`}
        </button>
      )}
      {job?.state === 'failed' && job.error && (
        <>
          <ErrorMessage error={new ApiError(job.error)} title={`Could not download ${model.displayName}`} />
          <p className="download__text">
            Have the model files already?{' '}
            <button type="button" className="link" onClick={onUseLocalFolder} data-testid="use-local-folder">
              Add a local model folder
            </button>{' '}
            instead.
          </p>
        </>
      )}
      {job?.state === 'cancelled' && <p className="muted">Download cancelled. Downloading again resumes where it stopped.</p>}
      {pullError && <ErrorMessage error={pullError} title="Could not start the download" onDismiss={() => setPullError(undefined)} />}
    </div>
  )
}
