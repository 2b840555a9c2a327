import type { Worker } from 'node:worker_threads'
import type { Job } from '../contract'
import { EmbedMapError, serializeError } from '../errors'
import type { Db } from '../store/connection'
import { JobsRepo, type JobRow } from '../store/jobs-repo'
import { createJob, jobOps, type NewJob } from './registry'
import type { JobKindName } from '../contract'
import { RateMeter } from './rate-meter'
import { selfIdentity } from '../process-identity'

/** How often a live owner renews its jobs' lease (LEASE_MS is many times this). */
const HEARTBEAT_MS = 5000
/** A prewarmed worker nobody took ends after this long. */
const SPARE_IDLE_MS = 30_000
import { spawnJobWorker } from './spawn-worker'
import type { RunnerMessage, WorkerMessage } from './types'

interface Live {
  worker: Worker
  meter: RateMeter
  done: number
  total: number | null
  finished: Promise<JobRow>
}

export interface RunnerOptions {
  dbPath: string
  db: Db
  /** Workers at once; the rest wait as 'queued'. Two keeps a 2-core laptop responsive. */
  concurrency?: number
  onJob(job: Job): void
}

/**
 * The live half of the job system: starts workers for queued jobs, relays their progress with a
 * rate and ETA, and records what happened if a worker dies without saying so.
 */
export class JobRunner {
  private readonly jobs: JobsRepo
  private readonly live = new Map<number, Live>()
  private readonly waiting: number[] = []
  private readonly concurrency: number
  private readonly self = selfIdentity()
  private heartbeat: NodeJS.Timeout | undefined
  private spare: { worker: Worker; idle: NodeJS.Timeout } | undefined

  constructor(private readonly opts: RunnerOptions) {
    this.jobs = new JobsRepo(opts.db)
    this.concurrency = opts.concurrency ?? 2
  }

  /** Queues a job row (already 'queued' or 'interrupted') to run in this process. */
  enqueue(jobId: number): void {
    if (this.live.has(jobId) || this.waiting.includes(jobId)) return
    this.waiting.push(jobId)
    this.pump()
  }

  /**
   * Starts a job for `lockKey`, or joins the live one holding that key (resuming it here when it was
   * interrupted or waits in a queue), so asking twice for the same work never runs it twice.
   */
  startOrJoin<K extends JobKindName>(job: NewJob<K> & { lockKey: string }): { jobId: number } {
    const join = () => {
      const live = this.jobs.findLiveByLock(job.lockKey)
      if (live && live.state !== 'running') this.enqueue(live.id)
      return live && { jobId: live.id }
    }
    const joined = join()
    if (joined) return joined
    try {
      const created = createJob(this.jobs, job)
      this.enqueue(created.id)
      return { jobId: created.id }
    } catch (err) {
      // Another process took the key between our look and our insert.
      const raced = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && join()
      if (raced) return raced
      throw err
    }
  }

