import type { Db } from './connection'
import type { JobState } from '../contract'
import type { SerializedError } from '../errors'
import type { ProcessIdentity } from '../process-identity'

export interface JobRow {
  id: number
  kind: string
  datasetId: number | null
  state: JobState
  params: Record<string, unknown>
  lockKey: string | null
  done: number
  total: number | null
  checkpoint: Record<string, unknown>
  result: unknown
  error: SerializedError | null
  ownerPid: number | null
  ownerStarted: string | null
  heartbeatAt: string | null
  cancelRequested: boolean
  attempts: number
  createdAt: string
  startedAt: string | null
  updatedAt: string | null
  finishedAt: string | null
}

interface RawJob {
  id: number
  kind: string
  dataset_id: number | null
  state: JobState
  params: string
  lock_key: string | null
  done: number
  total: number | null
  checkpoint: string
  result: string | null
  error: string | null
  owner_pid: number | null
  owner_started: string | null
  heartbeat_at: string | null
  cancel_requested: number
  attempts: number
  created_at: string
  started_at: string | null
  updated_at: string | null
  finished_at: string | null
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`
/**
 * A running job whose owner has not renewed its lease for this long is an orphan even if a process with its PID
 * exists. Owners renew every few seconds from their main thread, which never runs the heavy work itself.
 */
export const LEASE_MS = 2 * 60 * 1000
export const LIVE_STATES: readonly JobState[] = ['queued', 'running', 'interrupted']

function fromRaw(r: RawJob): JobRow {
  return {
    id: r.id,
    kind: r.kind,
    datasetId: r.dataset_id,
    state: r.state,
    params: JSON.parse(r.params),
    lockKey: r.lock_key,
    done: r.done,
    total: r.total,
    checkpoint: JSON.parse(r.checkpoint),
    result: r.result === null ? null : JSON.parse(r.result),
    error: r.error === null ? null : JSON.parse(r.error),
    ownerPid: r.owner_pid,
    ownerStarted: r.owner_started,
    heartbeatAt: r.heartbeat_at,
    cancelRequested: r.cancel_requested !== 0,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  }
}

/** Job rows: the durable half of the job system (the runner is the live half). */
export class JobsRepo {
  constructor(private readonly db: Db) {}

  create(job: { kind: string; datasetId: number | null; params: unknown; lockKey: string | null; total?: number | null }): JobRow {
    const info = this.db
      .prepare(`INSERT INTO jobs (kind, dataset_id, state, params, lock_key, total) VALUES (?, ?, 'queued', ?, ?, ?)`)
      .run(job.kind, job.datasetId, JSON.stringify(job.params ?? {}), job.lockKey, job.total ?? null)
    return this.get(Number(info.lastInsertRowid))!
  }

  get(id: number): JobRow | undefined {
    const r = this.db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(id) as RawJob | undefined
    return r && fromRaw(r)
  }

  list(opts: { activeOnly?: boolean; limit?: number } = {}): JobRow[] {
    const where = opts.activeOnly ? `WHERE state IN ('queued', 'running', 'interrupted')` : ''
    const rows = this.db.prepare(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ?`).all(opts.limit ?? 200) as RawJob[]
    return rows.map(fromRaw)
  }

  findLiveByLock(lockKey: string): JobRow | undefined {
    const r = this.db.prepare(`SELECT * FROM jobs WHERE lock_key = ? AND state IN ('queued', 'running', 'interrupted')`).get(lockKey) as RawJob | undefined
    return r && fromRaw(r)
  }

  /** Claims a queued or interrupted job for this process. Returns false if someone else holds it. */
  claim(id: number, owner: ProcessIdentity): boolean {
    const info = this.db
      .prepare(
        `UPDATE jobs SET state = 'running', owner_pid = ?, owner_started = ?, heartbeat_at = ${NOW}, attempts = attempts + 1,
           cancel_requested = 0, started_at = coalesce(started_at, ${NOW}), updated_at = ${NOW}
         WHERE id = ? AND state IN ('queued', 'interrupted')`,
      )
      .run(owner.pid, owner.started, id)
    return info.changes === 1
  }

  /** The live owner renews its lease on the jobs it runs. */
  heartbeat(owner: ProcessIdentity): void {
    this.db.prepare(`UPDATE jobs SET heartbeat_at = ${NOW} WHERE state = 'running' AND owner_pid = ? AND owner_started IS ?`).run(owner.pid, owner.started)
  }

  progress(id: number, done: number, total: number | null, checkpoint?: unknown): void {
    if (checkpoint === undefined) {
      this.db.prepare(`UPDATE jobs SET done = ?, total = ?, updated_at = ${NOW} WHERE id = ?`).run(done, total, id)
    } else {
      this.db.prepare(`UPDATE jobs SET done = ?, total = ?, checkpoint = ?, updated_at = ${NOW} WHERE id = ?`).run(done, total, JSON.stringify(checkpoint), id)
    }
  }

  finish(id: number, state: 'succeeded' | 'failed' | 'cancelled', outcome: { result?: unknown; error?: SerializedError } = {}): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, result = ?, error = ?, owner_pid = NULL, owner_started = NULL, updated_at = ${NOW}, finished_at = ${NOW}
         WHERE id = ?`,
      )
      .run(state, outcome.result === undefined ? null : JSON.stringify(outcome.result), outcome.error ? JSON.stringify(outcome.error) : null, id)
  }

  requestCancel(id: number): void {
    this.db.prepare(`UPDATE jobs SET cancel_requested = 1, updated_at = ${NOW} WHERE id = ?`).run(id)
  }

  isCancelRequested(id: number): boolean {
    const r = this.db.prepare(`SELECT cancel_requested FROM jobs WHERE id = ?`).get(id) as { cancel_requested: number } | undefined
    return r?.cancel_requested === 1
  }

  /**
   * Jobs left 'running' by a process that no longer exists were interrupted (killed, crashed, power
   * loss). Marking them lets the user, or the next start, resume them from their checkpoint.
   */
  markOrphansInterrupted(isAlive: (owner: ProcessIdentity) => boolean, leaseMs = LEASE_MS): JobRow[] {
    const running = this.db.prepare(`SELECT * FROM jobs WHERE state = 'running'`).all() as RawJob[]
    const now = Date.now()
    const stale = (r: RawJob) => r.heartbeat_at !== null && now - Date.parse(r.heartbeat_at) > leaseMs
    const orphans = running.filter((r) => r.owner_pid === null || !isAlive({ pid: r.owner_pid, started: r.owner_started }) || stale(r))
    const mark = this.db.prepare(
      `UPDATE jobs SET state = 'interrupted', owner_pid = NULL, owner_started = NULL, updated_at = ${NOW} WHERE id = ? AND state = 'running'`,
    )
    for (const o of orphans) mark.run(o.id)
    return orphans.map((o) => this.get(o.id)!)
  }

  /** Hands a job back (e.g. this process is shutting down mid-job) so it can be resumed later. */
  release(id: number): void {
    this.db
      .prepare(`UPDATE jobs SET state = 'interrupted', owner_pid = NULL, owner_started = NULL, updated_at = ${NOW} WHERE id = ? AND state = 'running'`)
      .run(id)
  }
}
