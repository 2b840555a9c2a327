import type { Db } from '../store/connection'
import type { JobRow } from '../store/jobs-repo'

/** What a job handler gets inside its worker thread. */
export interface JobContext {
  db: Db
  job: JobRow
  /** Aborted when someone asks to cancel (from any process); handlers check it between batches. */
  signal: AbortSignal
  /** Tells the parent how far along we are (throttled); persist `done` in your own batch transaction. */
  report(done: number, total: number | null): void
  /** Throws a CANCELLED error if a cancel was requested; call between batches. */
  throwIfCancelled(): void
}

export interface JobHandler {
  /** One line for job lists: "Import reviews.csv". */
  title(params: Record<string, unknown>): string
  /**
   * Does the work, resuming from `ctx.job.checkpoint` (written by earlier attempts in the same
   * transactions as their work). Must be safe to run again after a crash at any point.
   */
  run(ctx: JobContext): Promise<unknown>
  /** Undo partial output after a failure or a cancel, so nothing half-written is left behind. */
  discard?(db: Db, job: JobRow): void
}

/** Messages from a job worker to the runner. */
export type WorkerMessage =
  | { type: 'progress'; done: number; total: number | null }
  | { type: 'finished'; state: 'succeeded' | 'failed' | 'cancelled' }

/** Messages from the runner to a job worker. */
export type RunnerMessage = { type: 'cancel' }
