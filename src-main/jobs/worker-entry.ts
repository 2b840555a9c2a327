import { parentPort, workerData } from 'node:worker_threads'
import { EmbedMapError, serializeError } from '../errors'
import { openStore } from '../store/connection'
import { JobsRepo } from '../store/jobs-repo'
import { jobOps } from './registry'
import type { JobContext, RunnerMessage, WorkerMessage } from './types'

/** A spare worker's job: the first 'run' message (see JobRunner.prewarm). */
function nextJob(): Promise<number> {
  return new Promise((resolve) => {
    const take = (m: RunnerMessage) => {
      if (m.type !== 'run') return
      parentPort!.off('message', take)
      resolve(m.jobId)
    }
    parentPort!.on('message', take)
  })
}

/**
 * Runs one job in a worker thread with its own database connection, so the UI thread only ever
 * relays progress. The final state is written here, next to the work, not by the parent.
 */
async function main(): Promise<void> {
  const { dbPath, jobId: given } = workerData as { dbPath: string; jobId: number | null }
  const post = (m: WorkerMessage) => parentPort!.postMessage(m)
  const db = openStore(dbPath, { migrate: false })
  // A spare worker loads its code and opens the store first, then waits to be given a job.
  const jobId = given ?? (await nextJob())
  const jobs = new JobsRepo(db)
  const job = jobs.get(jobId)
  if (!job) throw new Error(`job ${jobId} vanished`)
  const abort = new AbortController()
  parentPort!.on('message', (m: RunnerMessage) => {
    if (m.type === 'cancel') abort.abort()
  })

  // Model inference blocks this thread for a batch at a time; polling the flag on a timer lets a cancel
  // from any process land between batches even when the handler is deep inside a long call.
  const cancelPoll = setInterval(() => {
    if (!abort.signal.aborted && jobs.isCancelRequested(job.id)) abort.abort()
  }, 500)
  cancelPoll.unref()

  let lastPost = 0
  let lastCancelCheck = 0
  const ctx: Omit<JobContext, 'params'> = {
    db,
    job,
    signal: abort.signal,
    report(done, total) {
      const now = Date.now()
      if (now - lastPost >= 100 || (total !== null && done >= total)) {
        lastPost = now
        post({ type: 'progress', done, total })
      }
    },
    throwIfCancelled() {
      // The flag in the database lets another process (e.g. `embedmap jobs cancel`) stop us.
      const now = Date.now()
      if (!abort.signal.aborted && now - lastCancelCheck > 250) {
        lastCancelCheck = now
        if (jobs.isCancelRequested(job.id)) abort.abort()
      }
      if (abort.signal.aborted) throw new EmbedMapError('CANCELLED', `Job ${job.id} was cancelled.`)
    },
  }

  try {
    const result = await jobOps.run(ctx)
    jobs.finish(job.id, 'succeeded', { result })
    post({ type: 'finished', state: 'succeeded' })
  } catch (err) {
    const cancelled = err instanceof EmbedMapError && err.code === 'CANCELLED'
    const state = cancelled ? 'cancelled' : 'failed'
    db.transaction(() => {
      jobOps.discard(db, job)
      jobs.finish(job.id, state, cancelled ? {} : { error: serializeError(err) })
    })()
    post({ type: 'finished', state })
  } finally {
    clearInterval(cancelPoll)
    db.close()
    // The message listener would keep this thread alive; the runner learns the end from 'exit'.
    parentPort!.close()
  }
}

main().catch((err) => {
  // Reaching here means the worker could not even start the job; the runner records it.
  parentPort?.postMessage({ type: 'fatal', error: serializeError(err) })
})
