import type { Job } from '../../../src-main/contract'
import { JobProgress } from '../jobs/JobProgress'

const HEADLINES: Record<Job['state'], string> = {
  queued: 'Waiting to start…',
  running: 'Embedding…',
  interrupted: 'Embedding was interrupted',
  succeeded: 'Embedded',
  failed: 'Embedding failed',
  cancelled: 'Embedding cancelled',
}

/** The dataset's embed job, live: rows done / total, rows/s, ETA, cancel; its error with the hint if it fails. */
export function EmbedJobStatus({ job }: { job: Job }) {
  return (
    <div className={`embed-job job--${job.state}`} data-testid="embed-job" data-job-id={job.id} data-job-state={job.state}>
      <div className="job__head">
        <span className="job__title" title={job.title}>
          {HEADLINES[job.state]}
        </span>
        <span className={`badge badge--${job.state}`}>{job.state}</span>
      </div>
      <JobProgress job={job} errorTitle="The embedding job failed" />
    </div>
  )
}
