import { z } from 'zod'
import { Id, ProviderInfoSchema, type Job } from './schemas'
import { RetrievalMetricsSchema } from './finetune'
import { EmbedMapError } from '../errors'

/**
 * What each kind of job returns when it succeeds. The job registry (src-main/jobs/registry.ts) checks a result
 * against its schema before it is stored, and every reader (CLI, renderer, follow-up jobs) parses it back with the
 * same schema, so a result never crosses SQLite or a front door as an unchecked cast.
 */
export const JobResultSchemas = {
  import: z.object({
    datasetId: Id,
    rows: z.number().int().nonnegative(),
    raggedRows: z.number().int().nonnegative(),
    emptyTextRows: z.number().int().nonnegative(),
    /** The embedding set written from the file's vector column, when it had one. */
    setId: Id.optional(),
  }),
  embed: z.object({
    setId: Id,
    vectors: z.number().int().nonnegative(),
    dims: z.number().int().positive(),
    /** Where onnxruntime ran; null for an embedding server. */
    provider: ProviderInfoSchema.nullable(),
    truncated: z.number().int().nonnegative(),
    emptyText: z.number().int().nonnegative(),
    /** Set when the vectors were made on a Ray cluster: what this run sent there. */
    ray: z
      .object({
        address: z.string(),
        rayVersion: z.string(),
        /** Ray job submission ids of this run (one, unless a job had to be submitted again). */
        submissions: z.array(z.string()),
        /** Parquet shards this run submitted (rows still without a vector), and the shards of the whole dataset. */
        shardsSubmitted: z.number().int().nonnegative(),
        shardsTotal: z.number().int().nonnegative(),
      })
      .optional(),
  }),
  /** `variant` is 'pytorch' for a model's training weights (`training` then says what its repository gave). */
  'model-download': z.object({
    id: z.string(),
    dir: z.string(),
    variant: z.string(),
    bytesDownloaded: z.number().nonnegative(),
    training: z.object({ repo: z.string(), files: z.array(z.string()), missing: z.array(z.string()), synthesized: z.array(z.string()) }).optional(),
  }),
  analyze: z.object({ runId: Id, k: z.number().int().nonnegative(), silhouette: z.number().nullable() }),
  export: z.object({ out: z.string(), rows: z.number().int().nonnegative(), bytes: z.number().nonnegative(), columns: z.array(z.string()) }),
  /** Stored evaluation results (evaluation_runs ids), baseline first; `reused` were found, not computed again. */
  evaluate: z.object({
    runIds: z.array(Id),
    reused: z.array(Id),
    dataFingerprint: z.string(),
    dataLabel: z.string(),
    warnings: z.array(z.string()),
    /** Per model: texts embedded in this run and texts whose vectors the model had already stored for the dataset. */
    vectors: z.array(z.object({ modelId: z.string(), embedded: z.number().int(), reused: z.number().int() })).default([]),
  }),
  /** The run record (finetune_runs id), the registered model and the held-out metrics of base and fine-tuned model. */
  finetune: z.object({
    runId: Id,
    modelId: z.string(),
    modelDir: z.string(),
    before: RetrievalMetricsSchema.nullable(),
    after: RetrievalMetricsSchema.nullable(),
    datasetId: Id.nullable(),
  }),
  /** Translations placed on a map (translation_maps id) and the bitext accuracy both ways. */
  translations: z.object({
    mapId: Id,
    pairs: z.number().int().nonnegative(),
    accuracy: z.number(),
    reverseAccuracy: z.number(),
  }),
} as const

export type JobKindName = keyof typeof JobResultSchemas
export type JobResult<K extends JobKindName> = z.output<(typeof JobResultSchemas)[K]>

export const JOB_KINDS = Object.keys(JobResultSchemas) as JobKindName[]

export function isJobKind(kind: string): kind is JobKindName {
  return Object.hasOwn(JobResultSchemas, kind)
}

/** The typed result of a finished job of the expected kind; a mismatch is a bug worth a clear message. */
export function jobResult<K extends JobKindName>(kind: K, job: Pick<Job, 'id' | 'kind' | 'result'>): JobResult<K> {
  if (job.kind !== kind) throw new EmbedMapError('INTERNAL', `Job ${job.id} is a ${job.kind} job, not ${kind}.`)
  const parsed = JobResultSchemas[kind].safeParse(job.result)
  if (!parsed.success)
    throw new EmbedMapError('INTERNAL', `Job ${job.id} stored a result that is not a ${kind} result: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
  return parsed.data as JobResult<K>
}
