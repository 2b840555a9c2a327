import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, startCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const ROWS = 300_000

/** Deterministic content for row i, with the awkward cases a real file has: quotes, newlines, CJK. */
function textOf(i: number): string {
  if (i % 997 === 0) return `line one of ${i}\nline "two" of ${i}`
  if (i % 101 === 0) return `第${i}行：中文文本，带逗号`
  return `row ${i} says something, quite short`
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function writeSource(file: string): void {
  const fd = fs.openSync(file, 'w')
  fs.writeSync(fd, 'id,text,group\n')
  let chunk = ''
  for (let i = 0; i < ROWS; i++) {
    chunk += `${i},${csvField(textOf(i))},g${i % 7}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
}

function rowCount(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 2000')
    const t = db.prepare(`SELECT name FROM sqlite_master WHERE name = 'rows'`).get()
    return t ? (db.prepare(`SELECT count(*) AS n FROM rows`).get() as { n: number }).n : 0
  } finally {
    db.close()
  }
}

describe('an import killed mid-way', () => {
  it('resumes to exactly the source rows, with no duplicates and nothing lost', async () => {
    const src = path.join(dir, 'big.csv')
    const dbFile = path.join(dir, 'crash.sqlite')
    writeSource(src)

    const child = startCli(['import', src, '--db', dbFile, '--json'])
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    // Wait until some batches are committed but the import is far from done, then kill -9.
    const deadline = Date.now() + 120_000
    let seen = 0
    while (Date.now() < deadline) {
      seen = rowCount(dbFile)
      if (seen >= 20_000) break
      await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGKILL')
    await exited
    const atKill = rowCount(dbFile)
    expect(seen).toBeGreaterThanOrEqual(20_000)
    expect(atKill).toBeLessThan(ROWS)

    const jobs = runCli(['jobs', '--db', dbFile, '--json'])
    expect(jobs.status).toBe(0)
    const [job] = jobs.json<{ id: number; state: string }[]>()
    expect(job.state).toBe('interrupted')

    // Importing the same file again picks the interrupted job up where it stopped.
    const resumed = runCli(['import', src, '--db', dbFile, '--json'])
    expect(resumed.stderr).toBe('')
    expect(resumed.status).toBe(0)
    const out = resumed.json<{ dataset: { id: number; rowCount: number }; job: { id: number; state: string } }>()
    expect(out.job.id).toBe(job.id)
    expect(out.job.state).toBe('succeeded')
    expect(out.dataset.rowCount).toBe(ROWS)

    const db = new Database(dbFile, { readonly: true })
    const datasets = db.prepare(`SELECT count(*) AS n FROM datasets`).get() as { n: number }
    expect(datasets.n).toBe(1)
    const stats = db.prepare(`SELECT count(*) AS n, count(DISTINCT idx) AS distinct_idx, min(idx) AS lo, max(idx) AS hi FROM rows`).get() as Record<
      string,
      number
    >
    expect(stats).toEqual({ n: ROWS, distinct_idx: ROWS, lo: 0, hi: ROWS - 1 })
    let mismatches = 0
    for (const r of db.prepare(`SELECT idx, text, cells FROM rows ORDER BY idx`).iterate() as Iterable<{ idx: number; text: string; cells: string }>) {
      const cells = JSON.parse(r.cells) as string[]
      if (r.text !== textOf(r.idx) || cells[0] !== String(r.idx) || cells[2] !== `g${r.idx % 7}`) mismatches++
    }
    db.close()
    expect(mismatches).toBe(0)
  }, 300_000)
})
