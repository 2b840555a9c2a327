import { downloadModel, downloadTrainingWeights, type DownloadProgress, type Variant } from '../embed'
import { JobsRepo } from '../store/jobs-repo'
import { z } from 'zod'
import { VariantSchema } from '../contract'
import { defineJob } from './define-job'

export const ModelDownloadParamsSchema = z.object({
  id: z.string().min(1),
  variant: VariantSchema.optional() satisfies z.ZodType<Variant | undefined>,
  /** The PyTorch weights a full fine-tune needs (the catalog's sourceRepo), into the model folder's training/. */
  training: z.boolean().optional(),
})
export type ModelDownloadParams = z.output<typeof ModelDownloadParamsSchema>

/** Fetches a catalog model (or its training weights) into the cache. Partial files stay as .part and resume on the next try. */
export const modelDownloadJob = defineJob({
  kind: 'model-download',
  params: ModelDownloadParamsSchema,
  title: (p) => (p.training ? `Download training weights of ${p.id}` : `Download model ${p.id}`),

  async run(ctx) {
    const p = ctx.params
    const jobs = new JobsRepo(ctx.db)
    let lastSaved = 0
    const onProgress = (pr: DownloadProgress) => {
      ctx.report(pr.done, pr.total ?? null)
      // Bytes on disk are the checkpoint (the .part files); the row only mirrors them for other processes.
      if (Date.now() - lastSaved > 1000) {
        lastSaved = Date.now()
        jobs.progress(ctx.job.id, pr.done, pr.total ?? null)
        ctx.throwIfCancelled()
      }
    }
    if (p.training) {
      const r = await downloadTrainingWeights(p.id, { signal: ctx.signal, onProgress })
      return {
        id: r.id,
        dir: r.dir,
        variant: 'pytorch',
        bytesDownloaded: r.bytesDownloaded,
        training: { repo: r.repo, files: r.files, missing: r.missing, synthesized: r.synthesized },
      }
    }
    const result = await downloadModel(p.id, { variant: p.variant, signal: ctx.signal, onProgress })
    return { id: result.id, dir: result.dir, variant: result.variant, bytesDownloaded: result.bytesDownloaded }
  },
})
