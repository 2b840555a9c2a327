import { useEffect, useState } from 'react'
import type { Job } from '../../../src-main/contract'
import { useEngineEvent, usePoll, useQuery } from '../../api/hooks'

const ACTIVE_POLL_MS = 3000

/** Jobs from `jobs.list`, then kept live by `job` events (each carries the whole job, so we just replace it). */
export function useJobs() {
  const q = useQuery('jobs.list', {}, 'all')
  const [jobs, setJobs] = useState<Map<number, Job>>(new Map())

  useEffect(() => {
    if (!q.value) return
    setJobs((prev) => {
      const next = new Map(prev)
      for (const j of q.value!) {
        const known = next.get(j.id)
        if (!known || !isAhead(known, j)) next.set(j.id, j)
      }
      return next
    })
  }, [q.value])

  useEngineEvent((e) => {
    if (e.type === 'job') setJobs((prev) => new Map(prev).set(e.job.id, e.job))
    // Sent after the event socket reconnects: progress may have been missed.
    else if (e.type === 'datasets.changed') q.reload()
  })

  const sorted = [...jobs.values()].sort((a, b) => b.id - a.id)
  // Events drive the panel; while something runs, a slow poll also catches up if one was missed.
  const anyActive = sorted.some((j) => j.state === 'running' || j.state === 'queued')
  usePoll(q.reload, anyActive ? ACTIVE_POLL_MS : null)
  return { jobs: sorted, error: q.error, loading: q.loading }
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled'])

/**
 * A `jobs.list` answer can be older than an event that arrived while it was in flight; a finished job must not
 * go back to running, nor a running one lose progress.
 */
function isAhead(known: Job, listed: Job): boolean {
  if (FINISHED.has(known.state) && !FINISHED.has(listed.state)) return true
  return known.state === listed.state && known.done > listed.done
}
