import type { Db } from '../store/connection'
import type { JobRow } from '../store/jobs-repo'

/** What a job's `run` gets inside its worker thread; `params` were checked against the kind's schema. */
export interface JobContext<P = unknown> {
  db: Db
  job: JobRow
  params: P
  /** Aborted when someone asks to cancel (from any process); handlers check it between batches. */
  signal: AbortSignal
  /** Tells the parent how far along we are (throttled); persist `done` in your own batch transaction. */
  report(done: number, total: number | null): void
  /** Throws a CANCELLED error if a cancel was requested; call between batches. */
  throwIfCancelled(): void
}

/** Messages from a job worker to the runner. */
export type WorkerMessage = { type: 'progress'; done: number; total: number | null } | { type: 'finished'; state: 'succeeded' | 'failed' | 'cancelled' }

/** Messages from the runner to a job worker. */
/** 'run': a spare worker (started ahead, see JobRunner.prewarm) is given its job. */
export type RunnerMessage = { type: 'cancel' } | { type: 'run'; jobId: number }
