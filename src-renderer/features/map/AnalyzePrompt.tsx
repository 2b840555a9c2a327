import { useState } from 'react'
import type { Dataset, Job } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { useEmbeddingSets } from '../embed/useEmbeddingSets'
import { isActive } from '../jobs/job-format'
import { JobProgress } from '../jobs/JobProgress'
import { useJobs } from '../jobs/useJobs'

/** The job to follow: the one started here, else a live analyze job of the dataset started elsewhere. */
function analyzeJob(jobs: Job[], datasetId: number, startedId: number | null): Job | null {
  const started = startedId !== null ? jobs.find((j) => j.id === startedId) : undefined
  if (started) return started
  return jobs.find((j) => j.kind === 'analyze' && j.datasetId === datasetId && (isActive(j) || j.state === 'interrupted')) ?? null
}

/** Shown while the dataset has no map: analyze it with the default settings and follow the job. */
export function AnalyzePrompt({ dataset }: { dataset: Dataset }) {
  const sets = useEmbeddingSets(dataset.id)
  const { jobs } = useJobs()
  const [startedId, setStartedId] = useState<number | null>(null)
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<ApiError>()
  const job = analyzeJob(jobs, dataset.id, startedId)
  const ready = sets.value?.some((s) => s.status === 'ready') ?? false
  const running = job !== null && isActive(job)

  async function start() {
    setStarting(true)
    setError(undefined)
    try {
      setStartedId((await invoke('analyze.start', { datasetId: dataset.id })).jobId)
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setStarting(false)
    }
  }

  return (
    <section className="panel map-prompt" data-testid="map-prompt">
      <div className="map-prompt__row">
        <div>
          <h2 className="panel__title">Map</h2>
          <p className="muted">
            {ready
              ? 'Analyze the embeddings to see the rows on a map, grouped into clusters with outliers marked.'
              : 'Embed the dataset (on the right); with “Then map it” ticked, the map follows by itself.'}
          </p>
        </div>
        {ready && !running && (
          <button type="button" className="btn btn--primary" data-testid="analyze-start" disabled={starting} onClick={() => void start()}>
            Analyze
          </button>
        )}
      </div>
      {job && (
        <div className="analyze-job" data-testid="analyze-job" data-job-state={job.state}>
          <JobProgress job={job} errorTitle="The analysis failed" />
        </div>
      )}
      {error && <ErrorMessage error={error} onDismiss={() => setError(undefined)} />}
    </section>
  )
}
