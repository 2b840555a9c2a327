import type { EmbeddingSet, Job, ModelEntry } from '../../../src-main/contract'

/**
 * The embed job to show for a dataset: the one this panel started, else the newest embed job of the dataset that is
 * still running or was interrupted (started elsewhere: the CLI, another window, before a restart).
 */
export function currentEmbedJob(jobs: Job[], datasetId: number, startedJobId: number | null): Job | null {
  if (startedJobId !== null) {
    const started = jobs.find((j) => j.id === startedJobId)
    if (started) return started
  }
  const live = jobs
    .filter((j) => j.kind === 'embed' && j.datasetId === datasetId && (j.state === 'running' || j.state === 'queued' || j.state === 'interrupted'))
    .sort((a, b) => b.id - a.id)
  return live[0] ?? null
}

/** A finished set of this model at these dims already exists: running again only fills in missing rows. */
export function existingSet(sets: EmbeddingSet[], model: ModelEntry, dims: number | null): EmbeddingSet | undefined {
  return sets.find((s) => s.modelId === model.id && s.status === 'ready' && s.dims === (dims ?? model.dims ?? s.dims))
}
