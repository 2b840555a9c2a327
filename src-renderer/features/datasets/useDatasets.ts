import { useEngineEvent, usePoll, useQuery } from '../../api/hooks'

const IMPORTING_POLL_MS = 3000

/** The dataset list, refetched whenever the engine says datasets changed or an import job finishes. */
export function useDatasets() {
  const q = useQuery('datasets.list', {}, 'all')
  useEngineEvent((e) => {
    if (e.type === 'datasets.changed') q.reload()
    else if (e.type === 'job' && e.job.datasetId !== null && e.job.state !== 'running' && e.job.state !== 'queued') q.reload()
  })
  // Events drive the list; while an import runs, a slow poll also catches up if one was missed.
  usePoll(q.reload, q.value?.some((d) => d.status === 'importing') ? IMPORTING_POLL_MS : null)
  return q
}
