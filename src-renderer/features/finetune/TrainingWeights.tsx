import { useState } from 'react'
import type { Job, ModelEntry } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatMegabytes } from '../../ui/format'
import { rememberDownloadJob, useDownloadJobId } from '../embed/download-jobs'
import { isActive } from '../jobs/job-format'
import { JobProgress } from '../jobs/JobProgress'

/** The download jobs of training weights are remembered apart from the same model's ONNX download. */
export const trainingJobKey = (modelId: string) => `${modelId}#training`

/**
 * A full fine-tune needs the base's PyTorch weights. For a catalog model without them: one button that downloads them
 * from its source repository (size shown), then live byte progress with cancel, and the engine's error with its hint.
 * A model that cannot be trained in full says why.
 */
export function TrainingWeights({ model, jobs }: { model: ModelEntry; jobs: Job[] }) {
  const jobId = useDownloadJobId(trainingJobKey(model.id))
  const job = jobId === undefined ? undefined : jobs.find((j) => j.id === jobId)
  const [pulling, setPulling] = useState(false)
  const [pullError, setPullError] = useState<ApiError>()
  const training = model.training
  if (!training) return null
  if (training.ready)
    return (
      <p className="muted ft-weights__ready" data-testid="finetune-weights" data-state="ready">
        PyTorch weights for the full fine-tune: on this machine{training.sourceRepo ? ` (from ${training.sourceRepo})` : ''}.
      </p>
    )
  const running = job !== undefined && (isActive(job) || job.state === 'interrupted')

  async function pull() {
    setPulling(true)
    setPullError(undefined)
    try {
      const { jobId } = await invoke('models.pull', { id: model.id, training: true })
      rememberDownloadJob(trainingJobKey(model.id), jobId)
    } catch (err) {
      setPullError(toApiError(err))
    } finally {
      setPulling(false)
    }
  }

  if (training.unsupported || model.source !== 'catalog')
    return (
      <div className="ft-weights" data-testid="finetune-weights" data-state="unsupported">
        <p className="ft-weights__text">
          A full fine-tune of <strong>{model.displayName}</strong> is not possible: {training.unsupported ?? 'it has no PyTorch weights.'} The adapter method
          works with it.
        </p>
      </div>
    )

  const size = training.sizeBytes ? ` (${formatMegabytes(training.sizeBytes)})` : ''
  return (
    <div className="ft-weights" data-testid="finetune-weights" data-state={job?.state ?? 'none'}>
      <p className="ft-weights__text">
        {running ? (
          <>
            Downloading the PyTorch weights of <strong>{model.displayName}</strong> from {training.sourceRepo}…
          </>
        ) : (
          <>
            A full fine-tune trains PyTorch weights; EmbedMap has only the ONNX files of <strong>{model.displayName}</strong>. Its weights come from{' '}
            {training.sourceRepo}
            {size} and are kept beside the model.
          </>
        )}
      </p>
      {running ? (
        <div data-testid="finetune-weights-progress">
          <JobProgress job={job} />
        </div>
      ) : job?.state === 'succeeded' ? (
        <p className="muted">Downloaded — getting them ready…</p>
      ) : (
        <button type="button" className="btn btn--primary" onClick={() => void pull()} disabled={pulling} data-testid="finetune-weights-download">
          {pulling ? 'Starting…' : job?.state === 'failed' || job?.state === 'cancelled' ? `Try the download again${size}` : `Download training weights${size}`}
        </button>
      )}
      {job?.state === 'failed' && job.error && (
        <ErrorMessage error={new ApiError(job.error)} title={`Could not download the weights of ${model.displayName}`} />
      )}
      {job?.state === 'cancelled' && <p className="muted">Download cancelled. Downloading again resumes where it stopped.</p>}
      {pullError && <ErrorMessage error={pullError} title="Could not start the download" onDismiss={() => setPullError(undefined)} />}
    </div>
  )
}
