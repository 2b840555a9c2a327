import type { z } from 'zod'
import { JobResultSchemas, type JobKindName, type JobResult } from '../contract'
import { EmbedMapError } from '../errors'
import type { Db } from '../store/connection'
import type { JobRow } from '../store/jobs-repo'
import { analyzeJob } from './analyze-job'
import type { FollowUp, JobKind } from './define-job'
import { embedJob } from './embed-job'
import { evaluateJob } from './evaluate-job'
import { exportJob } from './export-job'
import { finetuneJob } from './finetune-job'
import { importJob } from './import-job'
import { modelDownloadJob } from './model-download-job'
import { translationsJob } from './translations-job'
import type { JobContext } from './types'

/** Every kind of background job, by the `kind` stored in the jobs table. */
export const jobKinds = {
  import: importJob,
  embed: embedJob,
  'model-download': modelDownloadJob,
  analyze: analyzeJob,
  export: exportJob,
  evaluate: evaluateJob,
  finetune: finetuneJob,
  translations: translationsJob,
} as const satisfies { [K in JobKindName]: JobKind<K, z.ZodType> }

export type JobParams<K extends JobKindName> = z.input<(typeof jobKinds)[K]['params']>

/** Checks params against the kind's schema; what gets stored is the parsed (defaulted, stripped) value. */
export function parseJobParams<K extends JobKindName>(kind: K, params: unknown): z.output<(typeof jobKinds)[K]['params']> {
  const parsed = jobKinds[kind].params.safeParse(params)
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'params'}: ${i.message}`)
    throw new EmbedMapError('INTERNAL', `Invalid parameters for a ${kind} job: ${first.join('; ')}.`)
  }
  // TypeScript cannot follow the kind through the indexed union; the schema lookup above is by the same K.
  return parsed.data as z.output<(typeof jobKinds)[K]['params']>
}

function kindOf(row: Pick<JobRow, 'id' | 'kind'>): JobKindName {
  if (!Object.hasOwn(jobKinds, row.kind)) throw new EmbedMapError('INTERNAL', `Job ${row.id} has an unknown kind '${row.kind}'.`)
  return row.kind as JobKindName
}

/**
 * The generic operations the runner and the worker need, dispatched by kind. Each goes through the kind's schemas,
 * so a row written by an older version (or edited by hand) fails with a message instead of a wrong cast.
 */
export const jobOps = {
  title(row: Pick<JobRow, 'id' | 'kind' | 'params'>): string {
    if (!Object.hasOwn(jobKinds, row.kind)) return row.kind
    const kind = jobKinds[row.kind as JobKindName] as JobKind<JobKindName, z.ZodType>
    const parsed = kind.params.safeParse(row.params)
    return parsed.success ? kind.title(parsed.data) : `${row.kind} job ${row.id}`
  },

  async run(ctx: Omit<JobContext, 'params'>): Promise<unknown> {
    const name = kindOf(ctx.job)
    const kind = jobKinds[name] as JobKind<JobKindName, z.ZodType>
    const params = parseJobParams(name, ctx.job.params)
    const result = await kind.run({ ...ctx, params })
    const checked = JobResultSchemas[name].safeParse(result)
    if (!checked.success) throw new EmbedMapError('INTERNAL', `The ${name} job returned a malformed result: ${checked.error.issues[0]?.message}.`)
    return checked.data
  },

  discard(db: Db, row: JobRow): void {
    if (!Object.hasOwn(jobKinds, row.kind)) return
    const kind = jobKinds[row.kind as JobKindName] as JobKind<JobKindName, z.ZodType>
    const parsed = kind.params.safeParse(row.params)
    // Params that no longer parse cannot say what to undo; the job still ends, and says so in its error.
    if (parsed.success) kind.discard?.(db, row, parsed.data)
  },

  followUps(row: JobRow): FollowUp[] {
    const name = kindOf(row)
    const kind = jobKinds[name] as JobKind<JobKindName, z.ZodType>
    if (!kind.followUps) return []
    const params = parseJobParams(name, row.params)
    const result = JobResultSchemas[name].parse(row.result) as JobResult<JobKindName>
    return kind.followUps(params, result)
  },
}

/** A new job row of a kind, with its params checked and stored in their parsed form. */
export interface NewJob<K extends JobKindName> {
  kind: K
  datasetId: number | null
  params: JobParams<K>
  lockKey: string | null
  total?: number | null
}

export function createJob<K extends JobKindName>(
  jobs: { create(job: { kind: string; datasetId: number | null; params: unknown; lockKey: string | null; total?: number | null }): JobRow },
  job: NewJob<K>,
): JobRow {
  return jobs.create({ ...job, params: parseJobParams(job.kind, job.params) })
}
