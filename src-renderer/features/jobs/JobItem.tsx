import type { Job } from '../../../src-main/contract'
import { JobProgress } from './JobProgress'

export function JobItem({ job }: { job: Job }) {
  return (
    <li className={`job job--${job.state}`} data-testid="job-item" data-job-id={job.id} data-job-kind={job.kind} data-job-state={job.state}>
      <div className="job__head">
        <span className="job__title" title={job.title}>
          {job.title}
        </span>
        <span className={`badge badge--${job.state}`} data-testid="job-state">
          {job.state}
        </span>
      </div>
      <JobProgress job={job} />
    </li>
  )
}
