import type { z } from 'zod'
import type { ChannelName, ChannelInput, JobKindName, JobResult } from '../contract'
import type { Db } from '../store/connection'
import type { JobRow } from '../store/jobs-repo'
import type { JobContext } from './types'

/** A job to start through the contract once another one succeeds (e.g. "embed, then map it"). */
export type FollowUp = { [C in ChannelName]: { channel: C; input: ChannelInput<C> } }[ChannelName]

/**
 * Everything the job system knows about one kind of job. Params are validated when the job is created and again
 * when a worker reads them back from SQLite; the result is validated before it is stored. New kinds (evaluate,
 * fine-tune) are one `defineJob` each, with no casts anywhere.
 */
export interface JobKind<K extends JobKindName, P extends z.ZodType> {
  kind: K
  params: P
  /** One line for job lists: "Import reviews.csv". */
  title(params: z.output<P>): string
  /**
   * Does the work, resuming from `ctx.job.checkpoint` (written by earlier attempts in the same transactions as
   * their work). Must be safe to run again after a crash at any point.
   */
  run(ctx: JobContext<z.output<P>>): Promise<JobResult<K>>
  /** Undo partial output after a failure or a cancel, so nothing half-written is left behind. */
  discard?(db: Db, job: JobRow, params: z.output<P>): void
  /** Jobs to start when this one succeeds; declared here so the engine needs no per-kind wiring. */
  followUps?(params: z.output<P>, result: JobResult<K>): FollowUp[]
}

export function defineJob<K extends JobKindName, P extends z.ZodType>(def: JobKind<K, P>): JobKind<K, P> {
  return def
}
