import { useEngineEvent, useQuery } from '../../api/hooks'

/** The dataset's embedding sets, refetched when they change and when one of its embed jobs moves on. */
export function useEmbeddingSets(datasetId: number) {
  const q = useQuery('embeddings.list', { datasetId }, String(datasetId))
  useEngineEvent((e) => {
    if (e.type === 'embeddings.changed' && e.datasetId === datasetId) q.reload()
    else if (e.type === 'datasets.changed') q.reload()
    else if (e.type === 'job' && e.job.kind === 'embed' && e.job.datasetId === datasetId && e.job.state !== 'running') q.reload()
  })
  return q
}
