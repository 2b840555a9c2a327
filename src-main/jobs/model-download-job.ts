import { downloadModel, type Variant } from '../embed'
import { JobsRepo } from '../store/jobs-repo'
import type { JobHandler } from './types'

export interface ModelDownloadParams {
  id: string
  variant?: Variant
}

/** Fetches a catalog model into the cache. Partial files stay as .part and resume on the next try. */
export const modelDownloadJob: JobHandler = {
  title: (p) => `Download model ${String(p.id)}`,

  async run(ctx) {
    const p = ctx.job.params as unknown as ModelDownloadParams
    const jobs = new JobsRepo(ctx.db)
    let lastSaved = 0
    const result = await downloadModel(p.id, {
      variant: p.variant,
      signal: ctx.signal,
      onProgress: (pr) => {
        ctx.report(pr.done, pr.total ?? null)
        // Bytes on disk are the checkpoint (the .part files); the row only mirrors them for other processes.
        if (Date.now() - lastSaved > 1000) {
          lastSaved = Date.now()
          jobs.progress(ctx.job.id, pr.done, pr.total ?? null)
          ctx.throwIfCancelled()
        }
      },
    })
    return { id: result.id, dir: result.dir, variant: result.variant, bytesDownloaded: result.bytesDownloaded }
  },
}
