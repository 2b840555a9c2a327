import { ErrorMessage } from '../../ui/ErrorMessage'
import { JobItem } from './JobItem'
import { useJobs } from './useJobs'

/** Finished jobs beyond this many are hidden; active and interrupted ones are always shown. */
const RECENT_FINISHED = 8

export function JobsPanel() {
  const { jobs, error } = useJobs()
  const live = jobs.filter((j) => j.state === 'running' || j.state === 'queued' || j.state === 'interrupted')
  const finished = jobs.filter((j) => !live.includes(j)).slice(0, RECENT_FINISHED)
  return (
    <section className="panel" aria-labelledby="jobs-heading" data-testid="jobs-panel">
      <h2 id="jobs-heading" className="panel__title">
        Jobs
      </h2>
      {error && <ErrorMessage error={error} title="Could not load jobs" />}
      {jobs.length === 0 && !error && <p className="muted">No jobs yet.</p>}
      <ul className="job-list">
        {[...live, ...finished].map((j) => (
          <JobItem key={j.id} job={j} />
        ))}
      </ul>
    </section>
  )
}