  /** Resolves with the final row once the job leaves this process (succeeded, failed, cancelled, released). */
  async wait(jobId: number): Promise<JobRow> {
    for (;;) {
      const live = this.live.get(jobId)
      if (live) return live.finished
      if (!this.waiting.includes(jobId)) {
        const row = this.jobs.get(jobId)
        if (!row) throw new EmbedMapError('NOT_FOUND', `There is no job ${jobId}.`)
        return row
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  cancel(jobId: number): void {
    const row = this.jobs.get(jobId)
    if (!row) throw new EmbedMapError('NOT_FOUND', `There is no job ${jobId}.`)
    const queuedHere = this.waiting.indexOf(jobId)
    if (queuedHere >= 0) this.waiting.splice(queuedHere, 1)
    if (row.state === 'queued' || row.state === 'interrupted') {
      // Not running anywhere: discard its partial output now.
      this.opts.db.transaction(() => {
        jobOps.discard(this.opts.db, row)
        this.jobs.finish(jobId, 'cancelled')
      })()
    } else if (row.state === 'running') {
      this.jobs.requestCancel(jobId)
      this.live.get(jobId)?.worker.postMessage({ type: 'cancel' } satisfies RunnerMessage)
    }
    this.emit(jobId)
  }

  /** The contract's view of a job, with the live rate and ETA when it runs here. */
  view(row: JobRow): Job {
    const live = this.live.get(row.id)
    const done = live && row.state === 'running' ? Math.max(live.done, row.done) : row.done
    const total = live && row.state === 'running' ? live.total : row.total
    const rate = live ? live.meter.rate() : null
    const eta = rate && total !== null && rate > 0 ? Math.max(0, (total - done) / rate) : null
    return {
      id: row.id,
      kind: row.kind,
      datasetId: row.datasetId,
      state: row.state,
      title: jobOps.title(row),
      done,
      total,
      rate,
      etaSeconds: eta,
      error: row.error,
      result: row.result ?? null,
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    }
  }

  /** Renews this process's lease on its running jobs while it has any (see JobsRepo.heartbeat). */
  private startHeartbeat(): void {
    if (this.heartbeat) return
    this.heartbeat = setInterval(() => {
      if (this.live.size === 0) {
        clearInterval(this.heartbeat)
        this.heartbeat = undefined
        return
      }
      try {
        this.jobs.heartbeat(this.self)
      } catch {
        // A busy database skips one beat; the lease is many beats long.
      }
    }, HEARTBEAT_MS)
    this.heartbeat.unref()
  }

  /** Stops every worker, leaving their jobs 'interrupted' so the next start resumes them. */
  async shutdown(): Promise<void> {
    clearInterval(this.heartbeat)
    this.heartbeat = undefined
    if (this.spare) {
      clearTimeout(this.spare.idle)
      const w = this.spare.worker
      this.spare = undefined
      await w.terminate()
    }
    this.waiting.length = 0
    const all = [...this.live.entries()]
    for (const [id, l] of all) {
      await l.worker.terminate()
      this.jobs.release(id)
    }
  }

  private pump(): void {
    while (this.live.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!
      if (!this.jobs.claim(id, this.self)) continue
      this.startHeartbeat()
      this.start(id)
    }
  }

  /**
   * Starts a worker before its job exists, so that loading its code overlaps what the caller does first (an
   * import's sniff): the next job started here takes it. Unused, it does not keep the process alive and ends
   * after SPARE_IDLE_MS.
   */
  prewarm(): void {
    if (this.spare || this.live.size >= this.concurrency) return
    const worker = spawnJobWorker({ dbPath: this.opts.dbPath, jobId: null })
    worker.unref()
    const drop = () => {
      if (this.spare?.worker === worker) this.spare = undefined
    }
    worker.on('error', drop)
    worker.on('exit', drop)
    const idle = setTimeout(() => {
      drop()
      void worker.terminate()
    }, SPARE_IDLE_MS)
    idle.unref()
    this.spare = { worker, idle }
  }

  private takeSpare(jobId: number): Worker | undefined {
    const spare = this.spare
    if (!spare) return undefined
    this.spare = undefined
    clearTimeout(spare.idle)
    spare.worker.removeAllListeners()
    spare.worker.ref()
    spare.worker.postMessage({ type: 'run', jobId } satisfies RunnerMessage)
    return spare.worker
  }

  private start(jobId: number): void {
    const worker = this.takeSpare(jobId) ?? spawnJobWorker({ dbPath: this.opts.dbPath, jobId })
    const row = this.jobs.get(jobId)!
    let resolveFinished!: (r: JobRow) => void
    const live: Live = {
      worker,
      meter: new RateMeter(),
      done: row.done,
      total: row.total,
      finished: new Promise((r) => (resolveFinished = r)),
    }
    live.meter.add(row.done)
    this.live.set(jobId, live)
    this.emit(jobId)
    let reportedEnd = false

    worker.on('message', (m: WorkerMessage | { type: 'fatal'; error: ReturnType<typeof serializeError> }) => {
      // A message still in flight when the engine closed (a CLI that saw the job end in the database and exited).
      if (!this.opts.db.open) return
      if (m.type === 'progress') {
        live.done = m.done
        live.total = m.total
        live.meter.add(m.done)
        this.emit(jobId)
      } else if (m.type === 'finished') {
        reportedEnd = true
      } else if (m.type === 'fatal') {
        reportedEnd = true
        this.jobs.finish(jobId, 'failed', { error: m.error })
      }
    })
    worker.on('error', (err) => {
      if (!reportedEnd) {
        reportedEnd = true
        this.failUnexpectedly(jobId, serializeError(err).message)
      }
    })
    worker.on('exit', (code) => {
      if (!this.opts.db.open) {
        this.live.delete(jobId)
        return
      }
      const current = this.jobs.get(jobId)
      if (!reportedEnd && current?.state === 'running') {
        this.failUnexpectedly(jobId, `the worker stopped unexpectedly (exit code ${code})`)
      }
      this.live.delete(jobId)
      this.emit(jobId)
      resolveFinished(this.jobs.get(jobId)!)
      this.pump()
    })
  }

  private failUnexpectedly(jobId: number, why: string): void {
    const row = this.jobs.get(jobId)
    if (!row || row.state !== 'running') return
    this.opts.db.transaction(() => {
      jobOps.discard(this.opts.db, row)
      this.jobs.finish(jobId, 'failed', { error: { code: 'INTERNAL', message: `Job ${jobId} failed: ${why}.` } })
    })()
  }

  private emit(jobId: number): void {
    const row = this.jobs.get(jobId)
    if (row) this.opts.onJob(this.view(row))
  }
}
