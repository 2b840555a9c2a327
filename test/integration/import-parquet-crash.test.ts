import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, startCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const ROWS = 120_000
const DIMS = 8
const python = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')

/** Vector of row i: unit length, so it is stored byte-for-byte as written. */
function vectorOf(i: number): Float32Array {
  const v = new Float32Array(DIMS)
  v[i % DIMS] = 1
  return v
}

function count(dbFile: string, table: 'rows' | 'embeddings'): number {
  if (!fs.existsSync(dbFile)) return 0
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 2000')
    const t = db.prepare(`SELECT name FROM sqlite_master WHERE name = ?`).get(table)
    return t ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0
  } finally {
    db.close()
  }
}

describe('a Parquet import with vectors killed mid-way', () => {
  it('resumes to exactly the source rows and one vector per row, with no duplicates', async () => {
    const src = path.join(dir, 'big.parquet')
    execFileSync(python, [
      '-c',
      `
import sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq
n, d = ${ROWS}, ${DIMS}
v = np.zeros((n, d), dtype='float32'); v[np.arange(n), np.arange(n) % d] = 1
pq.write_table(pa.table({'id': np.arange(n), 'text': [f'row {i} text' for i in range(n)],
  'vec': pa.FixedSizeListArray.from_arrays(pa.array(v.ravel()), d)}), sys.argv[1], row_group_size=10000)
`,
      src,
    ])
    const dbFile = path.join(dir, 'crash.sqlite')
    const child = startCli(['import', src, '--db', dbFile, '--no-analyze', '--json'])
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    const deadline = Date.now() + 120_000
    let seen = 0
    while (Date.now() < deadline) {
      seen = count(dbFile, 'rows')
      if (seen >= 15_000) break
      await new Promise((r) => setTimeout(r, 20))
    }
    child.kill('SIGKILL')
    await exited
    expect(seen).toBeGreaterThanOrEqual(15_000)
    const atKill = count(dbFile, 'rows')
    expect(atKill).toBeLessThan(ROWS)
    // Rows and their vectors commit together.
    expect(count(dbFile, 'embeddings')).toBe(atKill)

    const resumed = runCli(['import', src, '--db', dbFile, '--no-analyze', '--json'])
    expect(resumed.stderr).toBe('')
    expect(resumed.status).toBe(0)
    const out = resumed.json<{ dataset: { rowCount: number }; job: { state: string }; vectors: { vectorCount: number; status: string } }>()
    expect(out.job.state).toBe('succeeded')
    expect(out.dataset.rowCount).toBe(ROWS)
    expect(out.vectors).toMatchObject({ vectorCount: ROWS, status: 'ready' })

    const db = new Database(dbFile, { readonly: true })
    expect(db.prepare(`SELECT count(*) AS n FROM embedding_sets`).get()).toEqual({ n: 1 })
    // --no-analyze: the vectors wait for an analysis the user starts (it once started anyway).
    expect(db.prepare(`SELECT count(*) AS n FROM jobs WHERE kind = 'analyze'`).get()).toEqual({ n: 0 })
    expect(db.prepare(`SELECT count(*) AS n, count(DISTINCT row_idx) AS d, min(row_idx) AS lo, max(row_idx) AS hi FROM embeddings`).get()).toEqual({
      n: ROWS,
      d: ROWS,
      lo: 0,
      hi: ROWS - 1,
    })
    let bad = 0
    for (const r of db
      .prepare(`SELECT e.row_idx, e.vector, r.text FROM embeddings e JOIN rows r ON r.idx = e.row_idx ORDER BY e.row_idx`)
      .iterate() as Iterable<{
      row_idx: number
      vector: Buffer
      text: string
    }>) {
      const want = vectorOf(r.row_idx)
      if (!Buffer.from(want.buffer).equals(r.vector) || r.text !== `row ${r.row_idx} text`) bad++
    }
    db.close()
    expect(bad).toBe(0)
  }, 300_000)
})
