import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { sniffSource, textSourceOf } from '../../src-main/import'
import { createJob } from '../../src-main/jobs/registry'
import { JobRunner } from '../../src-main/jobs/runner'
import { openStore, type Db } from '../../src-main/store/connection'
import { DatasetsRepo } from '../../src-main/store/datasets-repo'
import { JobsRepo } from '../../src-main/store/jobs-repo'
import { runCli } from '../helpers/cli'
import { tmpDir } from '../helpers/tmp'

/**
 * How an import job starts: a worker prewarmed before the job exists (JobRunner.prewarm) takes it, and a job
 * queued without its file's reading settings (params.source, added later) still sniffs the file and imports it.
 */
const dir = tmpDir()
let db: Db | undefined
let runner: JobRunner | undefined
afterEach(async () => {
  await runner?.shutdown()
  db?.close()
})

function writeCsv(file: string, rows: number): void {
  let text = 'id,text,label\n'
  for (let i = 0; i < rows; i++) text += `${i},"row ${i}, with a comma",${i % 4}\n`
  fs.writeFileSync(file, text)
}

async function queueImport(dbFile: string, csv: string, withSource: boolean): Promise<number> {
  const sniff = await sniffSource(csv)
  const st = fs.statSync(csv)
  const datasetId = new DatasetsRepo(db!).create({
    name: path.basename(csv),
    sourcePath: csv,
    sourceSize: st.size,
    sourceMtime: Math.trunc(st.mtimeMs),
    format: 'csv',
    encoding: sniff.encoding,
    delimiter: sniff.delimiter ?? null,
    textColumn: sniff.suggestedTextColumn,
  })
  const params = {
    path: csv,
    options: {},
    textColumn: sniff.suggestedTextColumn,
    vectors: null,
    analyzeAfter: false,
    source: withSource ? textSourceOf(sniff) : null,
  }
  return createJob(new JobsRepo(db!), { kind: 'import', datasetId, params, lockKey: `import:${csv}`, total: null }).id
}

function importedRows(datasetId: number): { idx: number; text: string; cells: string }[] {
  return db!.prepare(`SELECT idx, text, cells FROM rows WHERE dataset_id = ? ORDER BY idx`).all(datasetId) as { idx: number; text: string; cells: string }[]
}

describe('starting an import job', () => {
  it('a prewarmed worker takes the next job and imports every row', async () => {
    const dbFile = path.join(dir, 'prewarm.sqlite')
    db = openStore(dbFile)
    runner = new JobRunner({ dbPath: dbFile, db, onJob: () => {} })
    runner.prewarm()
    const spare = runner['spare']?.worker
    expect(spare).toBeDefined()
    const csv = path.join(dir, 'prewarm.csv')
    writeCsv(csv, 2500)
    const jobId = await queueImport(dbFile, csv, true)
    runner.enqueue(jobId)
    expect(runner['spare']).toBeUndefined()
    expect(runner['live'].get(jobId)?.worker).toBe(spare)
    const row = await runner.wait(jobId)
    expect(row.state).toBe('succeeded')
    const rows = importedRows(row.datasetId!)
    expect(rows.length).toBe(2500)
    expect(rows[1234]).toEqual({ idx: 1234, text: 'row 1234, with a comma', cells: JSON.stringify(['1234', 'row 1234, with a comma', '2']) })
  })

  it('an unused prewarmed worker ends at shutdown', async () => {
    const dbFile = path.join(dir, 'unused.sqlite')
    db = openStore(dbFile)
    runner = new JobRunner({ dbPath: dbFile, db, onJob: () => {} })
    runner.prewarm()
    const spare = runner['spare']!.worker
    const exited = new Promise<number>((resolve) => spare.once('exit', resolve))
    await runner.shutdown()
    runner = undefined
    // Resolves only once the thread has gone (a thread left running would time the test out).
    expect(await exited).toBeTypeOf('number')
  })

  it('a job queued without the reading settings sniffs the file itself', async () => {
    const dbFile = path.join(dir, 'no-source.sqlite')
    db = openStore(dbFile)
    runner = new JobRunner({ dbPath: dbFile, db, onJob: () => {} })
    const csv = path.join(dir, 'no-source.csv')
    writeCsv(csv, 1200)
    const jobId = await queueImport(dbFile, csv, false)
    expect(new JobsRepo(db).get(jobId)?.params).toMatchObject({ source: null })
    runner.enqueue(jobId)
    const row = await runner.wait(jobId)
    expect(row.state).toBe('succeeded')
    expect(importedRows(row.datasetId!).map((r) => r.idx)).toEqual(Array.from({ length: 1200 }, (_, i) => i))
  })

  it('the CLI reads a 4.7 MB CSV in its reader thread: rows stored as read, the vector column taken out of the cells', () => {
    const csv = path.join(dir, 'vectors.csv')
    let text = 'id,text,emb\n'
    for (let i = 0; i < 40_000; i++) {
      const v = Array.from({ length: 16 }, (_, j) => (((i * 7 + j) % 10) / 10).toFixed(2))
      text += `${i},"text ${i}, with a comma","[${v.join(',')}]"\n`
    }
    fs.writeFileSync(csv, text)
    expect(fs.statSync(csv).size).toBeGreaterThan(4 * 1024 * 1024) // the size from which the reader runs in its own thread
    const dbFile = path.join(dir, 'cli.sqlite')
    const r = runCli(['import', csv, '--db', dbFile, '--vectors', 'emb', '--no-analyze', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { dataset: { id: number; rowCount: number }; vectors: { vectorCount: number; dims: number } }
    expect(out.dataset.rowCount).toBe(40_000)
    expect(out.vectors).toMatchObject({ vectorCount: 40_000, dims: 16 })
    db = openStore(dbFile)
    const rows = importedRows(out.dataset.id)
    expect(rows.length).toBe(40_000)
    expect(rows.every((row, i) => row.idx === i && row.cells === JSON.stringify([String(i), `text ${i}, with a comma`]))).toBe(true)
  })
})
