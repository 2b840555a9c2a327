import { Embedder, type Device, type EmbedKind, type Variant } from '../embed'
import { EmbedMapError } from '../errors'
import { DatasetsRepo } from '../store/datasets-repo'
import { EmbeddingsRepo } from '../store/embeddings-repo'
import { JobsRepo } from '../store/jobs-repo'
import { z } from 'zod'
import { DeviceSchema, RayEngineSchema, RemoteModelSchema, VariantSchema } from '../contract'
import { RemoteEmbedder } from '../embed/remote/remote-embedder'
import { defineJob } from './define-job'
import { connectRay, embedOnRay, type RayRunResult } from './embed-on-ray'

export const EmbedJobParamsSchema = z.object({
  datasetId: z.number().int().positive(),
  /** What the user asked for (catalog id, local id or folder), for titles. */
  modelLabel: z.string(),
  /** Where the model is: a folder path or a catalog id the Embedder resolves. */
  modelLocation: z.string().min(1),
  /** Id the vectors are stored under. */
  modelId: z.string().min(1),
  /** Set when the model is an embedding server (no API key in here: only its variable's name). */
  remote: RemoteModelSchema.optional(),
  variant: VariantSchema.optional() satisfies z.ZodType<Variant | undefined>,
  device: DeviceSchema satisfies z.ZodType<Device>,
  dims: z.number().int().positive().optional(),
  kind: z.enum(['query', 'passage', 'clustering', 'none']) satisfies z.ZodType<EmbedKind>,
  /** Set when the model runs on a Ray cluster instead of here (see embed-on-ray.ts). */
  ray: RayEngineSchema.optional(),
  /** Start an analysis of the finished vectors once this job succeeds (a declared follow-up). */
  analyzeAfter: z.boolean().optional(),
})
export type EmbedJobParams = z.output<typeof EmbedJobParamsSchema>

/**
 * Rows per chunk handed to the model: the Embedder sorts a chunk by length to cut padding, so larger
 * is faster; each chunk is one transaction, so smaller loses less to a kill. 1024 rows is ~10 s on a
 * laptop CPU with a small model.
 */
const CHUNK_ROWS = 1024
/**
 * A server chunk is one round of concurrent requests: the network is slower than a local model, so
 * committing per round keeps what a kill loses small, and every worker stays busy.
 */
const remoteChunkRows = (r: { maxBatch: number; concurrency: number }) => Math.min(8192, r.maxBatch * r.concurrency)

/**
 * Embeds the dataset's text column. Resuming is natural: the job only ever embeds rows that have no
 * vector in the set yet, so a killed run continues and a repeated run finds nothing to do.
 */
export const embedJob = defineJob({
  kind: 'embed',
  params: EmbedJobParamsSchema,
  title: (p) => `Embed dataset ${p.datasetId} with ${p.modelLabel}`,

  async run(ctx) {
    const p = ctx.params
    const datasets = new DatasetsRepo(ctx.db)
    const sets = new EmbeddingsRepo(ctx.db)
    const jobs = new JobsRepo(ctx.db)
    const dataset = datasets.get(p.datasetId)
    if (!dataset) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${p.datasetId}.`)
    if (dataset.status !== 'ready')
      throw new EmbedMapError('CONFLICT', `Dataset ${p.datasetId} is still importing.`, 'Wait for the import to finish, then embed.')

    // A Ray cluster is checked first, so a wrong address fails before anything is written.
    const cluster = p.ray ? await connectRay(p.ray) : undefined
    const embedder = p.remote
      ? await RemoteEmbedder.open(p.remote, {}, ctx.signal)
      : await Embedder.load(p.modelLocation, {
          // On Ray the model runs on the cluster: here it only describes itself (files, pooling, version), on the CPU.
          device: cluster ? 'cpu' : p.device,
          variant: p.variant,
          dims: p.dims,
          catalogId: undefined,
        })
    const chunkRows = p.remote ? remoteChunkRows(p.remote) : CHUNK_ROWS
    try {
      const info = embedder.info
      const provider = embedder instanceof Embedder && !cluster ? embedder.info.provider : null
      const setId = ctx.db.transaction(() => {
        const id = sets.findOrCreate({
          datasetId: p.datasetId,
          modelId: p.modelId,
          modelVersion: info.version,
          dims: info.dims,
          params: { variant: info.variant, kind: p.kind, configKey: info.configKey },
        })
        if (provider) sets.setProvider(id, provider)
        jobs.progress(ctx.job.id, sets.countVectors(id), dataset.rowCount, { setId: id })
        return id
      })()

      let rayRun: RayRunResult | undefined
      if (cluster && embedder instanceof Embedder) {
        rayRun = await embedOnRay(ctx, {
          client: cluster.client,
          rayVersion: cluster.version,
          embedder,
          kind: p.kind,
          setId,
          total: dataset.rowCount,
          sets,
          jobs,
        })
      }
      let done = sets.countVectors(setId)
      const total = dataset.rowCount
      let after = -1
      ctx.report(done, total)
      for (;;) {
        ctx.throwIfCancelled()
        const rows = sets.missingRows(setId, p.datasetId, after, chunkRows)
        if (rows.length === 0) break
        const base = done
        const result = await embedder.embed(
          rows.map((r) => r.text),
          { kind: p.kind, signal: ctx.signal, onProgress: ({ done: d }) => ctx.report(base + d, total) },
        )
        const emptyText = rows.reduce((n, r) => n + (r.text.trim() === '' ? 1 : 0), 0)
        done += rows.length
        ctx.db.transaction(() => {
          sets.insertVectors(
            setId,
            rows.map((r) => r.idx),
            result.vectors,
            info.dims,
          )
          sets.addStats(setId, { truncated: result.truncated, emptyText })
          jobs.progress(ctx.job.id, done, total, { setId })
        })()
        after = rows[rows.length - 1].idx
        ctx.report(done, total)
      }
      ctx.db.transaction(() => {
        sets.markReady(setId)
        jobs.progress(ctx.job.id, total, total, { setId })
      })()
      const set = sets.get(setId)!
      return { setId, vectors: set.vectorCount, dims: info.dims, provider, truncated: set.truncatedCount, emptyText: set.emptyTextCount, ray: rayRun }
    } finally {
      await embedder.close()
    }
  },

  // "Embed and map" as one action, whichever front door started it and even if its window was closed.
  followUps: (p, result) => (p.analyzeAfter ? [{ channel: 'analyze.start', input: { datasetId: p.datasetId, setId: result.setId } }] : []),
})
