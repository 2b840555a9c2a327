import { useEngineEvent, useQuery } from '../../api/hooks'

/**
 * `models.list` for one dataset (which marks the models that suit its language), refetched when the engine says
 * models changed (a download finished, a folder was added or removed) and after the event socket reconnects.
 */
export function useModels(datasetId: number, datasetStatus: string) {
  const q = useQuery('models.list', { datasetId }, `${datasetId}|${datasetStatus}`)
  useEngineEvent((e) => {
    if (e.type === 'models.changed' || e.type === 'datasets.changed') q.reload()
    else if (e.type === 'job' && e.job.kind === 'model-download' && e.job.state === 'succeeded') q.reload()
  })
  return q
}
