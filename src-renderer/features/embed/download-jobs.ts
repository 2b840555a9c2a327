import { useSyncExternalStore } from 'react'

/**
 * Which download job belongs to which model. A job does not say what it downloads (a 'model-download' job has no
 * dataset and no subject field), so the id `models.pull` answers is remembered here, for the whole session, so the
 * progress is still found after the user switches datasets and comes back. `models.pull` is idempotent (it answers
 * the running job), so asking again also finds it.
 */
const jobByModel = new Map<string, number>()
const listeners = new Set<() => void>()

export function rememberDownloadJob(modelId: string, jobId: number): void {
  jobByModel.set(modelId, jobId)
  for (const l of listeners) l()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useDownloadJobId(modelId: string): number | undefined {
  return useSyncExternalStore(subscribe, () => jobByModel.get(modelId))
}
