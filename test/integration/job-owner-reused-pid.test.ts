import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

/**
 * Issue 9: a job whose owner PID is reused by another process stayed "running" forever; re-import said CONFLICT and
 * `jobs cancel` never cleared it. The owner is now a process instance (pid + start time) with a heartbeat lease.
 */
const dir = tmpDir()
const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' })
afterAll(() => {
  sleeper.kill('SIGKILL')
})

function csv(file: string, rows: number): void {
  fs.writeFileSync(file, ['id,text', ...Array.from({ length: rows }, (_, i) => `${i},row number ${i} of the reused-pid test`)].join('\n') + '\n')
}

/** Makes the newest job look like it is still running, owned by the given (live) process with another start time. */
function orphanNewestJob(dbFile: string, owner: { pid: number; started: string | null; heartbeatAgoMs?: number }): number {
  const db = new Database(dbFile)
  try {
    const job = db.prepare(`SELECT id FROM jobs ORDER BY id DESC LIMIT 1`).get() as { id: number }
    const beat = new Date(Date.now() - (owner.heartbeatAgoMs ?? 0)).toISOString()
    db.prepare(`UPDATE jobs SET state = 'running', finished_at = NULL, owner_pid = ?, owner_started = ?, heartbeat_at = ? WHERE id = ?`).run(
      owner.pid,
      owner.started,
      beat,
      job.id,
    )
    // The rows it had written are kept (a killed import leaves its committed batches).
    db.prepare(`UPDATE datasets SET status = 'importing'`).run()
    return job.id
  } finally {
    db.close()
  }
}

describe('a running job whose owner is gone', () => {
  it('is recovered when its PID now belongs to another process (start time differs)', () => {
    const db = path.join(dir, 'reused.sqlite')
    const src = path.join(dir, 'a.csv')
    csv(src, 500)
    expect(runCli(['--db', db, '--json', 'import', src]).status).toBe(0)
    const jobId = orphanNewestJob(db, { pid: sleeper.pid!, started: 'another-boot:12345' })

    const jobs = runCli(['--db', db, '--json', 'jobs']).json()
    expect(jobs.find((j: { id: number }) => j.id === jobId).state).toBe('interrupted')
    const cancelled = runCli(['--db', db, '--json', 'jobs', 'cancel', String(jobId)])
    expect(cancelled.status).toBe(0)
    expect(cancelled.json().state).toBe('cancelled')
  })

  it('is recovered by jobs cancel, and a re-import resumes instead of answering CONFLICT, when the lease ran out', () => {
    const db = path.join(dir, 'lease.sqlite')
    const src = path.join(dir, 'b.csv')
    csv(src, 500)
    expect(runCli(['--db', db, '--json', 'import', src]).status).toBe(0)
    // No start time recorded (as on an OS that does not tell), a live PID, but no heartbeat for 10 minutes.
    orphanNewestJob(db, { pid: sleeper.pid!, started: null, heartbeatAgoMs: 10 * 60_000 })
    const again = runCli(['--db', db, '--json', 'import', src])
    expect(again.stderr + again.stdout).not.toMatch(/CONFLICT|already being imported/)
    expect(again.status).toBe(0)
    expect(again.json().dataset.rowCount).toBe(500)
  })

  it('is left alone while its owner is alive and renewing its lease', () => {
    const db = path.join(dir, 'alive.sqlite')
    const src = path.join(dir, 'c.csv')
    csv(src, 50)
    expect(runCli(['--db', db, '--json', 'import', src]).status).toBe(0)
    const jobId = orphanNewestJob(db, { pid: sleeper.pid!, started: null })
    const jobs = runCli(['--db', db, '--json', 'jobs']).json()
    expect(jobs.find((j: { id: number }) => j.id === jobId).state).toBe('running')
  })
})
